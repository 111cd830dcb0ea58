/* Writes a large, realistic audit.log to stdout, for `make bench` and the boundary tests.
 * Usage: genlog MEGABYTES [enriched] [node] [dense] [interleave] [sysfirst] [seed=N] [exes=N]
 *   default     mostly ordinary syscall, login and service traffic (SYSCALL/EXECVE/PATH/CWD/
 *               PROCTITLE/EOE, USER_*, CRED_*) with a sparse exec* denial (one event in 5000)
 *   dense       every other event is an exec* denial (AVC, sometimes two AVCs or an MMAP,
 *               SYSCALL, PROCTITLE, EOE): a JIT or a restart loop retrying
 *   interleave  records of up to four events in flight are interleaved, as several CPUs write
 *               them (the kernel logs the AVC during the call and the rest at its exit)
 *   sysfirst    SYSCALL before AVC within an event, as some old kernels wrote them
 *   syslog      instead of audit.log, the text of a `journalctl -b` or /var/log/messages dump
 *               (timestamp, host, daemon[pid]: message) with a few audit records among the
 *               daemons' lines (printk and journal forms) and a loader error now and then
 *   exes=N      the denials name N distinct programs in turn, /opt/appK/bin/appK (comm appK)
 *               for K = 0…N-1, instead of four well-known ones (the random sequence, so
 *               everything else in the log, stays the same)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long long rng = 88172645463325252ULL;
static unsigned long long next(void) { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return rng; }

#define MAXREC 8
#define SLOTS 4
struct event { char rec[MAXREC][1024]; int n, at; };

static int enriched, node, dense, interleave, sysfirst;
static unsigned long long exes, denials;
static unsigned long long sec = 1795700000ULL, serial = 1000;
static const char *hosts[] = {"web01.example.com", "web02.example.com", "db01.example.com", "cache01.example.com"};
static const char *progs[][2] = {{"flb-tail", "/opt/fluent-bit/bin/flb-tail"}, {"java", "/usr/lib/jvm/bin/java"},
                                 {"node", "/usr/bin/node"}, {"jit-rwx", "/usr/local/bin/jit-rwx"}};

static void denial(struct event *e, const char *st, const char *tail, unsigned pid) {
    int p = (int)(next() % 4), two = next() % 4 == 0, mmap = !two && next() % 3 == 0;
    const char *comm = progs[p][0], *exe = progs[p][1];
    char commK[32], exeK[64];
    if (exes) {
        unsigned long long k = denials++ % exes;
        snprintf(commK, sizeof commK, "app%llu", k);
        snprintf(exeK, sizeof exeK, "/opt/app%llu/bin/app%llu", k, k);
        comm = commK;
        exe = exeK;
    }
    char avc[3][1024];
    int na = 0;
    if (two)
        snprintf(avc[na++], 1024, "%stype=AVC %s avc:  denied  { execstack } for  pid=%u comm=\"%s\" scontext=system_u:system_r:unconfined_service_t:s0 tcontext=system_u:system_r:unconfined_service_t:s0 tclass=process permissive=0\n", st, st + strlen(st) + 1, pid, comm);
    snprintf(avc[na++], 1024, "%stype=AVC %s avc:  denied  { execmem } for  pid=%u comm=\"%s\" scontext=system_u:system_r:unconfined_service_t:s0 tcontext=system_u:system_r:unconfined_service_t:s0 tclass=process permissive=0\n", st, st + strlen(st) + 1, pid, comm);
    char sc[1024];
    snprintf(sc, sizeof sc, "%stype=SYSCALL %s arch=c000003e syscall=%d success=no exit=-13 a0=%llx a1=1000 a2=%s a3=%s items=0 ppid=1 pid=%u auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=4294967295 comm=\"%s\" exe=\"%s\" subj=system_u:system_r:unconfined_service_t:s0 key=(null)%s\n",
             st, st + strlen(st) + 1, mmap ? 9 : 10, mmap ? 0ULL : 0x7ffd7caa3000ULL + (next() % 64) * 4096, two ? "1000007" : "7", mmap ? "22" : "7ffd7caa3b68", pid, comm, exe, tail);
    e->n = 0;
    if (sysfirst) strcpy(e->rec[e->n++], sc);
    for (int i = 0; i < na; i++) strcpy(e->rec[e->n++], avc[i]);
    if (!sysfirst) strcpy(e->rec[e->n++], sc);
    if (mmap) snprintf(e->rec[e->n++], 1024, "%stype=MMAP %s fd=-1 flags=0x22\n", st, st + strlen(st) + 1);
    snprintf(e->rec[e->n++], 1024, "%stype=PROCTITLE %s proctitle=2F6F70742F666C75656E742D6269742F62696E2F666C622D7461696C\n", st, st + strlen(st) + 1);
    snprintf(e->rec[e->n++], 1024, "%stype=EOE %s \n", st, st + strlen(st) + 1);
}

/* One event's records. `st` holds the node prefix, a NUL, then the stamp "msg=audit(S.M:N):". */
static void event(struct event *e) {
    char st[160];
    unsigned ms = next() % 1000;
    serial++;
    if (next() % 200 == 0) sec++;    /* a busy host: a few hundred events a second */
    int off = node ? snprintf(st, 64, "node=%s ", hosts[next() % 4]) : 0;
    st[off] = 0;
    snprintf(st + off + 1, sizeof st - off - 1, "msg=audit(%llu.%03u:%llu):", sec, ms, serial);
    const char *tail = enriched ? "\x1d" "ARCH=x86_64 SYSCALL=openat AUID=\"alice\" UID=\"root\" GID=\"root\" EUID=\"root\" SUID=\"root\" FSUID=\"root\" EGID=\"root\" SGID=\"root\" FSGID=\"root\"" : "";
    const char *s = st + off + 1;
    unsigned pid = 1000 + next() % 60000;
    int kind = (int)(next() % 5000);
    e->at = 0;
    if (dense ? next() % 2 == 0 : kind == 0) {
        denial(e, st, tail, pid);
    } else if (kind < 3000) {
        e->n = 5;
        snprintf(e->rec[0], 1024, "%stype=SYSCALL %s arch=c000003e syscall=257 success=yes exit=3 a0=ffffff9c a1=7f3a2c1e5000 a2=80000 a3=0 items=1 ppid=%u pid=%u auid=1000 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=3 comm=\"cat\" exe=\"/usr/bin/cat\" subj=unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023 key=\"etc-watch\"%s\n", st, s, pid - 1, pid, tail);
        snprintf(e->rec[1], 1024, "%stype=CWD %s cwd=\"/root\"\n", st, s);
        snprintf(e->rec[2], 1024, "%stype=PATH %s item=0 name=\"/etc/passwd\" inode=%u dev=fd:01 mode=0100644 ouid=0 ogid=0 rdev=00:00 obj=system_u:object_r:passwd_file_t:s0 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0%s\n", st, s, pid * 7, enriched ? "\x1dOUID=\"root\" OGID=\"root\"" : "");
        snprintf(e->rec[3], 1024, "%stype=PROCTITLE %s proctitle=636174002F6574632F706173737764\n", st, s);
        snprintf(e->rec[4], 1024, "%stype=EOE %s \n", st, s);
    } else if (kind < 4000) {
        e->n = 6;
        snprintf(e->rec[0], 1024, "%stype=SYSCALL %s arch=c000003e syscall=59 success=yes exit=0 a0=55d0f1c4a2a0 a1=55d0f1c4b3f0 a2=55d0f1c4c100 a3=8 items=2 ppid=%u pid=%u auid=1000 uid=1000 gid=1000 euid=1000 suid=1000 fsuid=1000 egid=1000 sgid=1000 fsgid=1000 tty=pts1 ses=4 comm=\"ls\" exe=\"/usr/bin/ls\" subj=unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023 key=\"exec\"%s\n", st, s, pid - 1, pid, tail);
        snprintf(e->rec[1], 1024, "%stype=EXECVE %s argc=3 a0=\"ls\" a1=\"-la\" a2=\"/var/log\"\n", st, s);
        snprintf(e->rec[2], 1024, "%stype=CWD %s cwd=\"/home/alice\"\n", st, s);
        snprintf(e->rec[3], 1024, "%stype=PATH %s item=0 name=\"/usr/bin/ls\" inode=1311 dev=fd:01 mode=0100755 ouid=0 ogid=0 rdev=00:00 obj=system_u:object_r:bin_t:s0 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0\n", st, s);
        snprintf(e->rec[4], 1024, "%stype=PROCTITLE %s proctitle=6C73002D6C61002F7661722F6C6F67\n", st, s);
        snprintf(e->rec[5], 1024, "%stype=EOE %s \n", st, s);
    } else {
        const char *types[] = {"USER_ACCT", "CRED_ACQ", "USER_START", "USER_END", "CRED_DISP", "USER_LOGIN", "SERVICE_START"};
        e->n = 1;
        snprintf(e->rec[0], 1024, "%stype=%s %s pid=%u uid=0 auid=1000 ses=%u subj=system_u:system_r:sshd_t:s0-s0:c0.c1023 msg='op=PAM:session_open grantors=pam_selinux,pam_loginuid,pam_keyinit,pam_limits,pam_systemd,pam_unix acct=\"alice\" exe=\"/usr/sbin/sshd\" hostname=10.0.0.%u addr=10.0.0.%u terminal=ssh res=success'%s\n",
                 st, types[next() % 7], s, pid, (unsigned)(next() % 100), (unsigned)(next() % 250), (unsigned)(next() % 250), enriched ? "\x1dUID=\"root\" AUID=\"alice\"" : "");
    }
}

