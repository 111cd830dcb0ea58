#include <stdio.h>
long textrel_get(void);
int main(void) { printf("%ld\n", textrel_get()); return 0; }
