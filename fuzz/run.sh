#!/usr/bin/env bash
# Run the fuzz targets in parallel, one process each (libFuzzer -jobs=1 -workers=1).
#
#   fuzz/run.sh [SECONDS] [TARGET...]      (default: 300 s; parse lint fix)
#
# Each target's corpus (fuzz/corpus/<target>, not committed) starts from the
# committed seeds (fuzz/seeds) and, when ../shared/corpus exists beside the
# checkout, from its files too (copied at run time, never committed).
# Crashes land in fuzz/artifacts/<target>; logs in fuzz/logs/<target>.log.
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:-300}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(parse lint fix)
shared=../../shared/corpus
mkdir -p logs
for t in "${targets[@]}"; do
    mkdir -p "corpus/$t"
    cp -n seeds/* "corpus/$t/"
    if [ -d "$shared" ]; then
        find "$shared" -maxdepth 1 -type f ! -name MANIFEST.tsv -exec cp -n {} "corpus/$t/" \;
    fi
done
cargo +nightly fuzz build -O
pids=()
for t in "${targets[@]}"; do
    cargo +nightly fuzz run -O "$t" "corpus/$t" -- \
        -max_total_time="$secs" -max_len=65536 -timeout=20 -rss_limit_mb=2048 \
        -print_final_stats=1 >"logs/$t.log" 2>&1 &
    pids+=($!)
done
status=0
for p in "${pids[@]}"; do wait "$p" || status=1; done
for t in "${targets[@]}"; do
    echo "== $t"
    grep -E '^#[0-9]+.*(DONE|pulse)|stat::number_of_executed_units|cov:' "logs/$t.log" | tail -n 2
    ls "artifacts/$t" 2>/dev/null | sed 's/^/crash: /' || true
done
exit $status
