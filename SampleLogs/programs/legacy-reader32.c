/* A 32-bit program as an old toolchain left it: no PT_GNU_STACK (build-sysroot.sh strips it),
 * so the kernel starts it with READ_IMPLIES_EXEC. It maps a data file PROT_READ, MAP_PRIVATE,
 * which the personality turns into PROT_EXEC: SELinux checks execute on the data file.
 * No C library (a 32-bit libc is not installed): _start and i386 system calls through int $0x80.
 * No global variables either: a writable segment would itself be mapped executable. */
#define SYS_exit 1
#define SYS_write 4
#define SYS_open 5
#define SYS_close 6
#define SYS_mmap2 192
#define PROT_READ 1
#define MAP_PRIVATE 2

/* ebp, the sixth argument (mmap2's page offset), is always 0 here; it is saved by hand, as gcc
 * may use it as the frame pointer. */
static long sys(long n, long a, long b, long c, long d, long e) {
    long r;
    __asm__ volatile("push %%ebp; xorl %%ebp, %%ebp; int $0x80; pop %%ebp"
                     : "=a"(r) : "a"(n), "b"(a), "c"(b), "d"(c), "S"(d), "D"(e) : "memory");
    return r;
}

static void put(const char *s) {
    long n = 0;
    while (s[n]) n++;
    sys(SYS_write, 1, (long)s, n, 0, 0);
}

static void putNumber(unsigned long v, unsigned base) {
    char buf[12];
    int i = sizeof buf - 1;
    buf[i] = 0;
    do { buf[--i] = "0123456789abcdef"[v % base]; v /= base; } while (v && i > 0);
    put(buf + i);
}

__attribute__((used)) static void start(long *sp) {
    const char *path = sp[0] > 1 ? (const char *)sp[2] : "/tmp/ledger.dat";
    long fd = sys(SYS_open, (long)path, 0, 0, 0, 0);
    if (fd < 0) {
        put("legacy-reader32: open "); put(path); put(": errno "); putNumber(-fd, 10); put("\n");
        sys(SYS_exit, 1, 0, 0, 0, 0);
    }
    long addr = sys(SYS_mmap2, 0, 4096, PROT_READ, MAP_PRIVATE, fd);
    sys(SYS_close, fd, 0, 0, 0, 0);
    if ((unsigned long)addr > -4096UL) {
        put("legacy-reader32: mmap "); put(path); put(" PROT_READ: errno "); putNumber(-addr, 10);
        put(-addr == 13 ? " (Permission denied)\n" : "\n");
        sys(SYS_exit, 1, 0, 0, 0, 0);
    }
    put("legacy-reader32: mapped "); put(path); put(" at 0x"); putNumber((unsigned long)addr, 16); put("\n");
    sys(SYS_exit, 0, 0, 0, 0, 0);
}

/* The stack holds argc, then argv: hand its address to start(). */
__asm__(".globl _start\n_start:\n\txorl %ebp, %ebp\n\tmovl %esp, %eax\n\tandl $-16, %esp\n"
        "\tsubl $12, %esp\n\tpushl %eax\n\tcall start\n\thlt\n");
