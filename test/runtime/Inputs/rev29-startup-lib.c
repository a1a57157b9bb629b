/* attacks-rev29-inherited-fd.c: a plain start-up library, its function
 * ordinary code with no PKRU write. Its address is the library's own (a
 * hidden function's), not a PLT entry of the program. */
__attribute__((noinline)) static int lib_fn(int x) { return x * 3 + 1; }
int (*volatile rev29_lib_code)(int) = lib_fn;
