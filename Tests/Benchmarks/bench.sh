#!/bin/sh
# `make bench`: measured figures for the README, never asserted in tests.
#  1. logs: avc-explain against `ausearch -m AVC -if`, `aureport --avc -if` and `grep -c type=AVC`
#     on generated 1 GB logs (plain; ENRICHED with node=), MB/s and peak RSS; RSS on 10 MB
#     against 1 GB; RSS on hostile input.
#  2. check: avc-explain check against scanelf -qeR / -qtR over /usr/bin /usr/lib.
# Warm page cache, best wall time of several runs, output to a file (GNU grep skips the
# work when its output is /dev/null).
set -eu
tool=${1:-.build/release/avc-explain}
work=${BENCH_DIR:-.build/bench}
size=${BENCH_MB:-1024}
runs=${BENCH_RUNS:-3}
mkdir -p "$work"
stats="$work/time.txt"
sink="$work/out.txt"
for need in scanelf ausearch aureport bc gcc; do
    command -v $need >/dev/null || { echo "bench: $need is missing (make bench installs it)" >&2; exit 1; }
done
[ -x /usr/bin/time ] || { echo "bench: GNU time (package 'time') is missing" >&2; exit 1; }

best() {   # best wall seconds and its peak RSS (KB) over $runs runs of the command
    b=""; rss=""
    for _ in $(seq $runs); do
        /usr/bin/time -o "$stats" -f "%e %M" "$@" >"$sink" 2>/dev/null || true
        out=$(tail -n 1 "$stats")
        t=${out% *}; m=${out#* }
        if [ -z "$b" ] || [ "$(echo "$t < $b" | bc)" = 1 ]; then b=$t; rss=$m; fi
    done
    echo "$b $rss"
}

row() {    # label, megabytes, then the command
    label=$1; mb=$2; shift 2
    r=$(best "$@")
    t=${r% *}; m=${r#* }
    rate=$(echo "if ($t > 0) $mb / $t else 0" | bc)
    printf '%-40s %8s %10s %12.1f\n' "$label" "$t" "$rate" "$(echo "$m / 1024" | bc -l)"
}

gcc -O2 -o "$work/genlog" Tests/Benchmarks/genlog.c
[ -s "$work/plain.log" ] || "$work/genlog" "$size" > "$work/plain.log"
[ -s "$work/enriched-node.log" ] || "$work/genlog" "$size" enriched node > "$work/enriched-node.log"
[ -s "$work/small.log" ] || "$work/genlog" 10 > "$work/small.log"

for log in plain enriched-node; do
    f="$work/$log.log"
    mb=$(( $(stat -c %s "$f") / 1048576 ))
    cat "$f" > /dev/null
    echo
    echo "logs: $log.log, $mb MB ($(grep -c 'type=AVC' "$f") AVC records), $(nproc) cores, best of $runs warm runs"
    printf '%-40s %8s %10s %12s\n' "command" "seconds" "MB/s" "peak RSS MB"
    row "avc-explain" "$mb" "$tool" "$f"
    row "ausearch -m AVC -if" "$mb" ausearch -m AVC -if "$f"
    row "aureport --avc -if" "$mb" aureport --avc -if "$f"
    row "grep -c type=AVC" "$mb" grep -c type=AVC "$f"
done

echo
echo "memory: avc-explain peak RSS by input"
printf '%-40s %12s\n' "input" "peak RSS MB"
mem() { r=$(best "$tool" "$2"); printf '%-40s %12.1f\n' "$1" "$(echo "${r#* } / 1024" | bc -l)"; }
mem "10 MB log" "$work/small.log"
mem "$size MB log" "$work/plain.log"
if [ ! -s "$work/unfinished.log" ]; then   # a million AVC events that never see an end, in one second
    awk 'BEGIN { for (i = 0; i < 1000000; i++) printf "type=AVC msg=audit(1795700000.000:%d): avc:  denied  { execmem } for  pid=%d comm=\"x\" scontext=u:r:t_t:s0 tcontext=u:r:t_t:s0 tclass=process permissive=0\n", i, i }' > "$work/unfinished.log"
    head -c 104857600 /dev/zero | tr '\0' 'x' > "$work/longline.log"
    head -c 67108864 /dev/urandom > "$work/random.log"
fi
mem "1,000,000 events without an end" "$work/unfinished.log"
mem "one 100 MB line" "$work/longline.log"
mem "64 MB of random bytes (NULs, bad UTF-8)" "$work/random.log"

echo
dirs=${BENCH_DIRS:-/usr/bin /usr/lib}
echo "check: $(find $dirs -type f 2>/dev/null | wc -l) files under $dirs, best of $runs warm runs"
"$tool" check $dirs >/dev/null 2>&1 || true
printf '%-40s %8s %10s %12s\n' "command" "seconds" "" "peak RSS MB"
for cmd in "$tool check" "scanelf -qeR" "scanelf -qtR"; do
    set -- $cmd
    r=$(best "$@" $dirs)
    printf '%-40s %8s %10s %12.1f\n' "$cmd" "${r% *}" "" "$(echo "${r#* } / 1024" | bc -l)"
done
