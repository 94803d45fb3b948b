#!/usr/bin/env python3
"""Generate rules/debian-packages.toml from Debian's package index.

What it does:

1. Scans the Dockerfiles in the corpus (default: ../shared/corpus, beside the
   repository) for `apt-get install` / `apt install` / `aptitude install`
   commands and collects the package names they install, with a simple
   tokenizer (no shell parser): continuation lines are joined, comment lines
   dropped, and the words after `install` up to the next shell operator are
   taken. Options, words with variables (`$`), globs, paths and URLs are
   skipped; `=version` and `:arch` suffixes are removed.
2. Resolves those names and their Depends/Pre-Depends closure with
   `apt-cache depends --important` (first alternative of an `a | b` group;
   the first provider of a virtual package), plus the minimal base system
   every Debian image starts from (Priority: required, and apt).
3. Reads each package's `Installed-Size` (KiB) with `apt-cache show`.
4. Writes the TOML: per package its installed size and its resolved direct
   dependencies, the base set, the virtual names the corpus uses with the
   provider chosen, and the corpus names this release does not know.

Run on a Debian machine after `apt-get update` (the file's header records
the release, architecture and date):

    python3 scripts/gen-debian-packages.py [--corpus DIR] [--out FILE]

The Rust test `tests/knowledge.rs` re-scans the corpus with the same
tokenizer and fails when a corpus name is missing from the generated file,
so keep `scan_install_names` here and `scan_apt_names` there in step.
"""

import argparse
import datetime
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# Shell operators that end a command's argument list.
SEPARATORS = {"&&", "||", ";", "|", "&", ")", "(", "{", "}", ">", "<", ">>", "2>", "2>&1", "then", "do", "fi", "done"}
# apt options that take a separate argument.
APT_OPTS_WITH_ARG = {"-o", "-t", "-c", "--option", "--config-file", "--target-release", "--default-release", "--snapshot", "-S"}
# apk options (before or after `add`) that take a separate argument.
APK_OPTS_WITH_ARG = {"-t", "--virtual", "-X", "--repository", "-p", "--root", "--arch", "--cache-dir", "--keys-dir", "--repositories-file"}
# What a Debian (or Alpine) package name may look like.
NAME = re.compile(r"^[a-z0-9][a-z0-9+.-]+$")


