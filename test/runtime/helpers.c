// Unannotated helpers called from compartment code act as that
// compartment's code: gates inside them lead back to the compartment. A
// static inline helper that calls through a pointer leaves the vault its
// rights afterwards (the callback itself runs in the default domain), and
// one that calls a BULKHEAD_INTERNAL function of the vault is accepted.
// Found in review (before, the first faulted and the second did not compile).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t && %run %t
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s -o %t0 && %run %t0
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s -o %ts && %run %ts
#include "Inputs/check.h"

BULKHEAD_DATA(vault) static int secret = 7;
BULKHEAD_INTERNAL(vault) static int mix(int x) { return x * 3 + secret; }

static inline void run_callback(void (*f)(void)) { f(); }
static inline int twice_mixed(int x) { return mix(x) + mix(x); }

static uint32_t pkru_in_callback;
static void callback(void) { pkru_in_callback = test_rdpkru(); }

BULKHEAD_ENTRY(vault) int vault_with_helper(void) {
  run_callback(callback);
  return secret + twice_mixed(1); /* still the vault's rights */
}

int main(void) {
  CHECK(vault_with_helper() == 7 + 2 * (3 + 7));
  CHECK(pkru_in_callback == bulkhead_domain_pkru(NULL));
  CHECK(test_rdpkru() == bulkhead_domain_pkru(NULL));
  printf("helpers: ok\n");
  return 0;
}
