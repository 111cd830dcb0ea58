/* The VM test's denial storm: anonymous read-write-execute mappings in a tight loop, each
 * refused (execmem, with deny_execmem on), for SECONDS seconds. Prints how many were refused. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

int main(int argc, char **argv) {
    double seconds = argc > 1 ? atof(argv[1]) : 4;
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    long refused = 0, other = 0;
    do {
        for (int i = 0; i < 100; i++) {
            void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (p == MAP_FAILED && errno == EACCES) refused++;
            else if (p == MAP_FAILED) other++;
            else munmap(p, 4096);
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
    } while ((now.tv_sec - start.tv_sec) + (now.tv_nsec - start.tv_nsec) / 1e9 < seconds);
    printf("refused=%ld other=%ld seconds=%.1f\n", refused, other,
           (now.tv_sec - start.tv_sec) + (now.tv_nsec - start.tv_nsec) / 1e9);
    return 0;
}