/* One line of a system journal in its short (syslog) form. Every line is made up here. */
static const char *months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
static const char *users[] = {"alice", "bob", "carol", "deploy"};
static const char *units[][2] = {{"logrotate", "Rotate log files"}, {"apt-daily", "Daily apt download activities"},
                                 {"fstrim", "Discard unused blocks"}, {"man-db", "Daily man-db regeneration"},
                                 {"sysstat-collect", "system activity accounting tool"}};
static const char *scon = "system_u:system_r:unconfined_service_t:s0";

static int syslog_line(char *out, size_t size, unsigned long long t, unsigned long long line) {
    unsigned long long day = t / 86400, s = t % 86400;
    char head[64];
    snprintf(head, sizeof head, "%s %2llu %02llu:%02llu:%02llu web01", months[(day / 28) % 12], day % 28 + 1, s / 3600, s / 60 % 60, s % 60);
    unsigned pid = 300 + (unsigned)(next() % 40000), r = (unsigned)(next() % 1000);
    const char *u = users[next() % 4], *unit = units[next() % 5][0], *desc = units[next() % 5][1];
    if (line % 50021 == 0)   /* glibc refusing an executable stack: a finding of its own */
        return snprintf(out, size, "%s fluent-bit[%u]: /opt/fluent-bit/bin/fluent-bit: error while loading shared libraries: libjit.so.1: cannot enable executable stack as shared object requires: Permission denied\n", head, pid);
    if (line % 5003 == 0)    /* the kernel's printk form of a denial and of its syscall */
        return snprintf(out, size, "%s kernel: audit: type=1400 audit(%llu.%03u:%llu): avc:  denied  { execmem } for  pid=%u comm=\"java\" scontext=%s tcontext=%s tclass=process permissive=0\n"
                        "%s kernel: audit: type=1300 audit(%llu.%03u:%llu): arch=c000003e syscall=10 success=no exit=-13 a0=7f5a2c000000 a1=1000 a2=7 a3=0 items=0 ppid=1 pid=%u auid=4294967295 uid=998 gid=998 euid=998 suid=998 fsuid=998 egid=998 sgid=998 fsgid=998 tty=(none) ses=4294967295 comm=\"java\" exe=\"/usr/lib/jvm/bin/java\" subj=%s key=(null)\n",
                        head, 1795700000ULL + t, r, line, pid, scon, scon, head, 1795700000ULL + t, r, line, pid, scon);
    if (line % 2003 == 0)    /* journald's own form of a user-space audit record */
        return snprintf(out, size, "%s audit[1]: SERVICE_%s pid=1 uid=0 auid=4294967295 ses=4294967295 subj=system_u:system_r:init_t:s0 msg='unit=%s comm=\"systemd\" exe=\"/usr/lib/systemd/systemd\" hostname=? addr=? terminal=? res=success'\n",
                        head, r % 2 ? "START" : "STOP", unit);
    switch (next() % 16) {
    case 0: return snprintf(out, size, "%s systemd[1]: Starting %s.service - %s...\n", head, unit, desc);
    case 1: return snprintf(out, size, "%s systemd[1]: Finished %s.service - %s.\n", head, unit, desc);
    case 2: return snprintf(out, size, "%s systemd[1]: %s.service: Deactivated successfully.\n", head, unit);
    case 3: return snprintf(out, size, "%s sshd[%u]: Accepted publickey for %s from 10.0.%u.%u port %u ssh2: ED25519 SHA256:q%08llxZ%08llx\n", head, pid, u, r % 250, r % 199, 30000 + r * 31, next() & 0xffffffffULL, next() & 0xffffffffULL);
    case 4: return snprintf(out, size, "%s sshd[%u]: pam_unix(sshd:session): session opened for user %s(uid=%u) by (uid=0)\n", head, pid, u, 1000 + r % 4);
    case 5: return snprintf(out, size, "%s systemd-logind[612]: New session %u of user %s.\n", head, r, u);
    case 6: return snprintf(out, size, "%s CRON[%u]: (root) CMD (cd / && run-parts --report /etc/cron.hourly)\n", head, pid);
    case 7: return snprintf(out, size, "%s kernel: [%llu.%06u] e1000e 0000:00:1f.6 eno1: NIC Link is Up 1000 Mbps Full Duplex, Flow Control: Rx/Tx\n", head, t, r * 997);
    case 8: return snprintf(out, size, "%s NetworkManager[702]: <info>  [%llu.%04u] dhcp4 (eno1): state changed new lease, address=10.0.%u.%u\n", head, 1795700000ULL + t, r, r % 250, r % 97);
    case 9: return snprintf(out, size, "%s dbus-daemon[640]: [system] Successfully activated service 'org.freedesktop.hostname1'\n", head);
    case 10: return snprintf(out, size, "%s chronyd[655]: Selected source 10.0.0.%u (ntp%u.example.com)\n", head, r % 4 + 1, r % 4);
    case 11: return snprintf(out, size, "%s systemd-resolved[590]: Using degraded feature set UDP instead of UDP+EDNS0 for DNS server 10.0.0.%u.\n", head, r % 4 + 1);
    case 12: return snprintf(out, size, "%s inventory-api[%u]: GET /api/v1/items/%u?expand=owner&limit=%u 200 %ums user=%s\n", head, pid, r * 13, r % 100, r % 300, u);
    case 13: return snprintf(out, size, "%s inventory-api[%u]: WARN cannot reach cache at 10.0.3.%u:6379, retrying in %us\n", head, pid, r % 250, r % 30);
    case 14: return snprintf(out, size, "%s kernel: EXT4-fs (nvme0n1p2): mounted filesystem %08llx-%04u with ordered data mode. Quota mode: none.\n", head, next() & 0xffffffffULL, r);
    default: return snprintf(out, size, "%s rsyslogd[801]: imjournal: %u messages lost due to rate-limiting (20000 allowed within 600 seconds)\n", head, r);
    }
}

