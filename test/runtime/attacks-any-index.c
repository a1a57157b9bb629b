// Review finding (issue 9 work), attacker model B (control of the default
// domain's program counter): the trampoline that wrappers use when shared
// code calls them for a compartment found at run time is shared by every
// target in a domain. Its callee must come from its own read-only table,
// bounds-checked after the gate into the target compartment, never from a
// register the caller sets. Here the attacker jumps to that gate with an
// index out of range (r13) and a function of its own in xmm14 and r10 (where
// a callee address was taken from before): the trampoline must trap, and
// the function must not run with the vault's rights.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: not %run %t > %t.out 2>&1; FileCheck %s < %t.out
// CHECK: vault_touch 79
// CHECK: jumping to the trampoline's gate into the vault
// CHECK-NOT: stole
// CHECK: SIGILL
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>
#include <bulkhead.h>

BULKHEAD_DATA(vault) static char secret[32] = "TOP-SECRET-VAULT-KEY-0123456789";
BULKHEAD_ENTRY(vault) int vault_cmp(const void *a, const void *b) {
  return *(const int *)a - *(const int *)b + (secret[0] == 0);
}
BULKHEAD_ENTRY(vault) int vault_touch(void) { return secret[1]; }

__attribute__((noinline, used)) static void steal(void) {
  char msg[80];
  int n = snprintf(msg, sizeof msg, "stole: %.31s\n", secret);
  write(1, msg, n);
  _exit(0);
}

/* A pointer to an entry: a wrapper, and the trampoline for shared code. */
int (*volatile keep)(const void *, const void *) = vault_cmp;

static const unsigned char *find_wrpkru(const unsigned char *p, int nth) {
  for (int k = 0; k < 4096; k++)
    if (p[k] == 0x0f && p[k + 1] == 0x01 && p[k + 2] == 0xef && --nth == 0)
      return p + k;
  return 0;
}

int main(void) {
  printf("vault_touch %d\n", vault_touch()); /* this thread has a vault stack */
  const unsigned char *tr;
  __asm__("leaq __bulkhead_tramp_any.vault.g1x0.w4(%%rip), %0" : "=r"(tr));
  /* Its 1st WRPKRU is the first-entry path's gate into the default domain,
   * the 2nd the gate into the vault, whose text starts 19 bytes earlier
   * (cmpl $0, enforced; je; xorl; xorl; movl). */
  const unsigned char *gate = find_wrpkru(tr, 2) - 19;
  uintptr_t target;
  __asm__("leaq steal(%%rip), %0" : "=r"(target));
  static char stack[4096] __attribute__((aligned(16)));
  static int two[2] = {1, 2};
  printf("jumping to the trampoline's gate into the vault\n");
  fflush(stdout);
  __asm__ volatile("movq %0, %%xmm14\nmovq %0, %%r10\nmovq $1000, %%r13\n"
                   "movq %3, %%rdi\nleaq 4(%3), %%rsi\n"
                   "movq %2, %%rsp\n"
                   "jmp *%1\n" ::"r"(target), "r"(gate), "r"(stack + 2048), "r"(two)
                   : "memory");
  __builtin_unreachable();
}
