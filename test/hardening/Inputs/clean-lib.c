/* A library with nothing to hide, loaded by attack-dlopen.c; its indirect
 * call gets a checked gate (listed in .bulkhead.gates) when built with
 * bulkhead-clang -fpkey-compartments. */
int clean_add(int a, int b) { return a + b; }
int (*clean_fp)(int, int) = clean_add;
int clean_call(int x) { return clean_fp(x, 1); }
