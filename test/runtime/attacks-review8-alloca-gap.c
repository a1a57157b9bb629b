// Attacker model A (the sizes of a compartment's two allocations are its
// caller's; no store to runtime state needed). Every function the pass
// compiles probes its stack a page at a time (-fstack-clash-protection),
// and a dynamic allocation is bounded at a whole stack (review 6), so no
// frame should pass a compartment stack's one-page guard. But LLVM's probe
// loop for a dynamic allocation touches [rsp] and then lowers rsp by a
// page, and ends by setting rsp to the new bottom untouched: the last touch
// can be a whole page above the final rsp, and the next call pushes its
// return address 8 bytes lower still, 4104 bytes below the last touch.
// Here the vault's first alloca (size a) brings rsp to a page boundary; the
// second (size b, under 1 MiB) is probed down to the first page above the
// guard and leaves rsp at the guard's base. The vault's next call (an
// internal function, or the trampoline of a call out) writes below the
// guard: into the top of the stack below, another thread's stack of the
// vault. The victim thread, inside the vault on that stack, finds 464
// bytes of its locals overwritten (its entry record and return address
// too; with a larger frame the overwritten return addresses crash it).
// Reproduced in the QEMU guest at -O2 and -O0; -DCONTROL (b = 16 KiB)
// leaves the victim's frames alone. What a slot rewrite already allows
// ("Same arena, other stack", threat-model.md), reached without one; the
// threat model's claim that no compiled frame passes a guard is untrue.
// Below stack 0 the arena's leading guard is PROT_NONE at that depth.
//
// Fix: touch the allocation's bottom after each dynamic alloca (the pass:
// a volatile load of its first byte, so the guard faults), or make each
// compartment stack's guard two pages.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -pthread -DCONTROL %s -o %t.c && %run %t.c | FileCheck --check-prefix=CONTROL %s
// RUN: %bulkhead_clang -fpkey-compartments -O2 -pthread %s -o %t
// RUN: not %run %t > %t.out 2>&1
// RUN: FileCheck --check-prefix=DIES %s < %t.out
// RUN: FileCheck --check-prefix=NOLEAK %s < %t.out
// CONTROL: attacks-review8-alloca-gap: ok
// DIES: SIGSEGV
// NOLEAK-NOT: BROKEN
#include "Inputs/check.h"
#include "Inputs/vault-victim.h"

BULKHEAD_INTERNAL(vault) __attribute__((noinline)) int vault_fill(void) {
  volatile char buf[512];
  for (int k = 0; k < 512; k++)
    buf[k] = 'Z';
  return buf[3];
}

/* Two allocations whose sizes the caller gives (each under the bound). */
BULKHEAD_ENTRY(vault) int vault_two(unsigned long a, unsigned long b) {
  char *p = __builtin_alloca(a);
  char *q = __builtin_alloca(b);
  p[0] = 1;
  if (b > 4096)
    vault_fill();
  return report(p, q);
}

int main(void) {
  start_victim("attacks-review8-alloca-gap: ok");
  vault_two(16, 16); /* vault stack 1: where do the allocations start? */
  uintptr_t s = seen_p + 16, lo = 0, hi = 0;
  mapping_of(s - 16, &lo, &hi);
  uintptr_t guard = lo - 4096;               /* the stack's lowest page */
  unsigned long a = s % 4096 ? s % 4096 : 4096; /* page-aligned after the first */
#ifdef CONTROL
  unsigned long b = 4096 * 4;
#else
  unsigned long b = s - a - guard; /* down to the guard's base, probed to above it */
#endif
  printf("stack %#lx-%#lx, entry %#lx: a %lu, b %lu\n", (unsigned long)lo,
         (unsigned long)hi, (unsigned long)s, a, b);
  fflush(stdout);
  vault_two(a, b);
  printf("second allocation at %#lx (the guard's base: %#lx)\n",
         (unsigned long)seen_q, (unsigned long)guard);
  fflush(stdout);
  go = 1;
  pause();
}
