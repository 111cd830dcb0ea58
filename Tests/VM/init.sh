#!/bin/busybox sh
# /init of the test VM: load the policy, go enforcing, start a central auditd on loopback, the
# guest's auditd (avc-explain and audisp-remote its plugins) and `avc-explain --live`, run each
# scenario in a test domain, and print everything between markers on the serial console.
/bin/busybox --install -s /bin
export PATH=/bin:/usr/local/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t tmpfs tmpfs /tmp
mount -t selinuxfs selinuxfs /sys/fs/selinux || echo "VMTEST-ERROR no selinuxfs"
cat /etc/vm/policy.33 > /sys/fs/selinux/load || echo "VMTEST-ERROR policy load"
echo 1 > /sys/fs/selinux/enforce || echo "VMTEST-ERROR enforce"
echo "VMTEST-INFO enforcing=$(cat /sys/fs/selinux/enforce) kernel=$(uname -r)"

setbool() {
    echo "$2" > /sys/fs/selinux/booleans/$1
    echo 1 > /sys/fs/selinux/commit_pending_bools
}

# wait_for TEST...: up to 30 s for the condition to hold.
wait_for() {
    i=0
    while ! "$@" && [ $i -lt 150 ]; do sleep 0.2; i=$((i + 1)); done
    "$@"
}

# The aggregation path first: a central auditd on loopback that takes no kernel events
# (local_events = no in its conf), only what the guest's audisp-remote sends it. Both auditds
# write /var/run/auditd.pid: the central one's is removed before the guest's starts.
ip link set lo up
syslogd -n -O /tmp/syslog.log &
mount -t tmpfs tmpfs /var/log/audit
mount -t tmpfs tmpfs /var/log/audit-central
/usr/sbin/auditd -n -s nochange -c /etc/audit-central > /tmp/auditd-central.err 2>&1 &
CENTRAL=$!
wait_for sh -c 'netstat -ltn | grep -q ":60000 "' || { echo "VMTEST-ERROR the central auditd is not listening"; cat /tmp/auditd-central.err; }
wait_for test -s /var/run/auditd.pid && rm -f /var/run/auditd.pid
avc-explain --follow /var/log/audit-central/audit.log --format json --repeat-window 1 \
    > /tmp/central.jsonl 2> /tmp/central.err &
FOLLOW=$!

# auditd, with avc-explain and audisp-remote as its plugins, and a syslogd for what the plugins
# log. auditd takes the kernel's unicast audit socket; --live below reads the multicast group beside it.
/usr/sbin/auditd -n -s nochange > /tmp/auditd.err 2>&1 &
AUDITD=$!
wait_for test -s /var/run/auditd.pid || { echo "VMTEST-ERROR auditd did not start"; cat /tmp/auditd.err; }

avc-explain --live --format json --save-records /tmp/raw.log --follow /tmp/app-errors.log --repeat-window 1 \
    > /tmp/live.jsonl 2> /tmp/live.err &
LIVE=$!
# Ready once the kernel has delivered a first record (the audit event of its own bind):
# under TCG the start-up takes seconds, and scenarios run earlier would go unseen.
i=0
while [ ! -s /tmp/raw.log ] && [ $i -lt 300 ]; do sleep 0.2; i=$((i + 1)); done
[ -s /tmp/raw.log ] || echo "VMTEST-ERROR avc-explain did not start listening"

# run NAME DOMAIN PROGRAM [ARGS]: the program runs in DOMAIN through /proc/self/attr/exec.
run() {
    name=$1; domain=$2; shift 2
    echo "VMTEST-SCENARIO $name $*"
    ( echo -n "system_u:system_r:$domain" > /proc/self/attr/exec && exec "$@" ) > /tmp/out.$name 2>&1
    echo "VMTEST-EXIT $name $?"
    sed "s/^/VMTEST-OUT $name: /" /tmp/out.$name
    sleep 1
}

setbool selinuxuser_execstack 0; setbool deny_execmem 0
run execstack unconfined_service_t /opt/fluent-bit/bin/flb-tail
setbool selinuxuser_execstack 1; setbool deny_execmem 1
run seed unconfined_service_t /opt/fluent-bit/bin/flb-tail
run dlopen unconfined_service_t /opt/plugins/bin/plugin-host /tmp/app-errors.log
run threads-rwe unconfined_service_t /usr/local/bin/legacy-daemon
run threads-nostack unconfined_service_t /usr/local/bin/old-toolchain-daemon
run jit-rwx unconfined_service_t /usr/local/bin/jit-rwx
run jit-pcre2 unconfined_service_t /usr/local/bin/log-filter
run jit-flip unconfined_service_t /usr/local/bin/jit-flip
run heap unconfined_service_t /usr/local/bin/heap-jit
run textrel unconfined_service_t /opt/vendor/bin/vendor-tool
# A data file, labeled data_t by the type transition of writer_t, the domain that writes it;
# then a 32-bit program without PT_GNU_STACK maps it PROT_READ: READ_IMPLIES_EXEC adds PROT_EXEC.
run ledger-writer writer_t sh -c 'echo "2024-01-01 opening balance 100.00" > /tmp/ledger.dat'
run read-implies-exec unconfined_service_t /usr/local/bin/legacy-reader32 /tmp/ledger.dat
setbool selinuxuser_execstack 0
run permissive unconfined_t /opt/chain/bin/chain-app

