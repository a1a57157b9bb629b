// The same source built twice gives the same object, byte for byte: the
// pass makes entries' thunks, bodies, guards and data placements in the
// module's order (its annotations and gateways in insertion-ordered maps),
// not in the order of their addresses in the compiler's heap, which differ
// from run to run. A release's bytes, and so its bulkhead-scan report,
// must not depend on the run (seen with sqlite3 as a compartment: the
// variadic entries' thunks came out in a different order each time).
// RUN: rm -rf %t && mkdir %t
// RUN: %bulkhead_clang -fpkey-compartments -O2 -w -c %s -o %t/a.o
// RUN: %bulkhead_clang -fpkey-compartments -O2 -w -c %s -o %t/b.o
// RUN: %bulkhead_clang -fpkey-compartments -O2 -w -c %s -o %t/c.o
// RUN: cmp %t/a.o %t/b.o
// RUN: cmp %t/a.o %t/c.o
#include <bulkhead.h>
#include <stdarg.h>

#define VAULT(n)                                                               \
  BULKHEAD_DATA(vault) int vault_data##n = n;                                  \
  BULKHEAD_ENTRY(vault) int vault_get##n(void) { return vault_data##n; }      \
  BULKHEAD_ENTRY(vault) int vault_sum##n(int k, ...) {                         \
    va_list ap;                                                                \
    va_start(ap, k);                                                           \
    int s = va_arg(ap, int) + vault_data##n;                                   \
    va_end(ap);                                                                \
    return s;                                                                  \
  }                                                                            \
  BULKHEAD_DATA(other) int other_data##n = n;                                  \
  BULKHEAD_ENTRY(other) int other_get##n(void) {                               \
    return other_data##n + vault_get##n();                                     \
  }
VAULT(0) VAULT(1) VAULT(2) VAULT(3) VAULT(4) VAULT(5) VAULT(6) VAULT(7)
VAULT(8) VAULT(9) VAULT(10) VAULT(11) VAULT(12) VAULT(13) VAULT(14)

int (*const getters[])(void) = {vault_get0, vault_get7, other_get3,
                                other_get14};
int main(void) { return getters[1]() + vault_sum2(1, 2) + other_get5(); }
