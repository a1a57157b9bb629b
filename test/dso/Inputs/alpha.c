/* Compartment alpha in libalpha.so: keeps a secret and calls back. */
#include <bulkhead.h>

BULKHEAD_DATA(alpha) static int alpha_secret = 1000;
BULKHEAD_ENTRY(alpha) const int *alpha_secret_address(void) {
  return &alpha_secret;
}
/* Calls f, a function of another object, and adds its secret. */
BULKHEAD_ENTRY(alpha) int alpha_apply(int (*f)(int), int x) {
  return f(x) + alpha_secret;
}
/* Reads through p with alpha's rights. */
BULKHEAD_ENTRY(alpha) int alpha_peek(const volatile int *p) { return *p; }
