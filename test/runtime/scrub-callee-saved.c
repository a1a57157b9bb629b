// Calling out of a compartment, the callee-saved registers (rbx, rbp,
// r12-r15) do not carry the compartment's values to the callee: with
// per-compartment stacks the trampoline keeps them on the compartment's
// stack and clears them. The vault puts its secret in each just before
// calling a default-domain function, which records them at its first
// instruction. With shared stacks (no trampoline) the same program sees
// the secret, which shows the test can see a leak.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t && %run %t | FileCheck %s --check-prefix=CLEAN
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s -o %t0 && %run %t0 | FileCheck %s --check-prefix=CLEAN
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s -o %ts && %run %ts | FileCheck %s --check-prefix=LEAK
// CLEAN: callee-saved registers holding the secret: 0 of 6
// LEAK: callee-saved registers holding the secret: 6 of 6
#include "Inputs/check.h"

#define SECRET 0x5ec12e75ec12e7L
BULKHEAD_DATA(vault) static volatile long secret = SECRET;
long seen[6]; /* rbx, rbp, r12, r13, r14, r15 at probe's entry */

/* Default-domain code: stores the registers before anything can change
 * them, then returns. */
__attribute__((naked, noinline)) void probe(void) {
  __asm__("movq %rbx, seen(%rip)\n\t"
          "movq %rbp, seen+8(%rip)\n\t"
          "movq %r12, seen+16(%rip)\n\t"
          "movq %r13, seen+24(%rip)\n\t"
          "movq %r14, seen+32(%rip)\n\t"
          "movq %r15, seen+40(%rip)\n\t"
          "ret");
}

/* Plants the secret in every callee-saved register and calls probe: the
 * pass routes the call through probe's trampoline (or inline gates). The
 * clobbers tell the compiler the registers are taken, and nothing between
 * the asm and the call needs them; the LEAK run shows they arrive. */
BULKHEAD_ENTRY(vault) void vault_calls_probe(void) {
  long s = secret;
  __asm__ volatile("movq %0, %%rbx\n\t movq %0, %%rbp\n\t movq %0, %%r12\n\t"
                   "movq %0, %%r13\n\t movq %0, %%r14\n\t movq %0, %%r15"
                   :: "r"(s) : "rbx", "rbp", "r12", "r13", "r14", "r15");
  probe();
}

int main(void) {
  vault_calls_probe();
  int leaked = 0;
  for (int i = 0; i < 6; i++)
    leaked += seen[i] == SECRET;
  printf("callee-saved registers holding the secret: %d of 6\n", leaked);
  return 0;
}
