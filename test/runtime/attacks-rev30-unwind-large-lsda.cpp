// Review 30b, robustness (no attacker): a vault function whose LSDA does
// not fit a slot of the unwinder's ring (runtime/unwind-copy.c: a CIE,
// FDE and LSDA over 4 KiB less the ring's header are refused, no FDE).
// Here vault_big has a thousand try blocks, one call site each (its LSDA
// is about 7 KiB), and a throw inside it is caught inside it. Built with
// plain clang++ the program prints "big: 650"; with compartments the
// lookup with the vault's rights answers no FDE for vault_big's frame,
// libgcc_s's search ends there, and libstdc++ ends the program with
// "terminate called after throwing an instance of 'E'" and SIGABRT: the
// runtime says nothing, so the program's author learns neither that the
// runtime refused the frame nor why (seen in the guest, review 30b; the
// same for every other refusal: a word without a recorded value, a CFA
// instruction not known, an LSDA of another form; a vault's backtrace
// just ends early there). The house rule for what the runtime cannot do
// is one line naming the problem, and a non-zero exit.
// Fixed (the line, not the size): a refused copy stops the program with
// one line naming the frame's pc, its object and offset, and the reason
// (runtime/unwind-find.c, unwind-copy.c), before libstdc++ could call a
// terminate handler (a key-0 word) with the vault's rights. Still open:
// such a frame cannot be unwound with a compartment's rights (a copy
// could spill into two slots, or the slots be larger).
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 %s -o %t
// RUN: not %run %t 2>&1 | FileCheck %s
// CHECK: {{^}}bulkhead: error: the unwinder cannot unwind the frame at pc 0x{{[0-9a-f]+}} ({{.*}}+0x{{[0-9a-f]+}}) with a compartment's rights: its CIE, FDE and LSDA together are over the 4080 bytes of a copy's slot
// CHECK-NOT: terminate called
// CHECK-NOT: big:
// The runtime's own walks end at such a frame, as before: here the vault's
// backtrace(3) through vault_big.
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 -DBACKTRACE %s -o %t-bt
// RUN: %run %t-bt 2>&1 | FileCheck %s --check-prefix=BT
// BT-NOT: bulkhead:
// BT: backtrace: {{[1-9]}}
// BT-NOT: bulkhead:
// BT: big: 0
#include <bulkhead.h>
#include <execinfo.h>
#include <stdio.h>

struct E {
  int v;
};

BULKHEAD_DATA(vault) int vault_sink;

__attribute__((noinline)) static void step(int i) {
  if (i != vault_sink)
    return;
#ifdef BACKTRACE
  void *f[64];
  printf("backtrace: %d\n", backtrace(f, 64));
#else
  throw E{i};
#endif
}

#define T(i)                                                                   \
  try {                                                                        \
    step(i);                                                                   \
  } catch (E & e) {                                                            \
    r += e.v;                                                                  \
  }
#define T10(i)                                                                 \
  T(10 * (i)) T(10 * (i) + 1) T(10 * (i) + 2) T(10 * (i) + 3) T(10 * (i) + 4) \
      T(10 * (i) + 5) T(10 * (i) + 6) T(10 * (i) + 7) T(10 * (i) + 8)          \
          T(10 * (i) + 9)
#define T100(i)                                                                \
  T10(10 * (i)) T10(10 * (i) + 1) T10(10 * (i) + 2) T10(10 * (i) + 3)          \
      T10(10 * (i) + 4) T10(10 * (i) + 5) T10(10 * (i) + 6)                    \
          T10(10 * (i) + 7) T10(10 * (i) + 8) T10(10 * (i) + 9)

extern "C" BULKHEAD_ENTRY(vault) int vault_big(int k) {
  int r = 0;
  vault_sink = k;
  T100(0) T100(1) T100(2) T100(3) T100(4) T100(5) T100(6) T100(7) T100(8)
      T100(9)
  return r;
}

int main(void) {
  printf("big: %d\n", vault_big(650));
  return 0;
}
