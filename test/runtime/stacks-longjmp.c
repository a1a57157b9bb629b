// longjmp from inside the vault (called through default -> vault -> default
// -> vault) back to a setjmp in the default domain leaves the thread on its
// default stack with the default domain's rights, and the vault keeps
// working afterwards, many times over (its stack does not run out).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -fpkey-compartment-stacks -O0 %s -o %t0 && %run %t0 | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fpkey-compartment-stacks -O2 %s -o %t2 && %run %t2 | FileCheck %s
#include "Inputs/check.h"
#include <setjmp.h>

static jmp_buf jb;
BULKHEAD_DATA(vault) static long secret = 5;

long reenter(int n);
BULKHEAD_ENTRY(vault) long vault_jump(int n) {
  volatile char big[4096];
  big[n] = (char)n;
  if (n == 0)
    longjmp(jb, 1);
  return reenter(n - 1) + big[n];
}
long reenter(int n) { return vault_jump(n); }
BULKHEAD_ENTRY(vault) long vault_get(void) { return secret; }

int main(void) {
  uint32_t dflt = bulkhead_domain_pkru(NULL);
  volatile long here = 0;
  uintptr_t sp_before = (uintptr_t)&here;
  /* 2000 jumps out of 3-deep nesting with 4 KiB frames: a leaked stack
   * position per jump would overflow the 1 MiB vault stack. */
  for (int i = 0; i < 2000; i++) {
    if (!setjmp(jb)) {
      vault_jump(2);
      CHECK(!"longjmp did not happen");
    }
    CHECK(test_rdpkru() == dflt);
    volatile long after = 0;
    CHECK((uintptr_t)&after - sp_before < 4096 || sp_before - (uintptr_t)&after < 4096);
    CHECK(page_pkey((void *)&after) == 0);
  }
  CHECK(vault_get() == 5);
  printf("stacks-longjmp: ok\n");
  return 0;
}
// CHECK: stacks-longjmp: ok
