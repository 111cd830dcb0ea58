/* A W^X JIT: writes code into read-write memory, then makes it read-execute. */
#include <string.h>
#include <stddef.h>
#include <sys/mman.h>
int main(void) {
    unsigned char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return 2;
    p[0] = 0xc3;   /* ret */
    return mprotect(p, 4096, PROT_READ | PROT_EXEC) != 0;
}
