/* A plugin library; linked with an assembly object that lacks .note.GNU-stack. */
long invokeNative(long);
int filter(void) { return (int)invokeNative(1); }
