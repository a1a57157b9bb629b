// Issue 12, gadgets in dependencies: glibc's pkey_set is a WRPKRU any code
// can call. An attacker who controls the default domain's program counter
// calls pkey_set(vault's key, 0) and reads the vault's data. The runtime
// makes that WRPKRU unusable before main (runtime/gadgets.c): the call now
// dies of SIGILL at pkey_set, and the secret is not printed. Before, the
// program printed it.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O1 %s -o %t
// RUN: not %run %t > %t.out 2>&1; FileCheck %s < %t.out
// RUN: env BULKHEAD_VERBOSE=1 BULKHEAD_ALLOW_DEP_GADGETS=1 not %run %t 2>&1 | FileCheck --check-prefix=VERBOSE %s
// CHECK: calling pkey_set
// CHECK-NOT: stole
// CHECK: SIGILL
// VERBOSE: bulkhead: made unusable: glibc pkey_set's WRPKRU at {{.*}}libc.so.6+0x
// VERBOSE: bulkhead: dependencies scanned for PKRU writes: {{[1-9][0-9]*}} made unusable, 0 left usable
// VERBOSE-NOT: stole
#include "Inputs/check.h"
#include <sys/mman.h>

BULKHEAD_DATA(vault) static char secret[16] = "vault-secret";
BULKHEAD_ENTRY(vault) int vault_touch(void) { return secret[0]; }

int main(void) {
  CHECK(vault_touch() == 'v');
  int k = bulkhead_compartment_pkey("vault");
  CHECK(k > 0);
  printf("calling pkey_set(%d, 0)\n", k);
  fflush(stdout);
  pkey_set(k, 0);
  printf("stole: %s\n", (const char *)secret);
  return 0;
}
