/* Writes a large, realistic audit.log to stdout for `make bench`: mostly ordinary syscall,
 * login and service traffic (SYSCALL/EXECVE/PATH/CWD/PROCTITLE/EOE, USER_*, CRED_*), with a
 * sparse exec* denial (about one event in 5000).
 * Usage: genlog MEGABYTES [enriched] [node]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long long rng = 88172645463325252ULL;
static unsigned long long next(void) { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return rng; }

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: genlog MEGABYTES [enriched] [node]\n"); return 2; }
    unsigned long long limit = strtoull(argv[1], NULL, 10) << 20, written = 0;
    int enriched = 0, node = 0;
    for (int i = 2; i < argc; i++) { if (!strcmp(argv[i], "enriched")) enriched = 1; if (!strcmp(argv[i], "node")) node = 1; }
    const char *tail = enriched ? "\x1d" "ARCH=x86_64 SYSCALL=openat AUID=\"alice\" UID=\"root\" GID=\"root\" EUID=\"root\" SUID=\"root\" FSUID=\"root\" EGID=\"root\" SGID=\"root\" FSGID=\"root\"" : "";
    const char *hosts[] = {"web01.example.com", "web02.example.com", "db01.example.com", "cache01.example.com"};
    unsigned long long sec = 1795700000ULL, serial = 1000;
    char buf[4096], prefix[64];
    static char out[1 << 20];
    setvbuf(stdout, out, _IOFBF, sizeof out);
    while (written < limit) {
        unsigned ms = next() % 1000;
        serial++;
        if (next() % 3 == 0) sec++;
        prefix[0] = 0;
        if (node) snprintf(prefix, sizeof prefix, "node=%s ", hosts[next() % 4]);
        unsigned pid = 1000 + next() % 60000;
        int n = 0, kind = (int)(next() % 5000);
        if (kind == 0) {
            n = snprintf(buf, sizeof buf,
                "%stype=AVC msg=audit(%llu.%03u:%llu): avc:  denied  { execmem } for  pid=%u comm=\"flb-tail\" scontext=system_u:system_r:unconfined_service_t:s0 tcontext=system_u:system_r:unconfined_service_t:s0 tclass=process permissive=0\n"
                "%stype=SYSCALL msg=audit(%llu.%03u:%llu): arch=c000003e syscall=10 success=no exit=-13 a0=7ffd7caa3000 a1=1000 a2=1000007 a3=7ffd7caa3b68 items=0 ppid=1 pid=%u auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=4294967295 comm=\"flb-tail\" exe=\"/opt/fluent-bit/bin/flb-tail\" subj=system_u:system_r:unconfined_service_t:s0 key=(null)%s\n"
                "%stype=PROCTITLE msg=audit(%llu.%03u:%llu): proctitle=2F6F70742F666C75656E742D6269742F62696E2F666C622D7461696C\n"
                "%stype=EOE msg=audit(%llu.%03u:%llu): \n",
                prefix, sec, ms, serial, pid, prefix, sec, ms, serial, pid, tail, prefix, sec, ms, serial, prefix, sec, ms, serial);
        } else if (kind < 3000) {
            n = snprintf(buf, sizeof buf,
                "%stype=SYSCALL msg=audit(%llu.%03u:%llu): arch=c000003e syscall=257 success=yes exit=3 a0=ffffff9c a1=7f3a2c1e5000 a2=80000 a3=0 items=1 ppid=%u pid=%u auid=1000 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=3 comm=\"cat\" exe=\"/usr/bin/cat\" subj=unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023 key=\"etc-watch\"%s\n"
                "%stype=CWD msg=audit(%llu.%03u:%llu): cwd=\"/root\"\n"
                "%stype=PATH msg=audit(%llu.%03u:%llu): item=0 name=\"/etc/passwd\" inode=%u dev=fd:01 mode=0100644 ouid=0 ogid=0 rdev=00:00 obj=system_u:object_r:passwd_file_t:s0 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0%s\n"
                "%stype=PROCTITLE msg=audit(%llu.%03u:%llu): proctitle=636174002F6574632F706173737764\n"
                "%stype=EOE msg=audit(%llu.%03u:%llu): \n",
                prefix, sec, ms, serial, pid - 1, pid, tail, prefix, sec, ms, serial, prefix, sec, ms, serial, pid * 7, enriched ? "\x1dOUID=\"root\" OGID=\"root\"" : "",
                prefix, sec, ms, serial, prefix, sec, ms, serial);
        } else if (kind < 4000) {
            n = snprintf(buf, sizeof buf,
                "%stype=SYSCALL msg=audit(%llu.%03u:%llu): arch=c000003e syscall=59 success=yes exit=0 a0=55d0f1c4a2a0 a1=55d0f1c4b3f0 a2=55d0f1c4c100 a3=8 items=2 ppid=%u pid=%u auid=1000 uid=1000 gid=1000 euid=1000 suid=1000 fsuid=1000 egid=1000 sgid=1000 fsgid=1000 tty=pts1 ses=4 comm=\"ls\" exe=\"/usr/bin/ls\" subj=unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023 key=\"exec\"%s\n"
                "%stype=EXECVE msg=audit(%llu.%03u:%llu): argc=3 a0=\"ls\" a1=\"-la\" a2=\"/var/log\"\n"
                "%stype=CWD msg=audit(%llu.%03u:%llu): cwd=\"/home/alice\"\n"
                "%stype=PATH msg=audit(%llu.%03u:%llu): item=0 name=\"/usr/bin/ls\" inode=1311 dev=fd:01 mode=0100755 ouid=0 ogid=0 rdev=00:00 obj=system_u:object_r:bin_t:s0 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0\n"
                "%stype=PROCTITLE msg=audit(%llu.%03u:%llu): proctitle=6C73002D6C61002F7661722F6C6F67\n"
                "%stype=EOE msg=audit(%llu.%03u:%llu): \n",
                prefix, sec, ms, serial, pid - 1, pid, tail, prefix, sec, ms, serial, prefix, sec, ms, serial, prefix, sec, ms, serial,
                prefix, sec, ms, serial, prefix, sec, ms, serial);
        } else {
            const char *types[] = {"USER_ACCT", "CRED_ACQ", "USER_START", "USER_END", "CRED_DISP", "USER_LOGIN", "SERVICE_START"};
            n = snprintf(buf, sizeof buf,
                "%stype=%s msg=audit(%llu.%03u:%llu): pid=%u uid=0 auid=1000 ses=%u subj=system_u:system_r:sshd_t:s0-s0:c0.c1023 msg='op=PAM:session_open grantors=pam_selinux,pam_loginuid,pam_keyinit,pam_limits,pam_systemd,pam_unix acct=\"alice\" exe=\"/usr/sbin/sshd\" hostname=10.0.0.%u addr=10.0.0.%u terminal=ssh res=success'%s\n",
                prefix, types[next() % 7], sec, ms, serial, pid, (unsigned)(next() % 100), (unsigned)(next() % 250), (unsigned)(next() % 250),
                enriched ? "\x1dUID=\"root\" AUID=\"alice\"" : "");
        }
        fwrite(buf, 1, (size_t)n, stdout);
        written += (unsigned long long)n;
    }
    return 0;
}
