#include <stdio.h>
long a_entry(long);
int main(void) { printf("%ld\n", a_entry(1)); return 0; }
