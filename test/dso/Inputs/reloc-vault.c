/* A compartment whose data holds pointers: one the file gives (RELATIVE,
 * its own variable), and with -DSYMBOL one only ld.so can give (libc's
 * puts). */
#include <bulkhead.h>
#include <stdio.h>

static int local = 5;
BULKHEAD_DATA(vault) static int *mine = &local;
#ifdef SYMBOL
BULKHEAD_DATA(vault) int (*vault_out)(const char *) = puts;
#endif
BULKHEAD_ENTRY(vault) int vault_sign(int x) { return x + 150 + *mine; }
