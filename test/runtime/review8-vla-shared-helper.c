// Honest code that traps (eighth review; not an attack). The pass bounds
// every variable-sized allocation in code that may run on a compartment's
// stack at a whole compartment stack (1 MiB, pass/Stacks.cpp
// boundDynamicAllocas, review 6), and counts shared helpers (static, not
// address-taken functions) as such code. But a compartment calls its own
// copy of a helper (HelperCopies.cpp); the original runs for default-domain
// callers, on the default domain's stack (8 MiB for main), where plain C
// allows the allocation. Here main calls the helper with 2 MiB: built
// without Bulkhead it prints 512; built with it, the original helper hits
// the bound and the program dies of SIGILL (ud2). Reproduced in the QEMU
// guest at -O0 and -O2.
//
// Fix: bound with BH_STACK_SIZE only what runs on a compartment's stack
// for sure (its functions and its copies of helpers); in shared code
// that may run on either (the originals of helpers, which a compartment in
// another module may call directly when they have external linkage), trap
// only on a size larger than the stack pointer (the wrap review 6 found)
// and leave the rest to the probes.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s -o %t0 && %run %t0 | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t2 && %run %t2 | FileCheck %s
// CHECK: vault 7 8
// CHECK: default domain, 2097152 bytes on the main stack: 512
#include <bulkhead.h>
#include <stdio.h>
#include <string.h>

BULKHEAD_DATA(vault) static int secret = 7;
BULKHEAD_ENTRY(vault) int vault_get(void) { return secret; }

/* A shared helper: static, its address not taken. */
static int sum(unsigned long n) {
  char v[n];
  memset(v, 1, n);
  int s = 0;
  for (unsigned long k = 0; k < n; k += 4096)
    s += v[k];
  return s;
}
BULKHEAD_ENTRY(vault) int vault_sum(unsigned long n) { return sum(n) + secret; }

int main(void) {
  unsigned long n = 2ul << 20;
  printf("vault %d %d\n", vault_get(), vault_sum(4096));
  fflush(stdout);
  printf("default domain, %lu bytes on the main stack: %d\n", n, sum(n));
  return 0;
}
