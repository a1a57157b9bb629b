// Review (attackB): no register scrub calling out through the run-time-chosen
// trampoline. Shared code running for a compartment (here libc's bsearch,
// called by the vault; runtime/sort.c's qsort is the same) calls a pointer
// into the default domain: the wrapper goes through
// __bulkhead_tramp_any.0.*, which clears only the callee-saved registers.
// With -bulkhead-scrub=vector the vector registers reach the default
// domain's function with the vault's values: the vault's secret, which it
// had just loaded, arrives in xmm0. (Argument GPRs the callee does not take
// are not cleared there either; here libc happened to leave none of the
// vault's.) No memory corruption or hijack needed: the default domain's
// comparator just reads its registers. Without -bulkhead-scrub=vector the
// vector registers are documented as not cleared.
//
// Contradicts docs/threat-model.md, "Register contents leaking out of a
// compartment": "calling out, argument registers the callee does not take
// are cleared", "vector registers with -bulkhead-scrub=vector", "direct,
// thunk and pointer calls alike". The static trampolines do clear them
// (scrub.c).
// Fixed: the run-time-chosen trampoline into the default domain clears the
// argument registers its callees do not take. Before: xmm0 held the secret.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -mllvm -bulkhead-scrub=vector %s -o %t.v
// RUN: %run %t.v | FileCheck %s
// CHECK-NOT: SeCrEt
// CHECK: attacks-review-pc-any-scrub: ok
#define __NO_INLINE__ 1 /* libc's bsearch, not the header's inline copy */
#include "Inputs/check.h"

BULKHEAD_DATA(vault) static char secret[16] = "SeCrEt-7";
static int key = 3;
static const int table[4] = {1, 2, 3, 4};

BULKHEAD_ENTRY(vault) int vault_find(int (*cmp)(const void *, const void *)) {
  double d;
  memcpy(&d, secret, 8);
  volatile double sink = d; /* the vault uses its secret */
  (void)sink;
  return bsearch(&key, table, 4, sizeof(int), cmp) != NULL;
}

/* What the comparator finds in registers at entry, before its own code
 * touches any: rax, rcx, rdx, r8, r9, r10, r11, xmm0..xmm3. */
uint64_t seen[12];
static const char *const names[11] = {"rax", "rcx", "rdx", "r8", "r9", "r10",
                                      "r11", "xmm0", "xmm1", "xmm2", "xmm3"};
__attribute__((naked)) static int app_cmp(const void *a, const void *b) {
  __asm__("cmpq $0, seen+88(%rip)\n\t" /* first call only */
          "jne 1f\n\t"
          "movq %rax, seen(%rip)\n\tmovq %rcx, seen+8(%rip)\n\t"
          "movq %rdx, seen+16(%rip)\n\tmovq %r8, seen+24(%rip)\n\t"
          "movq %r9, seen+32(%rip)\n\tmovq %r10, seen+40(%rip)\n\t"
          "movq %r11, seen+48(%rip)\n\tmovq %xmm0, seen+56(%rip)\n\t"
          "movq %xmm1, seen+64(%rip)\n\tmovq %xmm2, seen+72(%rip)\n\t"
          "movq %xmm3, seen+80(%rip)\n\tmovq $1, seen+88(%rip)\n"
          "1:\n\t"
          "movl (%rdi), %eax\n\tsubl (%rsi), %eax\n\tret\n");
}

int main(void) {
  int r = vault_find(app_cmp);
  int leaked = 0;
  for (int k = 0; k < 11; k++) {
    char s[9] = {0};
    memcpy(s, &seen[k], 8);
    if (memcmp(s, "SeCrEt", 6) == 0) {
      printf("the default domain's comparator saw %s = \"%s\"\n", names[k], s);
      leaked = 1;
    }
  }
  printf("found %d\n", r);
  if (!leaked)
    puts("attacks-review-pc-any-scrub: ok");
  return 0;
}