sleep 4
kill -TERM $LIVE
wait $LIVE
echo "VMTEST-LIVE-EXIT $?"
# auditd closes its plugins' input as it stops: the plugin logs its summary and exits, and
# audisp-remote sends what it still holds.
kill -TERM $AUDITD
wait $AUDITD
echo "VMTEST-AUDITD-EXIT $?"
sleep 3
kill -TERM $FOLLOW
wait $FOLLOW
echo "VMTEST-FOLLOW-EXIT $?"
kill -TERM $CENTRAL
wait $CENTRAL
echo "VMTEST-CENTRAL-EXIT $?"
i=0
while pidof avc-explain >/dev/null && [ $i -lt 50 ]; do sleep 0.2; i=$((i + 1)); done
cp /var/log/audit/audit.log /tmp/audit.log
cp /var/log/audit-central/audit.log /tmp/central.log
for f in live.jsonl raw.log live.err app-errors.log syslog.log audit.log plugin.jsonl central.log central.jsonl \
    central.err auditd-central.err; do
    echo "VMTEST-BEGIN $f"
    cat /tmp/$f 2>/dev/null
    echo "VMTEST-END $f"
done

# The flood: a program making denied RWX mappings in a tight loop for four seconds, while a
# fresh `avc-explain --live`, auditd with the avc-explain plugin (without audisp-remote: its
# central auditd is gone) and the floor, a reader that only counts, all read the kernel's
# records. Only the counts leave the VM: the records themselves would take minutes on the
# serial console.
rm -f /tmp/plugin.jsonl /etc/audit/plugins.d/au-remote.conf /var/run/auditd.pid
floor-reader flood-rwx 5 > /tmp/flood-floor.txt 2> /tmp/flood-floor.err &
FLOOR=$!
avc-explain --live --verbose --format json --save-records /tmp/flood-raw.log > /tmp/flood-live.jsonl 2> /tmp/flood-live.err &
LIVE=$!
wait_for grep -q "receive buffer" /tmp/flood-live.err || echo "VMTEST-ERROR the flood's avc-explain did not start"
wait_for grep -q ready /tmp/flood-floor.err || echo "VMTEST-ERROR the floor reader did not start"
/usr/sbin/auditd -n -s nochange > /tmp/auditd.err 2>&1 &
AUDITD=$!
wait_for test -s /var/run/auditd.pid || { echo "VMTEST-ERROR auditd did not start for the flood"; cat /tmp/auditd.err; }
sleep 1
run flood unconfined_service_t /usr/local/bin/flood-rwx 4
# The floor ends 5 s after the last record it saw. Then --live is given until it has saved as
# many of the flood's AVC records as the floor counted (a debug build under emulation on a
# busy host takes tens of seconds), at most 240 s: a file that merely stopped growing for a
# moment is not the end.
wait $FLOOR
echo "VMTEST-INFO flood: floor reader exit $?"
named=$(sed -n 's/.*named=\([0-9]*\).*/\1/p' /tmp/flood-floor.txt)
i=0
while [ $i -lt 120 ] && [ "$(grep -c '^type=AVC .*comm="flood-rwx"' /tmp/flood-raw.log)" -lt "${named:-0}" ]; do
    sleep 2; i=$((i + 1))
done
echo "VMTEST-INFO flood: --live saved $(grep -c '^type=AVC .*comm="flood-rwx"' /tmp/flood-raw.log) of ${named:-?} flood AVCs after $((i * 2)) s"
kill -TERM $LIVE; wait $LIVE
kill -TERM $AUDITD; wait $AUDITD
i=0
while pidof avc-explain >/dev/null && [ $i -lt 150 ]; do sleep 0.2; i=$((i + 1)); done
mv /tmp/plugin.jsonl /tmp/flood-plugin.jsonl
for f in flood-floor.txt flood-floor.err flood-live.jsonl flood-live.err flood-plugin.jsonl; do
    echo "VMTEST-BEGIN $f"
    cat /tmp/$f 2>/dev/null
    echo "VMTEST-END $f"
done
echo "VMTEST-DONE"
echo o > /proc/sysrq-trigger
sleep 5
