/* A compartment whose data holds pointers: one the file gives (RELATIVE,
 * its own variable), and with -DSYMBOL one only ld.so can give (libc's
 * stdout; not a function, whose address would be the pass's wrapper, a
 * RELATIVE one). */
#include <bulkhead.h>
#include <stdio.h>

static int local = 5;
BULKHEAD_DATA(vault) static int *mine = &local;
#ifdef SYMBOL
BULKHEAD_DATA(vault) FILE **vault_out = &stdout;
#endif
BULKHEAD_ENTRY(vault) int vault_sign(int x) { return x + 150 + *mine; }
