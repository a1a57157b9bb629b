/* Compartment beta in libbeta.so, linked with libalpha.so. Its code
 * reaches alpha through beta-glue.c, default-domain code of the same
 * object (an unannotated external function called from a compartment is
 * shared code and would run with beta's rights); alpha calls back into
 * libbeta.so's glue. */
#include <bulkhead.h>

int beta_glue_apply(int x);

BULKHEAD_DATA(beta) static int beta_secret = 20000;
BULKHEAD_ENTRY(beta) int beta_add(int x) { return x + beta_secret; }
BULKHEAD_ENTRY(beta) const int *beta_secret_address(void) {
  return &beta_secret;
}
/* beta -> (libbeta's default code) -> alpha -> (callback) libbeta. */
BULKHEAD_ENTRY(beta) int beta_round_trip(int x) {
  return beta_glue_apply(x) + beta_secret;
}
