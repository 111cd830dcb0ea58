# Shared by bench.sh and its parts (sourced; expects $runs, $stats and $sink to be set).
# best: best wall seconds and its peak RSS (KB) over $runs runs of the command.
# cpu:  best user+system CPU seconds and its wall seconds over $runs runs.
# row:  one table row: label, megabytes, then the command; its seconds are left in $last.
# ratio: the first seconds over the second, as "0.41x".
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

cpu() {    # best user+system CPU seconds (in milliseconds: bash's time builtin, from getrusage), then the best wall seconds, each over $runs runs
    b=""; w=""
    for _ in $(seq $runs); do
        bash -c 'TIMEFORMAT="%3U %3S %3R"; { time "$@" >"$0" 2>/dev/null; } 2>&1 || true' "$sink" "$@" > "$stats"
        out=$(tail -n 1 "$stats")
        c=$(echo "$out" | awk '{ printf "%.3f", $1 + $2 }'); e=$(echo "$out" | awk '{ print $3 }')
        if [ -z "$b" ] || [ "$(echo "$c < $b" | bc)" = 1 ]; then b=$c; fi
        # Apart from the CPU: with two threads, the run with the least CPU is not the quickest.
        if [ -z "$w" ] || [ "$(echo "$e < $w" | bc)" = 1 ]; then w=$e; fi
    done
    echo "$b $w"
}

row() {    # label, megabytes, then the command
    label=$1; mb=$2; shift 2
    r=$(best "$@")
    t=${r% *}; m=${r#* }
    rate=$(echo "if ($t > 0) $mb / $t else 0" | bc)
    printf '%-40s %8s %10s %12.1f\n' "$label" "$t" "$rate" "$(echo "$m / 1024" | bc -l)"
    last=$t
}

ratio() {  # "0.41x": the first seconds over the second
    echo "$1 $2" | awk '{ if ($2 > 0) printf "%.2fx", $1 / $2; else print "n/a" }'
}

