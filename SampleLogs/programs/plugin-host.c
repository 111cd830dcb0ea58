/* Loads a plugin with dlopen(), as fluent-bit loads its WASM filter, and reports the
 * loader's error where it is told to (argv[1]); stays alive a moment so /proc shows it. */
#include <dlfcn.h>
#include <stdio.h>
#include <unistd.h>
int main(int argc, char **argv) {
    void *h = dlopen("/opt/plugins/lib/libwasm-filter.so", RTLD_NOW);
    if (!h) {
        FILE *log = argc > 1 ? fopen(argv[1], "a") : stderr;
        fprintf(log ? log : stderr, "plugin-host: %s\n", dlerror());
        if (log && log != stderr) fclose(log);
    }
    sleep(2);
    return h == NULL;
}
