#!/bin/sh
# `make bench`: measured figures for the README, never asserted in tests.
# check: avc-explain check against scanelf -qeR and -qtR over the same trees, warm cache,
# best wall time of 5 runs and peak RSS (GNU time).
set -eu
tool=${1:-.build/release/avc-explain}
dirs=${BENCH_DIRS:-/usr/bin /usr/lib}
runs=5
stats=$(mktemp)
trap 'rm -f "$stats"' EXIT
command -v scanelf >/dev/null || { echo "bench: scanelf (pax-utils) is missing" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench: GNU time (package 'time') is missing" >&2; exit 1; }

best() {   # best wall seconds and its peak RSS over $runs runs of the command
    b=""; rss=""
    for _ in $(seq $runs); do
        /usr/bin/time -o "$stats" -f "%e %M" "$@" >/dev/null 2>&1 || true
        out=$(tail -n 1 "$stats")
        t=${out% *}; m=${out#* }
        if [ -z "$b" ] || [ "$(echo "$t < $b" | bc)" = 1 ]; then b=$t; rss=$m; fi
    done
    echo "$b $rss"
}

files=$(find $dirs -type f 2>/dev/null | wc -l)
echo "check: $files files under $dirs, $(nproc) cores, best of $runs warm runs"
"$tool" check $dirs >/dev/null 2>&1 || true     # warm the page cache
printf '%-34s %10s %12s\n' "command" "seconds" "peak RSS MB"
for cmd in "$tool check" "scanelf -qeR" "scanelf -qtR"; do
    set -- $cmd
    r=$(best "$@" $dirs)
    printf '%-34s %10s %12.1f\n' "$cmd" "${r% *}" "$(echo "${r#* } / 1024" | bc -l)"
done
