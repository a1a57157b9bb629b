/* The default domain's callee of padding-rev92a-zero-length-middle.c and
 * padding-rev92a-union-void-pointer.c: it prints the 8-byte record it was
 * passed, which has no padding. */
#include <stdio.h>
struct pun { short lo, hi; int n; };
void keep_pun(struct pun p) {
  printf("pun: lo %#x hi %#x n %#x\n", p.lo, p.hi, p.n);
}
