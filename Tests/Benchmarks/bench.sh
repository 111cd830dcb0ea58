#!/bin/sh
# `make bench`: measured figures for the README, never asserted in tests.
#  1. logs: avc-explain against `ausearch -m AVC -if`, `aureport --avc -if` and `grep -c type=AVC`
#     on generated 1 GB logs (plain; ENRICHED with node=), MB/s and peak RSS; RSS on 10 MB
#     against 1 GB; RSS on hostile input.
#     An all-denial log (every other event an exec* denial, CPUs' records interleaved): time
#     against ausearch, and how many AVC events each left without their SYSCALL (must be 0),
#     from a file and through a pipe. RSS on 1M events naming 1M distinct executables.
#  2. check: avc-explain check against scanelf -qeR / -qtR over /usr/bin /usr/lib.
# BENCH_PART=NAME runs only one part (Tests/Benchmarks/part-NAME.sh): each part is sourced with
# $tool, $work, $runs, $size and the functions of lib.sh set, and prints its own table.
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

. Tests/Benchmarks/lib.sh

gcc -O2 -o "$work/genlog" Tests/Benchmarks/genlog.c
if [ -n "${BENCH_PART:-}" ]; then   # BENCH_PART=NAME runs only Tests/Benchmarks/part-NAME.sh
    . "Tests/Benchmarks/part-$BENCH_PART.sh"
    exit 0
fi
[ -s "$work/plain.log" ] || "$work/genlog" "$size" > "$work/plain.log"
[ -s "$work/enriched-node.log" ] || "$work/genlog" "$size" enriched node > "$work/enriched-node.log"
[ -s "$work/small.log" ] || "$work/genlog" 10 > "$work/small.log"
[ -s "$work/dense.log" ] || "$work/genlog" "$size" dense interleave > "$work/dense.log"
[ -s "$work/dense256.log" ] || "$work/genlog" $(( size < 256 ? size : 256 )) dense interleave > "$work/dense256.log"

# AVC events left without their SYSCALL record: avc-explain's from its JSON (each finding's
# count, where it has no syscall), ausearch's from its --raw output grouped by event.
orphans_ours() { python3 -c 'import json,sys; print(sum(f["count"] for f in json.load(sys.stdin)["findings"] if f["permissions"] and f["syscall"] is None))'; }
orphans_ausearch() { awk '{ if (match($0, /msg=audit\([0-9.:]+\)/)) { k = substr($0, RSTART, RLENGTH); if ($0 ~ /type=AVC /) a[k] = 1; if ($0 ~ /type=SYSCALL /) s[k] = 1 } } END { n = 0; for (k in a) if (!(k in s)) n++; print n }'; }

for log in plain enriched-node dense256 dense; do
    f="$work/$log.log"
    mb=$(( $(stat -c %s "$f") / 1048576 ))
    cat "$f" > /dev/null
    echo
    echo "logs: $log.log, $mb MB ($(grep -c 'type=AVC' "$f") AVC records), $(nproc) cores, best of $runs warm runs"
    printf '%-40s %8s %10s %12s\n' "command" "seconds" "MB/s" "peak RSS MB"
    row "avc-explain" "$mb" "$tool" "$f"; ours=$last
    row "ausearch -m AVC -if" "$mb" ausearch -m AVC -if "$f"; theirs=$last
    row "aureport --avc -if" "$mb" aureport --avc -if "$f"; report=$last
    row "grep -c type=AVC" "$mb" grep -c type=AVC "$f"
    echo "avc-explain / ausearch: $(ratio "$ours" "$theirs"); avc-explain / aureport: $(ratio "$ours" "$report")"
    [ "$log" = dense ] || continue
    echo "AVC events without their SYSCALL record (must be 0):"
    echo "  avc-explain, file:  $("$tool" --format json "$f" 2>/dev/null | orphans_ours)"
    echo "  avc-explain, pipe:  $(cat "$f" | "$tool" --format json 2>/dev/null | orphans_ours)"
    echo "  ausearch --raw:     $(ausearch -m AVC --raw -if "$f" 2>/dev/null | orphans_ausearch)"
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
if [ ! -s "$work/distinct.log" ]; then   # a million denials, each by another executable
    awk 'BEGIN { for (i = 0; i < 1000000; i++) { s = sprintf("msg=audit(%d.%03d:%d):", 1795700000 + int(i / 300), i % 1000, i + 1)
        printf "type=AVC %s avc:  denied  { execmem } for  pid=%d comm=\"app%d\" scontext=system_u:system_r:unconfined_service_t:s0 tcontext=system_u:system_r:unconfined_service_t:s0 tclass=process permissive=0\n", s, 1000 + i % 60000, i
        printf "type=SYSCALL %s arch=c000003e syscall=10 success=no exit=-13 a0=7f0000000000 a1=1000 a2=7 a3=0 items=0 ppid=1 pid=%d auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=4294967295 comm=\"app%d\" exe=\"/opt/app%d/bin/app%d\" subj=system_u:system_r:unconfined_service_t:s0 key=(null)\n", s, 1000 + i % 60000, i, i, i
        printf "type=EOE %s \n", s } }' > "$work/distinct.log"
fi
memfmt() { r=$(best "$tool" --format "$2" "$3"); printf '%-40s %12.1f\n' "$1" "$(echo "${r#* } / 1024" | bc -l)"; }
memfmt "1M events, 1M executables (text)" text "$work/distinct.log"
memfmt "1M events, 1M executables (JSON)" json "$work/distinct.log"
mem "one 100 MB line" "$work/longline.log"
mem "64 MB of random bytes (NULs, bad UTF-8)" "$work/random.log"

echo
dirs=${BENCH_DIRS:-/usr/bin /usr/lib}
echo "check: $(find $dirs -type f 2>/dev/null | wc -l) files under $dirs, best of $runs warm runs"
"$tool" check $dirs >/dev/null 2>&1 || true
# Wall time uses both cores (avc-explain reads files on two threads, scanelf on one); CPU time
# (user + system) is the work done, the fair figure on a loaded or single-core host.
printf '%-40s %8s %10s %12s\n' "command" "seconds" "CPU s" "peak RSS MB"
for cmd in "$tool check" "scanelf -qeR" "scanelf -qtR"; do
    set -- $cmd
    r=$(best "$@" $dirs)
    c=$(cpu "$@" $dirs)
    case $cmd in scanelf\ -qeR) scanelf_cpu=${c% *} ;; *check) check_cpu=${c% *} ;; esac
    printf '%-40s %8s %10s %12.1f\n' "$cmd" "${r% *}" "${c% *}" "$(echo "${r#* } / 1024" | bc -l)"
done
echo "check / scanelf -qeR, CPU time: $(ratio "$check_cpu" "$scanelf_cpu")"

# Further tables, one script per concern (Tests/Benchmarks/part-*.sh), same conventions.
for part in Tests/Benchmarks/part-*.sh; do
    [ -e "$part" ] || continue
    echo
    . "$part"
done
