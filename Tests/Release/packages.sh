#!/bin/sh
# The DEB and the RPM installed into scratch roots (dpkg --root, rpm --root --nodeps), and
# `make install DESTDIR=… PREFIX=/usr`: each lays out the binary, the completions, the auditd
# plugin conf naming the installed binary, the man pages and the JSON schemas; the
# installed binary says the version in Version.swift and explains a sample as the debug build does.
# Usage: Tests/Release/packages.sh DISTDIR VERSION     (as root)
set -eu
cd "$(dirname "$0")/../.."
dist=$1 version=$2
debug=.build/debug/avc-explain
sample=SampleLogs/seed-fluent-bit.log
scratch=$(mktemp -d /tmp/avc-explain-packages.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
failed=0
fail() { echo "packages: FAIL: $*" >&2; failed=1; }

# root, prefix, how it got there: the installed tree and the installed binary at work.
check_tree() {
    root=$1 prefix=$2 how=$3
    for f in "$prefix/bin/avc-explain" "$prefix/share/bash-completion/completions/avc-explain" \
            "$prefix/share/zsh/site-functions/_avc-explain" "$prefix/share/fish/vendor_completions.d/avc-explain.fish" \
            /etc/audit/plugins.d/avc-explain.conf; do
        [ -s "$root$f" ] || fail "$how: $f missing"
    done
    for page in man/*.1; do [ -s "$root$prefix/share/man/man1/${page##*/}" ] || fail "$how: man page ${page##*/} missing"; done
    for schema in schema/*.schema.json; do [ -s "$root$prefix/share/avc-explain/schema/${schema##*/}" ] || fail "$how: ${schema##*/} missing"; done
    grep -qx "path = $prefix/bin/avc-explain" "$root/etc/audit/plugins.d/avc-explain.conf" \
        || fail "$how: plugin conf does not name $prefix/bin/avc-explain"
    got=$("$root$prefix/bin/avc-explain" --version) || true
    [ "$got" = "$version" ] || fail "$how: --version says '$got', not '$version'"
    status=0; "$root$prefix/bin/avc-explain" --sysroot "$scratch/empty" "$sample" > "$scratch/installed.out" 2>&1 || status=$?
    echo "exit $status" >> "$scratch/installed.out"
    status=0; "$debug" --sysroot "$scratch/empty" "$sample" > "$scratch/debug.out" 2>&1 || status=$?
    echo "exit $status" >> "$scratch/debug.out"
    cmp -s "$scratch/installed.out" "$scratch/debug.out" || fail "$how: $sample explained differently from the debug build"
    echo "packages: $how: laid out, --version $got, $sample as the debug build"
}
mkdir -p "$scratch/empty"

deb=$dist/avc-explain_${version}_amd64.deb
mkdir -p "$scratch/deb/var/lib/dpkg/info" "$scratch/deb/var/lib/dpkg/updates"
: > "$scratch/deb/var/lib/dpkg/status"
dpkg --root="$scratch/deb" --force-script-chrootless -i "$deb" >/dev/null || fail "dpkg -i --root $deb"
dpkg --root="$scratch/deb" -s avc-explain 2>/dev/null | grep -qx "Status: install ok installed" || fail "dpkg does not list avc-explain as installed"
check_tree "$scratch/deb" /usr "DEB"

rpm=$dist/avc-explain-$version-1.x86_64.rpm
# Debian's rpm warns that it is not Debian's package manager unless told it knows.
debian_rpm=""; if rpm --help 2>/dev/null | grep -q -- --force-debian; then debian_rpm=--force-debian; fi
rpm --root "$scratch/rpm" --dbpath /var/lib/rpm --initdb
# shellcheck disable=SC2086
rpm --root "$scratch/rpm" --dbpath /var/lib/rpm --nodeps $debian_rpm -i "$rpm" || fail "rpm -i --root $rpm"
rpm --root "$scratch/rpm" --dbpath /var/lib/rpm -q avc-explain >/dev/null || fail "rpm -q does not list avc-explain"
check_tree "$scratch/rpm" /usr "RPM"

make_install() {
    ${MAKE:-make} --no-print-directory install "$@" > "$scratch/make.log" 2>&1 || { cat "$scratch/make.log" >&2; fail "make install $*"; }
}
make_install DESTDIR="$scratch/install" PREFIX=/usr
check_tree "$scratch/install" /usr "make install PREFIX=/usr"
make_install DESTDIR="$scratch/local"
check_tree "$scratch/local" /usr/local "make install (PREFIX=/usr/local)"
exit $failed
