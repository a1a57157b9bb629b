/* declared-pointer-third.c's default-domain peek, in a file of its own. */
int peek(const int *p) { return *(const volatile int *)p; }
