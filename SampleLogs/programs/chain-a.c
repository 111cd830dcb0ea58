/* libA.so: clean C that depends on libB.so (RUNPATH $ORIGIN). */
long b_entry(long);
long a_entry(long x) { return b_entry(x) + 1; }
