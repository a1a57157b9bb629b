/* The default domain's callee of padding-pointee-cast.c. */
#include <stdio.h>
struct four { short lo, hi; };
void keep_four(struct four f) { printf("four: lo %#x hi %#x\n", f.lo, f.hi); }
