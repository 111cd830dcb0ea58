# Sourced by bench.sh ($tool, $work, $runs and lib.sh's functions set): what many distinct
# programs cost. The same dense denial log names 1 executable, then 1,000 distinct real ELF
# executables (under a generated sysroot, read with --sysroot), then 100,000 that are not on
# disk (so only the path is looked up); each program's first denial costs its ELF work.
# Targets (issue 10): 1,000 real executables at most 1.5x the 1-executable time;
# 100,000 at most 2x its time per event. Both are given: CPU (user+system, steadier on a shared
# machine) and elapsed time (what a user waits; reading and diagnosing run on two threads).
root="$work/programs-root"
lib="$root/usr/lib/x86_64-linux-gnu"
if [ ! -e "$root/.complete" ]; then
    rm -rf "$root"
    mkdir -p "$lib" "$root/etc" "$root/usr/local/lib" "$work/programs-src"
    ln -s usr/lib "$root/lib"
    src="$work/programs-src"
    # Five small programs linking real libraries: closures of 3 to about 40 objects, a JIT
    # library by name and by symbol, an exec-stack library and an exec-stack executable whose
    # assembly unit the debug info names.
    printf '.text\n.globl bench_asm\nbench_asm:\n\tret\n' > "$src/asm.s"
    gcc -g -shared -fPIC -o "$root/usr/local/lib/libstackbench.so" "$src/asm.s"
    cat > "$src/main.c" <<'EOF'
#include <stdio.h>
#include <stddef.h>
const char *NAME(void);
int main(void) { printf("%p\n", (void *)NAME); return 0; }
EOF
    t() { n=$1; name=$2; shift 2; gcc -O1 -g -DNAME="$name" -o "$src/t$n" "$src/main.c" "$@"; }
    t 0 zlibVersion -lz -lm
    t 1 archive_version_string -l:libarchive.so.13
    t 2 curl_version -l:libcurl.so.4
    t 3 pcre2_jit_compile_8 -l:libpcre2-8.so.0 -l:libffi.so.8 -L"$root/usr/local/lib" -lstackbench -Wl,-rpath,/usr/local/lib
    t 4 audit_open "$src/asm.s" -l:libaudit.so.1 -Wl,-z,execstack
    # Their libraries, as the host's loader resolves them, become the sysroot's.
    for n in 0 1 2 3 4; do ldd "$src/t$n"; done | awk '$2 == "=>" && $3 ~ /^\// { print $3 }' | sort -u |
        while read -r so; do case "$so" in */libstackbench.so) ;; *) cp -L "$so" "$lib/" ;; esac; done
    echo /usr/lib/x86_64-linux-gnu > "$root/etc/ld.so.conf"
    ldconfig -r "$root"
    # 1,000 distinct files: template K mod 5, its own path, and its index appended (so no two
    # are the same file or the same bytes).
    k=0
    while [ $k -lt 1000 ]; do
        mkdir -p "$root/opt/app$k/bin"
        cp "$src/t$((k % 5))" "$root/opt/app$k/bin/app$k"
        printf 'app%d' $k >> "$root/opt/app$k/bin/app$k"
        k=$((k + 1))
    done
    touch "$root/.complete"
fi
[ -s "$work/programs-1.log" ] || "$work/genlog" 64 dense interleave exes=1 > "$work/programs-1.log"
[ -s "$work/programs-1000.log" ] || "$work/genlog" 64 dense interleave exes=1000 > "$work/programs-1000.log"
# 64 MB hold about 44,000 denials: 100,000 programs need a longer log of the same shape.
[ -s "$work/programs-100000.log" ] || "$work/genlog" 160 dense interleave exes=100000 > "$work/programs-100000.log"

echo "programs: dense logs naming 1, 1,000 (real, --sysroot) and 100,000 (1,000 real, the rest not on disk) executables, best of $runs warm runs"
printf '%-40s %8s %9s %8s %9s %8s %8s %10s %12s\n' "log" "events" "programs" "CPU s" "µs/event" "ratio" "wall s" "wall ratio" "peak RSS MB"
# Each finding's prose is rendered at the end: a row in --format summary tells that share apart.
for run in "1 text" "1 summary" "1000 text" "1000 summary" "100000 text"; do
    set -- $run
    n=$1; format=$2
    f="$work/programs-$n.log"
    cat "$f" > /dev/null
    events=$(grep -c 'type=EOE' "$f")
    programs=$(grep -o 'exe="/opt/app[0-9]*/' "$f" | sort -u | wc -l)
    r=$(cpu "$tool" --format "$format" --sysroot "$root" "$f")
    c=${r% *}; w=${r#* }
    m=$(runs=1; best "$tool" --format "$format" --sysroot "$root" "$f"); m=${m#* }
    us=$(echo "$c * 1000000 / $events" | bc -l)
    wus=$(echo "$w * 1000000 / $events" | bc -l)
    # Against the 1-executable log in the same format, per event (the 100,000 log is longer).
    if [ "$n" = 1 ]; then
        if [ "$format" = text ]; then base_text=$us; wbase_text=$wus; else base_summary=$us; wbase_summary=$wus; fi
    fi
    if [ "$format" = text ]; then base=$base_text; wbase=$wbase_text; else base=$base_summary; wbase=$wbase_summary; fi
    ratio=$(echo "$us / $base" | bc -l)
    wratio=$(echo "$wus / $wbase" | bc -l)
    printf '%-40s %8d %9d %8s %9.1f %7.2fx %8s %9.2fx %12.1f\n' "$(($(stat -c %s "$f") / 1048576)) MB, $n executable(s), $format" "$events" "$programs" "$c" "$us" "$ratio" "$w" "$wratio" "$(echo "$m / 1024" | bc -l)"
done
echo "ratio: CPU time (user+system) per event against the 1-executable log in the same format; wall ratio: the same in elapsed time (the quickest run); targets 1.5x (1,000) and 2x (100,000)"
