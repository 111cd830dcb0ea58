/* A JIT that maps its code buffer readable, writable and executable at once. */
#include <stddef.h>
#include <sys/mman.h>
int main(void) {
    void *p = mmap(NULL, 65536, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED;
}
