// Linux interfaces Swift's Glibc module does not export: signalfd, eventfd, the audit netlink
// constants and structures, mallopt(3), syslog(3) without its variadic arguments, and openat2(2).
#include <sys/signalfd.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/audit.h>
#include <poll.h>
#include <syslog.h>
#include <malloc.h>
#include <errno.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/openat2.h>

// syslog(3) is variadic, which Swift cannot call. The message is passed through "%s", never as
// the format: it holds names taken from audit records.
static inline void clinux_syslog(int priority, const char *message) {
    syslog(priority, "%s", message);
}

// openat(2) that cannot leave `dirfd`: no symlink anywhere in `path` (the caller has resolved
// them, inside its root) and no `..` above it, enforced by the kernel at the time of the open.
// glibc 2.36 has no wrapper, and syscall(2) is variadic. -1 with ENOSYS before Linux 5.6.
static inline int clinux_openat_beneath(int dirfd, const char *path, int flags) {
#ifdef SYS_openat2
    struct open_how how = { .flags = (unsigned long long)flags, .mode = 0,
                            .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };
    return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof how);
#else
    errno = ENOSYS;
    return -1;
#endif
}
