#!/bin/sh
# Runs each fuzz target for FUZZ_SECONDS (default 60) on its corpus; exits non-zero if any met a
# crash, leak, sanitizer report or broken invariant, whose input libFuzzer writes to
# .build/fuzz/crashes/<target>-crash-<sha1>.
# Usage: Tests/Fuzz/run.sh [target...]   (default: every target, see build.sh)
set -eu
# The Swift runtime's own backtracer reads memory that ASan reports as a second, false crash.
export SWIFT_BACKTRACE=enable=no
cd "$(dirname "$0")/../.."
OUT=.build/fuzz
SECONDS_EACH=${FUZZ_SECONDS:-60}
targets=${*:-$(Tests/Fuzz/build.sh --list)}
Tests/Fuzz/build.sh $targets
Tests/Fuzz/seeds.sh
mkdir -p "$OUT/crashes"
failed=""
for target in $targets; do
    case $target in
        elf_readers) max_len=65536 ;;   # a small shared object with debug info, or ld.so.cache
        stream_split|explain_render|event_reader) max_len=16384 ;;
        *) max_len=4096 ;;
    esac
    echo "fuzz: $target for ${SECONDS_EACH}s"
    "$OUT/$target" "$OUT/corpus-$target" -max_total_time="$SECONDS_EACH" -max_len="$max_len" \
        -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 -artifact_prefix="$OUT/crashes/$target-" \
        > "$OUT/$target.log" 2>&1 || {
        grep -v '^ *0x\|^    #[0-9]' "$OUT/$target.log" | tail -25 >&2
        echo "fuzz: $target FAILED; input in $OUT/crashes/, full log $OUT/$target.log" >&2
        failed="$failed $target"
        continue
    }
    grep -E '^stat::number_of_executed_units|^#[0-9]+ *DONE' "$OUT/$target.log" | tr '\n' ' '; echo
done
[ -z "$failed" ] || { echo "fuzz: failed:$failed" >&2; exit 1; }
