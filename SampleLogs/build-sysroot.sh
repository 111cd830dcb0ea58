#!/bin/sh
# Builds, under DIR, the programs and libraries the logs in SampleLogs/ name, at the paths
# the logs give, so `avc-explain --sysroot DIR SampleLogs/<log>` reads real ELF files.
# Also copies the few system libraries they need (libc, libpcre2-8) from this host.
# Usage: SampleLogs/build-sysroot.sh DIR      (needs gcc, readelf, dd)
set -eu
out=$1
src=$(cd "$(dirname "$0")/programs" && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The binutils >= 2.39 warnings about executable stacks are the point of these fixtures; keep them out of the way.
log="$out/build.log"
: > "$log"
cc=${CC:-gcc}
multiarch=$($cc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
run() { "$@" >>"$log" 2>&1 || { echo "build-sysroot: failed: $*" >&2; cat "$log" >&2; exit 1; }; }

libdir="$out/usr/lib/$multiarch"
mkdir -p "$libdir" "$out/lib" "$out/usr/local/bin" "$out/opt/fluent-bit/bin" "$out/opt/fluent-bit/lib" \
         "$out/opt/chain/bin" "$out/opt/chain/lib" "$out/opt/vendor/bin" "$out/opt/vendor/lib"
[ -e "$out/lib/$multiarch" ] || ln -s "../usr/lib/$multiarch" "$out/lib/$multiarch"
for name in libc.so.6 libpcre2-8.so.0; do
    real=$($cc -print-file-name="$name")
    [ -f "$real" ] || real=$(find /lib /usr/lib -name "$name" 2>/dev/null | head -n 1)
    [ -n "$real" ] && cp -L "$real" "$libdir/$name"
done

# Seed case: libfluent-bit.so carries assembly without .note.GNU-stack (RWE PT_GNU_STACK).
# Built with -g, as release builds with debug info are, so the DWARF names the assembly source.
# A relative source path, laid out as in WAMR's tree, keeps the DWARF name the same on every machine.
mkdir -p "$work/wamr/core/iwasm/common/arch"
cp "$src/invokeNative_em64.s" "$work/wamr/core/iwasm/common/arch/"
(cd "$work/wamr" && run $cc -g -c -o "$work/invokeNative_em64.o" core/iwasm/common/arch/invokeNative_em64.s)
run $cc -g -shared -fPIC -o "$out/opt/fluent-bit/lib/libfluent-bit.so" -Wl,-soname,libfluent-bit.so "$src/flb-core.c" "$work/invokeNative_em64.o"
run $cc -o "$out/opt/fluent-bit/bin/flb-tail" "$src/flb-tail.c" -L"$out/opt/fluent-bit/lib" -lfluent-bit \
    -Wl,--enable-new-dtags,-rpath,'$ORIGIN/../lib'

# Thread stacks: an executable linked with -z execstack, and one with no PT_GNU_STACK at all.
run $cc -pthread -o "$out/usr/local/bin/legacy-daemon" "$src/threads.c" -Wl,-z,execstack
run $cc -pthread -o "$out/usr/local/bin/old-toolchain-daemon" "$src/threads.c"
run "$src/strip-gnu-stack.sh" "$out/usr/local/bin/old-toolchain-daemon"

# READ_IMPLIES_EXEC: a 32-bit program with no PT_GNU_STACK mapping a data file for reading.
# Without a C library, so no 32-bit libc (gcc-multilib) is needed.
run $cc -m32 -nostdlib -static -fno-pic -fno-stack-protector -fno-asynchronous-unwind-tables -O1 \
    -o "$out/usr/local/bin/legacy-reader32" "$src/legacy-reader32.c"
run "$src/strip-gnu-stack.sh" "$out/usr/local/bin/legacy-reader32"

# A chain: chain-app -> libA.so -> libB.so, each found through RUNPATH $ORIGIN; libB is the culprit.
run $cc -c -o "$work/chain-b.o" "$src/chain-b.s"
run $cc -shared -o "$out/opt/chain/lib/libB.so" -Wl,-soname,libB.so "$work/chain-b.o"
run $cc -shared -fPIC -o "$out/opt/chain/lib/libA.so" -Wl,-soname,libA.so "$src/chain-a.c" -L"$out/opt/chain/lib" -lB \
    -Wl,--enable-new-dtags,-rpath,'$ORIGIN'
run $cc -o "$out/opt/chain/bin/chain-app" "$src/chain-app.c" -L"$out/opt/chain/lib" -lA \
    -Wl,--enable-new-dtags,-rpath,'$ORIGIN/../lib',-rpath-link,"$out/opt/chain/lib"

# Text relocations: an absolute reference from code, kept by -z notext.
run $cc -c -o "$work/textrel.o" "$src/textrel.s"
run $cc -shared -o "$out/opt/vendor/lib/libtextrel.so" -Wl,-soname,libtextrel.so,-z,notext "$work/textrel.o"
run $cc -o "$out/opt/vendor/bin/vendor-tool" "$src/textrel-app.c" -L"$out/opt/vendor/lib" -ltextrel \
    -Wl,--enable-new-dtags,-rpath,/opt/vendor/lib

# JIT: a program that links PCRE2 and compiles with its JIT.
if [ -f "$libdir/libpcre2-8.so.0" ]; then
    run $cc -o "$out/usr/local/bin/log-filter" "$src/pcre-filter.c" "$libdir/libpcre2-8.so.0"
fi

# JIT without a library: RWX mapping, and the W^X flip of a written page.
run $cc -o "$out/usr/local/bin/jit-rwx" "$src/jit-rwx.c"
run $cc -o "$out/usr/local/bin/jit-flip" "$src/jit-flip.c"

# A plugin loaded with dlopen() whose assembly lacks the stack note.
mkdir -p "$out/opt/plugins/bin" "$out/opt/plugins/lib"
run $cc -shared -fPIC -o "$out/opt/plugins/lib/libwasm-filter.so" -Wl,-soname,libwasm-filter.so "$src/wasm-filter.c" "$work/invokeNative_em64.o"
run $cc -o "$out/opt/plugins/bin/plugin-host" "$src/plugin-host.c" -ldl

# Heap: makes malloc'd memory executable.
run $cc -o "$out/usr/local/bin/heap-jit" "$src/heap-exec.c"
echo "build-sysroot: built the sample programs under $out"
