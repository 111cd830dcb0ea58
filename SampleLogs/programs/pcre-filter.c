/* Links PCRE2 (DT_NEEDED libpcre2-8.so.0) and asks for its JIT. */
#include <stddef.h>
typedef struct pcre2_real_code_8 pcre2_code_8;
extern pcre2_code_8 *pcre2_compile_8(const unsigned char *, size_t, unsigned, int *, size_t *, void *);
extern int pcre2_jit_compile_8(pcre2_code_8 *, unsigned);
int main(void) {
    int err; size_t off;
    pcre2_code_8 *re = pcre2_compile_8((const unsigned char *)"a+b", (size_t)-1, 0, &err, &off, NULL);
    return re ? pcre2_jit_compile_8(re, 1) : 1;
}
