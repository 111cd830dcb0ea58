/* A program linked against libfluent-bit.so, found through RUNPATH $ORIGIN/../lib. */
#include <stdio.h>
int flb_start(void);
int main(void) { printf("flb_start=%d\n", flb_start()); return 0; }
