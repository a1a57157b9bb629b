// Attacker model A (the size of a compartment's first allocation is its
// caller's; no store to runtime state needed). Review 8's fix bounds and
// touches the bottom of a dynamic allocation only when its size is not a
// constant (pass/Stacks.cpp boundDynamicAllocas collects allocas whose
// array size is not a ConstantInt). An alloca of a constant size outside
// the entry block (__builtin_alloca(8192) in a branch or a loop; at -O0
// any __builtin_alloca) is a dynamic allocation to codegen too: LLVM's
// probe loop touches [rsp], lowers it a page at a time while it is above
// the new bottom, and leaves the last page untouched. Here the vault's
// first allocation (caller-sized, under the bound, its bottom touched)
// ends a page above its stack's lowest page; the constant 8 KiB buffer is
// probed at the lowest page and ends at the guard's base, untouched; the
// vault's next call (an internal function) pushes its frame below the
// guard, into the top of the stack below: another thread's vault stack.
// The victim thread, inside the vault on that stack, finds 464 bytes of
// its locals overwritten. Reproduced in the PKU guest at -O2 and -O0, and
// with the LLVM 22 build; -DCONTROL (the buffer ends a page above the
// stack's bottom) leaves the victim alone.
//
// Fix: bound and touch every alloca that is not a static one (not in the
// entry block or not of constant size: !AI->isStaticAlloca()), not only
// those of a variable size.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -pthread -DCONTROL %s -o %t.c && %run %t.c | FileCheck --check-prefix=CONTROL %s
// RUN: %bulkhead_clang -fpkey-compartments -O2 -pthread %s -o %t
// RUN: not %run %t > %t.out 2>&1
// RUN: FileCheck --check-prefix=DIES %s < %t.out
// RUN: FileCheck --check-prefix=NOLEAK %s < %t.out
// RUN: %bulkhead_clang -fpkey-compartments -O0 -pthread %s -o %t.0
// RUN: not %run %t.0 > %t.0.out 2>&1
// RUN: FileCheck --check-prefix=NOLEAK %s < %t.0.out
// CONTROL: const-alloca: ok
// DIES: SIGSEGV
// NOLEAK-NOT: BROKEN
#include "Inputs/check.h"
#include "Inputs/vault-victim.h"

BULKHEAD_INTERNAL(vault) __attribute__((noinline)) int vault_fill(char *q) {
  volatile char buf[512];
  for (int k = 0; k < 512; k++)
    buf[k] = 'Z';
  q[8191] = buf[3];
  return buf[3];
}

/* One allocation sized by the caller, then, when asked, a buffer of a
 * constant size: outside the entry block, a dynamic allocation too. */
BULKHEAD_ENTRY(vault) int vault_two(unsigned long a, int more) {
  char *p = __builtin_alloca(a);
  p[0] = 1;
  char *q = p;
  if (more) {
    q = __builtin_alloca(8192);
    vault_fill(q);
  }
  return report(p, q);
}

int main(void) {
  start_victim("const-alloca: ok");
  vault_two(16, 0);
  uintptr_t s = seen_p + 16, lo = 0, hi = 0;
  mapping_of(s - 16, &lo, &hi);
  uintptr_t guard = lo - 4096;
  /* The first allocation ends a page above the stack's lowest page (the
   * second's probes touch that page and the one above the guard, never the
   * guard); with CONTROL, a page higher still. */
  uintptr_t P = lo + 4096;
#ifdef CONTROL
  P += 3 * 4096;
#endif
  unsigned long a = s - P;
  printf("stack %#lx-%#lx, entry %#lx: a %lu\n", (unsigned long)lo,
         (unsigned long)hi, (unsigned long)s, a);
  fflush(stdout);
  vault_two(a, 1);
  printf("last allocation at %#lx (the guard's base: %#lx)\n",
         (unsigned long)seen_q, (unsigned long)guard);
  fflush(stdout);
  go = 1;
  pause();
}
