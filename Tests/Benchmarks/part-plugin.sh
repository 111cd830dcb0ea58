# `--plugin` throughput (sourced by bench.sh): denial events a second through auditd's plugin
# stream on standard input, for a stream whose events make 1 finding and one making 10,000
# distinct findings (each a program of its own, repeated). Events: AVC + SYSCALL + PROCTITLE + EOE.
# Two stream lengths (BENCH_PLUGIN_EVENTS, a list): with 10,000 findings the per-finding work
# weighs less the longer the stream, so one length alone says little. The last column is the
# CPU time against the 1-finding stream of the same length (the target: at most 2x).
plugin_lengths=${BENCH_PLUGIN_EVENTS:-200000 500000}
plugin_stream() {   # EVENTS FINDINGS: EVENTS denial events cycling through FINDINGS programs
    awk -v n="$1" -v k="$2" 'BEGIN { for (i = 0; i < n; i++) { p = i % k
        s = sprintf("msg=audit(%d.%03d:%d):", 1795700000 + int(i / 1000), i % 1000, i + 1)
        printf "type=AVC %s avc:  denied  { execmem } for  pid=%d comm=\"app%d\" scontext=system_u:system_r:unconfined_service_t:s0 tcontext=system_u:system_r:unconfined_service_t:s0 tclass=process permissive=0\n", s, 1000 + i % 60000, p
        printf "type=SYSCALL %s arch=c000003e syscall=10 success=no exit=-13 a0=7f0000000000 a1=1000 a2=7 a3=0 items=0 ppid=1 pid=%d auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=4294967295 comm=\"app%d\" exe=\"/opt/app%d/bin/app%d\" subj=system_u:system_r:unconfined_service_t:s0 key=(null)\n", s, 1000 + i % 60000, p, p, p
        printf "type=PROCTITLE %s proctitle=2F6F70742F6170702F62696E2F617070\n", s
        printf "type=EOE %s \n", s } }'
}
# The stream's pids (1000 to 60999) are made up: run where no process has them (a pid namespace
# of its own), so no live process's /proc/PID/maps enters the output and the time.
isolated=
if unshare --pid --fork --mount-proc true 2>/dev/null; then isolated="unshare --pid --fork --mount-proc"; fi
echo "plugin: avc-explain --plugin fed denial events on standard input, best of $runs warm runs${isolated:+ (in a pid namespace of its own)}"
printf '%-40s %8s %10s %12s %12s %10s\n' "stream" "seconds" "events/s" "CPU events/s" "peak RSS MB" "CPU ratio"
for plugin_events in $plugin_lengths; do
    one_cpu=
    for findings in 1 10000; do
        f="$work/plugin-$plugin_events-$findings.log"
        [ -s "$f" ] || plugin_stream "$plugin_events" "$findings" > "$f"
        r=$(best $isolated sh -c '"$1" --plugin --syslog-facility local7 < "$2"' sh "$tool" "$f")
        t=${r% *}; m=${r#* }
        c=$(cpu $isolated sh -c '"$1" --plugin --syslog-facility local7 < "$2"' sh "$tool" "$f"); c=${c% *}   # user+system: the rate on a core of its own
        [ -n "$one_cpu" ] || one_cpu=$c
        printf '%-40s %8s %10s %12s %12.1f %10s\n' "$plugin_events events, $findings finding$( [ "$findings" = 1 ] || echo s)" "$t" \
            "$(echo "if ($t > 0) $plugin_events / $t else 0" | bc)" "$(echo "if ($c > 0) $plugin_events / $c else 0" | bc)" "$(echo "$m / 1024" | bc -l)" \
            "$(echo "scale=2; if ($one_cpu > 0) $c / $one_cpu else 0" | bc)x"
    done
done