static void syslog_dump(unsigned long long limit) {
    char line[2048];
    unsigned long long t = 0, n = 0, written = 0;
    while (written < limit) {
        if (next() % 8 == 0) t++;
        int len = syslog_line(line, sizeof line, t, ++n);
        fwrite(line, 1, (size_t)len, stdout);
        written += (unsigned long long)len;
    }
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: genlog MEGABYTES [enriched] [node] [dense] [interleave] [sysfirst] [syslog] [seed=N] [exes=N]\n"); return 2; }
    unsigned long long limit = strtoull(argv[1], NULL, 10) << 20, written = 0;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "enriched")) enriched = 1;
        if (!strcmp(argv[i], "node")) node = 1;
        if (!strcmp(argv[i], "dense")) dense = 1;
        if (!strcmp(argv[i], "interleave")) interleave = 1;
        if (!strcmp(argv[i], "sysfirst")) sysfirst = 1;
        if (!strncmp(argv[i], "seed=", 5)) rng ^= strtoull(argv[i] + 5, NULL, 10) * 0x9E3779B97F4A7C15ULL;
        if (!strncmp(argv[i], "exes=", 5)) exes = strtoull(argv[i] + 5, NULL, 10);
    }
    static char out[1 << 20];
    setvbuf(stdout, out, _IOFBF, sizeof out);
    for (int i = 2; i < argc; i++)
        if (!strcmp(argv[i], "syslog")) { syslog_dump(limit); return 0; }
    static struct event slots[SLOTS];
    int open = interleave ? SLOTS : 1;
    for (int i = 0; i < open; i++) event(&slots[i]);
    while (written < limit) {
        struct event *e = &slots[interleave ? next() % SLOTS : 0];
        const char *line = e->rec[e->at++];
        size_t n = strlen(line);
        fwrite(line, 1, n, stdout);
        written += n;
        if (e->at == e->n) event(e);
    }
    /* Events in flight end whole: a log cut mid-event would look like lost records. */
    for (int i = 0; i < open; i++)
        if (slots[i].at > 0)
            while (slots[i].at < slots[i].n) fputs(slots[i].rec[slots[i].at++], stdout);
    return 0;
}
