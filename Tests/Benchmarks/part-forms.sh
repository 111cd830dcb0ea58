# Sourced by bench.sh (BENCH_PART=forms): avc-explain on every input form near its floor.
# A dense log and its `ausearch -i` form (target: at most 1.5x the raw form's time), 64 MB of
# syslog text (`genlog 64 syslog`: a journalctl -b dump with a few audit records and a loader
# error) and 64 MB of random bytes (target: at least 500 MB/s each); peak RSS under 64 MB.
# Wall and CPU (user+system) seconds: the machine may be shared.
fmb=$(( size < 256 ? size : 256 ))
[ -s "$work/forms-dense.log" ] || "$work/genlog" "$fmb" dense interleave > "$work/forms-dense.log"
[ -s "$work/forms-dense-i.log" ] || ausearch -i -if "$work/forms-dense.log" > "$work/forms-dense-i.log" 2>/dev/null || true
[ -s "$work/forms-syslog.log" ] || "$work/genlog" 64 syslog > "$work/forms-syslog.log"
[ -s "$work/forms-random.log" ] || head -c 67108864 /dev/urandom > "$work/forms-random.log"
echo "forms: avc-explain by input form, best of $runs warm runs"
printf '%-28s %8s %8s %8s %10s %12s\n' "input" "MB" "seconds" "CPU s" "MB/s" "peak RSS MB"
form() {   # label, file; sets $form_cpu to the CPU seconds
    f=$2
    cat "$f" > /dev/null
    mbf=$(( $(stat -L -c %s "$f") / 1048576 ))
    r=$(best "$tool" "$f"); t=${r% *}; m=${r#* }
    c=$(cpu "$tool" "$f"); form_cpu=${c% *}
    printf '%-28s %8s %8s %8s %10s %12.1f\n' "$1" "$mbf" "$t" "$form_cpu" "$(echo "if ($t > 0) $mbf / $t else 0" | bc)" "$(echo "$m / 1024" | bc -l)"
}
form "dense log (raw)" "$work/forms-dense.log"; raw_cpu=$form_cpu; raw_t=$t
form "dense log, ausearch -i form" "$work/forms-dense-i.log"; i_cpu=$form_cpu; i_t=$t
form "syslog text" "$work/forms-syslog.log"
form "random bytes" "$work/forms-random.log"
echo "ausearch -i form / raw form: $(echo "scale=2; $i_t / $raw_t" | bc) wall, $(echo "scale=2; $i_cpu / $raw_cpu" | bc) CPU (target at most 1.5)"
