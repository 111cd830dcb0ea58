#!/bin/sh
# Boots a Debian cloud kernel under qemu (TCG) with SELinux enforcing a small CIL policy,
# runs `avc-explain --live` beside the scenarios, and writes what came back to OUTDIR:
#   console.log   the serial console;  live.jsonl  avc-explain's JSON Lines;
#   raw.log       the kernel's records (--save-records);  root/  the files the VM had;
#   audit.log     auditd's log;  syslog.log  what its avc-explain plugin logged;  plugin.jsonl  its --output;
#   central.log   a second auditd's log, of what audisp-remote sent it on loopback;
#   central.jsonl `avc-explain --follow` on that log.
#   flood-*       the flood scenario: the floor's counts, --live's and the plugin's JSON Lines;
#   flood.txt     their figures side by side (Tests/VM/flood-figures.py).
# Usage: Tests/VM/run.sh OUTDIR [AVC_EXPLAIN_BINARY]
# Needs: qemu-system-x86, busybox-static, secilc, cpio, auditd, audispd-plugins, apt-get download
# (make test installs them).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=$1
tool=${2:-$top/.build/release/avc-explain}
mkdir -p "$out"
out=$(cd "$out" && pwd)
cache=$top/.build/vm
mkdir -p "$cache"

# The kernel: the newest Debian cloud image, fetched once.
if ! ls "$cache"/vmlinuz-* >/dev/null 2>&1; then
    pkg=$(apt-cache search --names-only '^linux-image-[0-9.]+-[0-9]+-cloud-amd64$' | awk '{print $1}' | sort -V | tail -n 1)
    [ -n "$pkg" ] || { echo "vm: no linux-image-*-cloud-amd64 package known to apt (run apt-get update)" >&2; exit 1; }
    (cd "$cache" && apt-get download "$pkg" >/dev/null 2>&1) || { echo "vm: apt-get download $pkg failed" >&2; exit 1; }
    dpkg-deb -x "$cache"/$pkg*.deb "$cache/kernel"
    cp "$cache"/kernel/boot/vmlinuz-* "$cache/"
    rm -rf "$cache/kernel" "$cache"/*.deb
fi
kernel=$(ls "$cache"/vmlinuz-* | head -n 1)

# The root: the sample programs, busybox, avc-explain and every library they load.
root=$out/root
rm -rf "$root"
"$top/SampleLogs/build-sysroot.sh" "$root" >/dev/null
rm -f "$root/build.log"
mkdir -p "$root/bin" "$root/etc/vm" "$root/proc" "$root/sys" "$root/dev" "$root/tmp" "$root/usr/local/bin" "$root/lib64"
cp /bin/busybox "$root/bin/busybox"
cp "$tool" "$root/usr/local/bin/avc-explain"
cp "$here/init.sh" "$root/init"
# The flood scenario's storm and its floor, a reader that only counts.
gcc -O2 -o "$root/usr/local/bin/flood-rwx" "$here/flood-rwx.c"
gcc -O2 -o "$root/usr/local/bin/floor-reader" "$here/floor-reader.c"
# auditd (Debian's, from this host) with avc-explain's plugin conf as shipped, but for its
# JSON Lines option, switched on; busybox's syslogd receives what the plugin logs.
mkdir -p "$root/usr/sbin" "$root/etc/audit/plugins.d" "$root/var/log/audit" "$root/var/run"
cp /usr/sbin/auditd "$root/usr/sbin/auditd"
install -m 640 "$here/auditd.conf" "$root/etc/audit/auditd.conf"
sed -e 's|^path = .*|path = /usr/local/bin/avc-explain|' \
    -e 's|^args = .*|args = --plugin --output=/tmp/plugin.jsonl|' "$top/contrib/avc-explain.conf" > "$root/etc/audit/plugins.d/avc-explain.conf"
chmod 640 "$root/etc/audit/plugins.d/avc-explain.conf"
# The aggregation path: audisp-remote (Debian's) sends the guest's events to a second, central
# auditd on loopback, which takes no kernel events and has no plugins.
mkdir -p "$root/sbin" "$root/etc/audit-central/plugins.d" "$root/var/log/audit-central" "$root/var/spool/audit"
cp /sbin/audisp-remote "$root/sbin/audisp-remote"
install -m 640 "$here/audisp-remote.conf" "$root/etc/audit/audisp-remote.conf"
install -m 640 "$here/auditd-central.conf" "$root/etc/audit-central/auditd.conf"
printf 'active = yes\ndirection = out\npath = /sbin/audisp-remote\ntype = always\nformat = string\n' > "$root/etc/audit/plugins.d/au-remote.conf"
chmod 640 "$root/etc/audit/plugins.d/au-remote.conf"
echo "root:x:0:0:root:/:/bin/sh" > "$root/etc/passwd"
echo "root:x:0:" > "$root/etc/group"
secilc -M false -c 33 -o "$root/etc/vm/policy.33" -f /dev/null "$here/policy.cil"
# ldd here runs on this project's own freshly built binaries, never on anything from a log.
for elf in "$root/usr/local/bin/avc-explain" "$root/usr/sbin/auditd" "$root/sbin/audisp-remote" $(find "$root/opt" "$root/usr/local/bin" -type f); do
    ldd "$elf" 2>/dev/null | awk '/=> \// {print $3} /^\t\/lib/ {print $1}' | while read -r lib; do
        [ -e "$root$lib" ] && continue
        mkdir -p "$root$(dirname "$lib")"
        cp -L "$lib" "$root$lib"
    done
done
(cd "$root" && find . | cpio -o -H newc 2>/dev/null | gzip -1) > "$out/initrd.gz"

# Boot. TCG only: KVM is not usable on these hosts.
timeout 600 qemu-system-x86_64 -machine q35 -cpu max -m 1024 -smp 1 -accel tcg \
    -kernel "$kernel" -initrd "$out/initrd.gz" \
    -append "console=ttyS0 quiet lsm=selinux selinux=1 security=selinux audit=1 audit_backlog_limit=8192 rdinit=/init panic=-1" \
    -display none -serial "file:$out/console.log" -no-reboot -monitor none || true

grep -q "VMTEST-DONE" "$out/console.log" || { echo "vm: the VM did not finish; see $out/console.log" >&2; tail -n 30 "$out/console.log" >&2; exit 1; }
extract() { tr -d '\r' < "$out/console.log" | awk -v f="$1" '$0 == "VMTEST-BEGIN " f {on=1; next} $0 == "VMTEST-END " f {on=0} on'; }
extract live.jsonl > "$out/live.jsonl"
extract raw.log > "$out/raw.log"
extract live.err > "$out/live.err"
extract app-errors.log > "$out/app-errors.log"
extract syslog.log > "$out/syslog.log"
extract audit.log > "$out/audit.log"
extract plugin.jsonl > "$out/plugin.jsonl"
extract central.log > "$out/central.log"
extract central.jsonl > "$out/central.jsonl"
extract central.err > "$out/central.err"
extract auditd-central.err > "$out/auditd-central.err"
for f in flood-floor.txt flood-floor.err flood-live.jsonl flood-live.err flood-plugin.jsonl; do extract $f > "$out/$f"; done
tr -d '\r' < "$out/console.log" | grep -E '^VMTEST-(OUT flood|INFO flood)' | sed 's/^/vm: /' || true
python3 "$here/flood-figures.py" "$out" > "$out/flood.txt" && cat "$out/flood.txt"
echo "vm: done; $(grep -c '"type":"finding"' "$out/live.jsonl") findings, $(wc -l < "$out/raw.log") records in $out"
