/* Stands in for libfluent-bit.so: ordinary C plus the WAMR assembly above. */
long invokeNative(long);
int flb_start(void) { return (int)invokeNative(0); }
