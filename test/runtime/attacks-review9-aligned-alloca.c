// Attacker model A (the sizes of a compartment's two allocations are its
// caller's). A dynamic allocation aligned above a page
// (__builtin_alloca_with_align, or a VLA of an over-aligned type) is
// lowered by LLVM as: probe down to rsp - size (a page at a time, the last
// page untouched), then round rsp down to the alignment, unprobed. Review
// 8's fix touches the allocation's first byte, which is the rounded
// bottom: when the rounding crosses the stack's one-page guard, that byte
// is in the stack below (the same compartment's memory) and the touch
// succeeds. The size bound counts the size, not the alignment. Here the
// vault's first allocation ends a page above its stack's lowest page; the
// second (8176 bytes, aligned to 64 KiB) is probed down into the guard's
// page without touching it, and the rounding takes rsp to the 64 KiB
// boundary below the guard (the test picks 256 KiB when the guard's base
// is 64 KiB-aligned): the allocation and the vault's next frames are in
// another thread's vault stack, whose locals the victim finds overwritten
// (about 530 bytes). Reproduced in the PKU guest at -O2 and -O0 and with
// the LLVM 22 build; -DCONTROL (the allocation ends on a boundary above
// the guard) leaves the victim alone. (An alignment of 1 MiB cannot be
// used: the frame's realignment probes past the guard and faults.)
//
// Fix: for an alignment above a page, probe (or touch each page) from the
// probed bottom down to the rounded one, or allocate size + alignment - 1
// and align the pointer by hand, or refuse such allocations in code that
// may run on a compartment stack.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -pthread -DCONTROL %s -o %t.c && %run %t.c | FileCheck --check-prefix=CONTROL %s
// RUN: %bulkhead_clang -fpkey-compartments -O2 -pthread %s -o %t
// RUN: not %run %t > %t.out 2>&1
// RUN: FileCheck --check-prefix=NOLEAK %s < %t.out
// RUN: %bulkhead_clang -fpkey-compartments -O0 -pthread %s -o %t.0
// RUN: not %run %t.0 > %t.0.out 2>&1
// RUN: FileCheck --check-prefix=NOLEAK %s < %t.0.out
// CONTROL: overaligned: ok
// NOLEAK-NOT: BROKEN
#include "Inputs/check.h"
#define VICTIM_BYTES (960 * 1024)
#include "Inputs/vault-victim.h"

static uintptr_t guard_lo;

BULKHEAD_INTERNAL(vault) __attribute__((noinline)) int vault_fill(char *q) {
  volatile char buf[512];
  for (int k = 0; k < 512; k++)
    buf[k] = 'Z';
  q[0] = buf[3];
  return buf[3];
}

/* One allocation sized by the caller, then, when asked, a buffer of a
 * size the caller gives, aligned to 64 KiB (or 256 KiB) for the device or
 * the huge pages it is for. */
#define TWO(NAME, ALIGN)                                                       \
  BULKHEAD_ENTRY(vault) int NAME(unsigned long a, unsigned long b) {           \
    char *p = __builtin_alloca(a);                                             \
    p[0] = 1;                                                                  \
    char *q = p;                                                               \
    if (b) {                                                                   \
      q = __builtin_alloca_with_align(b, 8 * (ALIGN));                         \
      vault_fill(q);                                                           \
    }                                                                          \
    return report(p, q);                                                       \
  }
TWO(vault_two64, 65536)
TWO(vault_two256, 262144)

int main(void) {
  start_victim("overaligned: ok");
  int (*two)(unsigned long, unsigned long) = vault_two64;
  unsigned long align = 65536;
  for (;;) {
    two(16, 0);
    uintptr_t s = seen_p + 16, lo = 0, hi = 0;
    mapping_of(s - 16, &lo, &hi);
    /* Where the guard's base is itself aligned, the rounding stops there
     * (and faults): take the larger alignment. */
    if ((lo - 4096) % align == 0 && two == vault_two64) {
      two = vault_two256, align = 262144;
      continue;
    }
    /* The first allocation ends a page above the stack's lowest page; the
     * second is probed down into the guard's page, no further (its probes
     * touch the lowest page, not the guard); the alignment then takes the
     * stack pointer down to the boundary below. With CONTROL, the second ends
     * on a boundary a page or more above the guard. */
    uintptr_t P = lo + 4096;
    unsigned long b = 8192 - 16;
#ifdef CONTROL
    /* One alignment more: the pass takes an over-aligned allocation's
     * alignment's worth more and aligns inside it (without it, TIGHT:
     * stack-overflow-fault-line.c). */
#ifdef TIGHT
    P = (lo + 4096 + align - 1) / align * align + 16, b = 16;
#else
    P = (lo + 4096 + align - 1) / align * align + align + 16, b = 16;
#endif
#endif
    unsigned long a = s - P;
    printf("stack %#lx-%#lx, entry %#lx: align %lu, a %lu, b %lu\n",
           (unsigned long)lo, (unsigned long)hi, (unsigned long)s, align, a, b);
    fflush(stdout);
    two(a, b);
    guard_lo = lo - 4096;
    break;
  }
  printf("aligned allocation at %#lx (this stack's guard: %#lx-%#lx)\n",
         (unsigned long)seen_q, (unsigned long)guard_lo,
         (unsigned long)guard_lo + 4096);
  if (seen_q < guard_lo)
    puts("BROKEN: the vault's allocation is below its stack's guard, in the "
         "stack below");
  fflush(stdout);
  go = 1;
  pause();
}
