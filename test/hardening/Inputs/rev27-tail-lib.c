/* rev27-tail-lib.c - a plain start-up library (no compartments) for
 * attacks-rev27-page-tail.c, linked with lld's default layout (no
 * separate code): its read-only data shares a file page with its code.
 * The last object of .rodata is a table whose bytes happen to read
 * WRPKRU; RET. */
__attribute__((used)) const unsigned char rev27_table[4] = {0x0f, 0x01, 0xef,
                                                           0xc3};
int rev27_lib_fn(int x) { return 3 * x + 1; }
