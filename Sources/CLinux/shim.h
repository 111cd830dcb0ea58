// Linux interfaces Swift's Glibc module does not export: signalfd, and the audit netlink
// constants and structures.
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/audit.h>
#include <poll.h>
