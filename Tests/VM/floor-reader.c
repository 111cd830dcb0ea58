/* The floor of the VM flood scenario: a reader on the audit multicast group that does nothing
 * but count, with a 256 MB receive buffer forced by SO_RCVBUFFORCE. Usage: floor-reader COMM QUIET
 * Reads until an AVC naming COMM has come and then nothing for QUIET seconds (or SIGTERM); then
 * prints records, AVC records, AVC records naming COMM, ENOBUFS and serial numbers never seen. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static volatile sig_atomic_t stop;
static void on_term(int s) { (void)s; stop = 1; }

int main(int argc, char **argv) {
    const char *comm = argc > 1 ? argv[1] : "";
    int quiet = argc > 2 ? atoi(argv[2]) : 5, idle = 0;
    char needle[128];
    snprintf(needle, sizeof needle, " comm=\"%s\" ", comm);
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
    struct sockaddr_nl a = {.nl_family = AF_NETLINK, .nl_groups = AUDIT_NLGRP_READLOG};
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0) { perror("floor-reader"); return 1; }
    int size = 256 << 20;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0) perror("floor-reader: SO_RCVBUFFORCE");
    struct sigaction sa = {.sa_handler = on_term};   /* no SA_RESTART: recv returns EINTR */
    sigaction(SIGTERM, &sa, NULL);
    fprintf(stderr, "floor-reader: ready\n");
    static char buf[1 << 16];
    long records = 0, avcs = 0, named = 0, enobufs = 0, gaps = 0;
    unsigned long last = 0;
    while (!stop && !(named > 0 && idle >= quiet)) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 1000) == 0) { idle++; continue; }
        idle = 0;
        ssize_t n = recv(fd, buf, sizeof buf - 1, MSG_DONTWAIT);
        if (n < 0) {
            if (errno == ENOBUFS) enobufs++;
            else if (errno != EINTR && errno != EAGAIN) { perror("floor-reader: recv"); break; }
            continue;
        }
        for (ssize_t off = 0; off + (ssize_t)NLMSG_HDRLEN <= n;) {
            struct nlmsghdr h;
            memcpy(&h, buf + off, sizeof h);
            ssize_t len = h.nlmsg_len;
            if (len < (ssize_t)NLMSG_HDRLEN || off + len > n) break;
            const char *body = buf + off + NLMSG_HDRLEN;
            size_t blen = (size_t)len - NLMSG_HDRLEN;
            records++;
            if (h.nlmsg_type == AUDIT_AVC) {
                avcs++;
                if (*comm && memmem(body, blen, needle, strlen(needle))) named++;
            }
            const char *colon = memchr(body, ':', blen);
            unsigned long serial = 0;
            for (const char *c = colon ? colon + 1 : body + blen; c < body + blen && *c >= '0' && *c <= '9'; c++) serial = serial * 10 + (unsigned long)(*c - '0');
            if (serial > last + 1 && last != 0 && serial - last < 1000000) gaps += serial - last - 1;
            if (serial > last) last = serial;
            off += NLMSG_ALIGN(len);
        }
    }
    printf("records=%ld avcs=%ld named=%ld enobufs=%ld gaps=%ld\n", records, avcs, named, enobufs, gaps);
    fflush(stdout);
    return 0;
}
