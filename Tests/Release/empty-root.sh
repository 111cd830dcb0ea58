#!/bin/sh
# The static release binary, alone in an empty root: only itself and a fresh /proc (in its own
# PID namespace, so no PID a sample names is a live process here). Run as root.
#  1. ldd must call it "not a dynamic executable".
#  2. Every bundled sample, text, JSON and --plugin, gives byte for byte (stdout, stderr, exit
#     status) what the debug build gives, both reading an empty --sysroot, then both reading the
#     demo sysroot (real ELF files; bind-mounted read-only inside the root at its own path, so
#     the path the output names is the same).
#  3. Every mode that could reach glibc's NSS or dlopen (see README, "Install") runs there and
#     answers as the debug build does: help, version, errors, completion scripts, the JSON help
#     dump, check, --plugin, --live.
# Usage: Tests/Release/empty-root.sh STATIC-BINARY
set -eu
cd "$(dirname "$0")/../.."
bin=$1
debug=.build/debug/avc-explain
demo=.build/demo-sysroot
[ "$(id -u)" -eq 0 ] || { echo "empty-root: needs root (unshare --mount, chroot)" >&2; exit 1; }
failed=0
fail() { echo "empty-root: FAIL: $*" >&2; failed=1; }

if ldd "$bin" 2>&1 | grep -q "not a dynamic executable"; then echo "empty-root: ldd: not a dynamic executable"
else fail "ldd $bin: $(ldd "$bin" 2>&1 | head -n 3)"; fi

[ -x "$debug" ] || swift build >/dev/null
SampleLogs/build-sysroot.sh "$demo" >/dev/null
root=$(mktemp -d /tmp/avc-explain-root.XXXXXX)
out=$(mktemp -d /tmp/avc-explain-out.XXXXXX)
trap 'rm -rf "$root" "$out"' EXIT
demo=$(cd "$demo" && pwd)
empty=$out/empty
mkdir -p "$root/proc" "$root$demo" "$root$empty" "$empty"
cp "$bin" "$root/avc-explain"

# The static binary inside the root; stdin passed through.
inside() {
    unshare --mount --pid --fork sh -c '
        root=$1 demo=$2; shift 2
        mount -t proc proc "$root/proc" && mount --bind -o ro "$demo" "$root$demo" && exec chroot "$root" /avc-explain "$@"
    ' sh "$root" "$demo" "$@"
}
# name, then the arguments both sides get; standard input from $out/stdin.
compare() {
    name=$1; shift
    status=0; inside "$@" < "$out/stdin" > "$out/static.out" 2> "$out/static.err" || status=$?
    echo "exit $status" >> "$out/static.err"
    status=0; "$debug" "$@" < "$out/stdin" > "$out/debug.out" 2> "$out/debug.err" || status=$?
    echo "exit $status" >> "$out/debug.err"
    if cmp -s "$out/static.out" "$out/debug.out" && cmp -s "$out/static.err" "$out/debug.err"; then
        count=$((count + 1))
    else
        fail "$name differs (static < > debug):"
        diff "$out/static.out" "$out/debug.out" | head -n 10 >&2 || true
        diff "$out/static.err" "$out/debug.err" | head -n 10 >&2 || true
    fi
}

count=0
: > "$out/stdin"
for log in SampleLogs/*.log; do
    cp "$log" "$out/stdin"
    for sysroot in "$empty" "$demo"; do
        for format in text json; do compare "$log ($format, --sysroot $sysroot)" --format "$format" --sysroot "$sysroot" -; done
        compare "$log (--plugin, --sysroot $sysroot)" --plugin --format json --sysroot "$sysroot"
    done
done
: > "$out/stdin"
for args in --version --help "check --help" --bogus "--generate-completion-script bash" \
        "--generate-completion-script zsh" "--generate-completion-script fish" --experimental-dump-help \
        --live; do
    # shellcheck disable=SC2086
    compare "avc-explain $args" $args
done
# An sosreport tarball, read with the statically linked libarchive (xz): at the same path inside and out.
sos=sosreport-empty-2026-11-29-abcdefg
mkdir -p "$out/$sos/var/log/audit" "$out/$sos/sos_commands/kernel"
cp SampleLogs/seed-fluent-bit.log "$out/$sos/var/log/audit/audit.log"
echo "Linux empty 5.14.0-427.el9.x86_64 #1 SMP x86_64 x86_64 x86_64 GNU/Linux" > "$out/$sos/sos_commands/kernel/uname_-a"
tar -C "$out" -cJf "$empty/$sos.tar.xz" "$sos"
cp "$empty/$sos.tar.xz" "$root$empty/"
for format in text json; do compare "sosreport tarball ($format)" --format "$format" "$empty/$sos.tar.xz"; done
for format in text json; do compare "check of the demo sysroot ($format)" check --format "$format" --sysroot "$demo" /; done
echo "empty-root: $count runs byte-identical to the debug build"
exit $failed
