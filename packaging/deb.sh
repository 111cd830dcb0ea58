#!/bin/sh
# Builds avc-explain_VERSION_ARCH.deb from a staged release (packaging/stage.sh, plugin path
# /usr/bin/avc-explain). The binary is static: the package depends on nothing.
# Usage: packaging/deb.sh STAGEDIR VERSION DEBARCH OUTDIR
set -eu
here=$(cd "$(dirname "$0")" && pwd)
stage=$1 version=$2 arch=$3 out=$4
root=$out/deb-root
rm -rf "$root"
"$here/install.sh" "$stage" "$root" /usr
install -D -m 644 "$stage/LICENSE" "$root/usr/share/doc/avc-explain/copyright"
install -D -m 644 "$stage/README.md" "$root/usr/share/doc/avc-explain/README.md"
mkdir -p "$root/DEBIAN"
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
cat > "$root/DEBIAN/control" <<CONTROL
Package: avc-explain
Version: $version
Architecture: $arch
Maintainer: avc-explain contributors <avc-explain@localhost>
Installed-Size: $size
Section: admin
Priority: optional
Suggests: auditd
Description: explain SELinux execmem, execstack, execheap and execmod denials
 Reads SELinux denial records (audit.log, ausearch output, journal lines) and
 explains why a program was denied an exec* permission, which ELF object is at
 fault, and what to change. Ships an auditd plugin configuration.
CONTROL
echo /etc/audit/plugins.d/avc-explain.conf > "$root/DEBIAN/conffiles"
dpkg-deb --root-owner-group -Zxz --build "$root" "$out/avc-explain_${version}_$arch.deb" >/dev/null
rm -rf "$root"
echo "$out/avc-explain_${version}_$arch.deb"
