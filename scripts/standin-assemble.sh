#!/bin/sh
# Assembles the root file system of a distroless stand-in under $OUT (default
# /out), inside a Debian stage of a build that scripts/standin-images
# generates. What to copy comes from the environment, set from the image's
# entry in scripts/standin-images.toml:
#   COPY_PACKAGES  packages whose files (dpkg -L) are copied
#   COPY_PATHS     further paths (a directory is copied whole)
#   ELF_CLOSURE    1: also copy every shared library an ELF file copied needs
#                  (ldd), with the dynamic loader
#   MERGED_USR     1: /bin, /sbin, /lib, /lib64 as symlinks into /usr, as in
#                  Debian
#   BUSYBOX        a directory: a static busybox there, with every applet
#                  as a symlink (the debug images' /busybox)
# Paths are copied at their canonical place (/lib/x/libc.so.6 goes to
# /usr/lib/x/libc.so.6), and symlinks are copied with what they point to.
set -eu
OUT=${OUT:-/out}
work=$(mktemp -d)
list=$work/list
: >"$list"

for p in ${COPY_PACKAGES:-}; do
    dpkg -L "$p" | grep '^/' >>"$list"
done
for p in ${COPY_PATHS:-}; do
    if [ -d "$p" ] && [ ! -L "$p" ]; then
        find "$p" >>"$list"
    else
        echo "$p" >>"$list"
    fi
done

# Documentation is left out, as distroless keeps only copyright files.
grep -v -e '^/usr/share/man/' -e '^/usr/share/info/' -e '^/usr/share/lintian/' \
    -e '^/usr/share/doc/.*/changelog' -e '^/usr/share/bug/' "$list" >"$work/l2" || true
mv "$work/l2" "$list"

if [ "${ELF_CLOSURE:-0}" = 1 ]; then
    while read -r f; do
        [ -f "$f" ] && [ ! -L "$f" ] || continue
        magic=$(head -c 4 "$f" | od -An -c | tr -d ' ')
        [ "$magic" = '177ELF' ] || continue
        ldd "$f" 2>/dev/null | sed -n -e 's/.*=> \(\/[^ ]*\) .*/\1/p' -e 's/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p'
    done <"$list" >"$work/libs"
    cat "$work/libs" >>"$list"
fi

# Canonical places (directory part resolved), symlink targets added until
# nothing new comes.
canon() {
    d=$(dirname "$1")
    if [ -d "$d" ]; then
        printf '%s/%s\n' "$(cd "$d" && pwd -P)" "$(basename "$1")" | sed 's|^//|/|'
    fi
}
sort -u "$list" >"$work/todo"
: >"$work/done"
while [ -s "$work/todo" ]; do
    : >"$work/next"
    while read -r f; do
        [ -e "$f" ] || [ -L "$f" ] || continue
        c=$(canon "$f") || continue
        [ -n "$c" ] || continue
        echo "$c" >>"$work/done"
        if [ -L "$c" ]; then
            t=$(readlink "$c")
            case "$t" in
                /*) echo "$t" ;;
                *) echo "$(dirname "$c")/$t" ;;
            esac >>"$work/next"
        fi
    done <"$work/todo"
    sort -u "$work/done" -o "$work/done"
    sort -u "$work/next" | comm -23 - "$work/done" >"$work/todo"
done
grep -v -e '^/$' -e '^/proc' -e '^/sys' -e '^/dev' "$work/done" >"$work/final" || true

mkdir -p "$OUT"
tar -C / --no-recursion -cf - -T "$work/final" 2>/dev/null | tar -C "$OUT" -xpf -

if [ "${MERGED_USR:-0}" = 1 ]; then
    for d in bin sbin lib lib64; do
        if [ -d "$OUT/$d" ] && [ ! -L "$OUT/$d" ]; then
            mkdir -p "$OUT/usr/$d"
            cp -a "$OUT/$d/." "$OUT/usr/$d/"
            rm -rf "${OUT:?}/$d"
        fi
        mkdir -p "$OUT/usr/$d"
        [ -e "$OUT/$d" ] || ln -s "usr/$d" "$OUT/$d"
    done
fi

if [ -n "${BUSYBOX:-}" ]; then
    mkdir -p "$OUT$BUSYBOX"
    cp /bin/busybox "$OUT$BUSYBOX/busybox"
    for a in $(/bin/busybox --list); do
        [ "$a" = busybox ] || ln -sf busybox "$OUT$BUSYBOX/$a"
    done
fi
rm -rf "$work"