def logical_lines(text):
    """Dockerfile text to logical lines: comment lines dropped (BuildKit drops
    them inside continuations too), backslash continuations joined."""
    lines = [line for line in text.split("\n") if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\[ \t]*\r?\n", " ", "\n".join(lines))
    return joined.split("\n")


def words(line):
    """Whitespace-separated words, with `;`, `&&` and `||` split off and a
    trailing `# comment` removed."""
    line = re.sub(r"(^|\s)#.*$", "", line)
    line = line.replace(";", " ; ").replace("&&", " && ").replace("||", " || ")
    return [w for w in line.split() if w]


def clean_name(word, manager):
    """A package name from an argument word, or None when the word is not a
    plain package name (options, variables, globs, paths, URLs)."""
    word = word.strip("'\"")
    if manager == "apt":
        word = word.split("=", 1)[0]
        if ":" in word:
            word, arch = word.split(":", 1)
            if not re.fullmatch(r"[a-z0-9]+", arch):
                return None
    else:
        word = re.split(r"[=~<>@]", word, maxsplit=1)[0]
    return word if NAME.match(word) else None


def scan_install_names(text, manager):
    """Package names installed by `apt-get|apt|aptitude ... install` (manager
    "apt") or `apk ... add` (manager "apk") in one Dockerfile, in order."""
    names = []
    programs = ("apt-get", "apt", "aptitude") if manager == "apt" else ("apk",)
    verb = "install" if manager == "apt" else "add"
    opts = APT_OPTS_WITH_ARG if manager == "apt" else APK_OPTS_WITH_ARG
    for line in logical_lines(text):
        toks = words(line)
        i = 0
        while i < len(toks):
            if toks[i] not in programs:
                i += 1
                continue
            j = i + 1
            while j < len(toks) and toks[j] not in SEPARATORS and toks[j] != verb:
                j += 2 if toks[j] in opts else 1
            if j < len(toks) and toks[j] == verb:
                j += 1
                while j < len(toks) and toks[j] not in SEPARATORS:
                    if toks[j] in opts:
                        j += 2
                        continue
                    name = clean_name(toks[j], manager)
                    if name is not None:
                        names.append(name)
                    j += 1
            i = max(j, i + 1)
    return names


def scan_corpus(corpus, manager):
    """name -> number of Dockerfiles installing it."""
    counts = {}
    for entry in sorted(os.listdir(corpus)):
        path = os.path.join(corpus, entry)
        if entry == "MANIFEST.tsv" or not os.path.isfile(path):
            continue
        with open(path, encoding="utf-8", errors="replace") as f:
            for name in set(scan_install_names(f.read(), manager)):
                counts[name] = counts.get(name, 0) + 1
    return counts


def run(args):
    return subprocess.run(args, check=False, capture_output=True, text=True).stdout


def batches(items, size=200):
    items = list(items)
    for i in range(0, len(items), size):
        yield items[i : i + size]


def show(names):
    """name -> record (dict of fields) for the candidate version."""
    records = {}
    for batch in batches(sorted(names)):
        out = run(["apt-cache", "show", "--no-all-versions", *batch])
        for block in out.split("\n\n"):
            fields = {}
            key = None
            for line in block.split("\n"):
                if line.startswith((" ", "\t")) and key:
                    continue
                if ":" in line:
                    key, value = line.split(":", 1)
                    fields[key] = value.strip()
            if "Package" in fields and fields["Package"] not in records:
                records[fields["Package"]] = fields
    return records


def providers(virtual):
    """Real packages providing a virtual name, from `apt-cache showpkg`."""
    out = run(["apt-cache", "showpkg", virtual])
    found = []
    if "Reverse Provides:" in out:
        for line in out.split("Reverse Provides:", 1)[1].strip().split("\n"):
            parts = line.split()
            if parts and parts[0] not in found:
                found.append(parts[0])
    return found


def direct_depends(names):
    """name -> resolved direct Depends/Pre-Depends (first alternative; the
    first provider of a virtual package) from `apt-cache depends`."""
    result = {}
    for batch in batches(sorted(names)):
        out = run(["apt-cache", "depends", "--important", *batch])
        current = None
        group = []
        i = 0
        lines = out.split("\n")
        while i < len(lines):
            line = lines[i]
            i += 1
            if line and not line.startswith(" "):
                current = line.strip()
                result.setdefault(current, [])
                continue
            m = re.match(r"^ (\||\s)(Depends|PreDepends): (.+)$", line)
            if not m or current is None:
                continue
            alt, target = m.group(1) == "|", m.group(3).strip()
            # Providers of a virtual target are listed on the following,
            # more indented lines.
            provs = []
            while i < len(lines) and lines[i].startswith("    "):
                provs.append(lines[i].strip())
                i += 1
            if target.startswith("<") and target.endswith(">"):
                choice = provs[0] if provs else None
            else:
                choice = target
            group.append(choice)
            if alt:
                continue
            # End of a group: the first alternative apt can install.
            chosen = next((c for c in group if c is not None), None)
            if chosen and chosen not in result[current] and chosen != current:
                result[current].append(chosen)
            group = []
    return result


def closure(roots):
    """Packages reachable from roots through resolved dependencies: their
    records, and their direct dependencies (only names apt-cache knows)."""
    records = {}
    deps = {}
    frontier = set(roots)
    while frontier:
        records.update(show(frontier - set(records)))
        known = {n for n in frontier if n in records}
        resolved = direct_depends(known)
        reached = set()
        for name in known:
            deps[name] = [d for d in resolved.get(name, []) if d != name]
            reached.update(deps[name])
        # Names apt-cache show does not know drop out here: only known
        # names get deps, and the frontier is what they reach.
        frontier = {n for n in reached if n not in deps}
    for name in deps:
        deps[name] = [d for d in deps[name] if d in records]
    return records, deps


def all_required():
    """Every package with Priority: required, and apt: the minbase set of
    debootstrap, which Debian's images start from."""
    out = run(["apt-cache", "dumpavail"])
    names = set()
    for block in out.split("\n\n"):
        name = re.search(r"^Package: (\S+)", block, re.M)
        prio = re.search(r"^Priority: (\S+)", block, re.M)
        ess = re.search(r"^Essential: yes", block, re.M)
        if name and (ess or (prio and prio.group(1) == "required")):
            names.add(name.group(1))
    names.add("apt")
    return names


def release():
    """The release name and point version of the package index (as in
    `apt-cache policy`), falling back to /etc/os-release."""
    text = open("/etc/os-release", encoding="utf-8").read()
    pretty = re.search(r'^PRETTY_NAME="?([^"\n]*)', text, re.M)
    codename = re.search(r"^VERSION_CODENAME=(\S+)", text, re.M)
    version = ""
    if codename:
        policy = run(["apt-cache", "policy"])
        m = re.search(r"v=([0-9.]+),o=Debian,a=[^,]*,n=" + re.escape(codename.group(1)) + ",", policy)
        if m:
            version = m.group(1)
    if not version:
        try:
            version = open("/etc/debian_version", encoding="utf-8").read().strip()
        except OSError:
            pass
    return (pretty.group(1) if pretty else "unknown"), version


def lists_date():
    """Date of the newest apt list (when `apt-get update` last fetched)."""
    lists = "/var/lib/apt/lists"
    stamps = [os.path.getmtime(os.path.join(lists, f)) for f in os.listdir(lists) if f.endswith("InRelease")]
    stamp = max(stamps) if stamps else datetime.datetime.now().timestamp()
    return datetime.datetime.fromtimestamp(stamp, datetime.timezone.utc).strftime("%Y-%m-%d")


def toml_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", default=os.path.join(ROOT, "..", "shared", "corpus"))
    ap.add_argument("--out", default=os.path.join(ROOT, "rules", "debian-packages.toml"))
    opts = ap.parse_args()

    if not run(["apt-cache", "show", "apt"]).strip():
        sys.exit("apt-cache knows no packages: run `apt-get update` first")

    corpus_counts = scan_corpus(opts.corpus, "apt")
    wanted = set(corpus_counts)

    known_now = show(wanted)
    virtual = {}
    not_found = []
    for name in sorted(wanted - set(known_now)):
        provs = providers(name)
        if provs:
            virtual[name] = provs[0]
        else:
            not_found.append(name)

    base_roots = all_required()
    roots = (wanted & set(known_now)) | set(virtual.values()) | base_roots
    records, deps = closure(roots)
    base, _ = closure(base_roots)
    base_names = sorted(base)

    pretty, version = release()
    arch = run(["dpkg", "--print-architecture"]).strip() or "amd64"
    date = lists_date()
    lines = [
        "# GENERATED by scripts/gen-debian-packages.py; do not edit by hand.",
        f"# {pretty} ({version}), {arch}: apt-cache show / apt-cache depends --important",
        f"# on the package lists fetched on {date}.",
        "# For each package: its Installed-Size in KiB (as apt-cache shows it) and its",
        "# direct Depends/Pre-Depends as apt would resolve them (the first alternative,",
        "# the first provider of a virtual package). Only the packages Dockerfiles in",
        "# the corpus install, their dependency closure and the minimal base system.",
        "",
        "[meta]",
        f"release = {toml_str(pretty)}",
        f"debian_version = {toml_str(version)}",
        f"arch = {toml_str(arch)}",
        f"date = {toml_str(date)}",
        'source = "Debian package index (main, updates, security) via apt-cache show and apt-cache depends"',
        'unit = "KiB"',
        f"corpus_names = {len(wanted)}",
        "",
        "# The minimal base system every Debian image has (Essential or Priority",
        "# required, plus apt, and their dependencies).",
        "base = [",
    ]
    lines += [f"  {toml_str(n)}," for n in base_names]
    lines += [
        "]",
        "",
        "# Names the corpus installs that are virtual packages here, with the provider",
        "# apt would pick.",
        "[virtual]",
    ]
    lines += [f"{toml_str(k)} = {toml_str(v)}" for k, v in sorted(virtual.items())]
    lines += [
        "",
        "# Names the corpus installs that this release does not have (other releases,",
        "# Ubuntu, third-party repositories).",
        "[not_found]",
        "names = [",
    ]
    lines += [f"  {toml_str(n)}," for n in not_found]
    lines += [
        "]",
        "",
        "# name = [installed KiB, \"dependency ...\"]",
        "[packages]",
    ]
    for name in sorted(records):
        size = records[name].get("Installed-Size", "0")
        dep = " ".join(deps.get(name, []))
        lines.append(f"{toml_str(name)} = [{int(size)}, {toml_str(dep)}]")
    text = "\n".join(lines) + "\n"
    with open(opts.out, "w", encoding="utf-8") as f:
        f.write(text)
    print(
        f"{opts.out}: {len(records)} packages ({len(base_names)} base), "
        f"{len(virtual)} virtual, {len(not_found)} not found, {len(text)} bytes",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
