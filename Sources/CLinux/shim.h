// Linux interfaces Swift's Glibc module does not export: signalfd, eventfd, the audit netlink
// constants and structures, mallopt(3), and syslog(3) without its variadic arguments.
#include <sys/signalfd.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/audit.h>
#include <poll.h>
#include <syslog.h>
#include <malloc.h>

// syslog(3) is variadic, which Swift cannot call. The message is passed through "%s", never as
// the format: it holds names taken from audit records.
static inline void clinux_syslog(int priority, const char *message) {
    syslog(priority, "%s", message);
}
