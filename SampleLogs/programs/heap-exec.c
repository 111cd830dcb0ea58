/* Makes malloc'd (brk heap) memory executable: execheap. */
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
int main(void) {
    uint8_t *p = malloc(64);
    uintptr_t page = (uintptr_t)p & ~(uintptr_t)4095;
    return mprotect((void *)page, 4096, PROT_READ | PROT_WRITE | PROT_EXEC) != 0;
}
