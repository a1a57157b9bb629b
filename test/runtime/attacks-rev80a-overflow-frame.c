// Review 80a, attacker model A: key-0 loads only. A signal that interrupts
// a compartment with too little room left on its stack to keep a copy of
// the kernel's frame there (a stack overflow into its guard page) is not
// resumed: the dispatcher runs the program's handler on the kernel's frame
// and stops the process after it. But the handler may leave by siglongjmp
// (a program that recovers from an overflow), and that frame, on the
// thread's key-0 alternate stack, kept every register the compartment had:
// wipe_registers ran only where a copy was kept. Here the vault recurses
// with words of its key in r12, r13 and rbx until its stack overflows; the
// program's SIGSEGV handler jumps back to main, which scans the alternate
// stack with loads only.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t | FileCheck %s
// CHECK: the vault's stack overflowed: yes
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: vault key on the alternate stack: no
#include "Inputs/check.h"
#include "Inputs/key-scan.h"

#include <setjmp.h>

#define KEY "Kq4#vP2m" "Zr6!wX4b" "Lt1$yN8c"
BULKHEAD_DATA(vault) char vault_key[24] = KEY;

static sigjmp_buf back;
static volatile int overflowed;

/* Deep enough to run off the vault's stack: each level keeps 512 bytes
 * and the key's words in callee-saved registers. */
BULKHEAD_ENTRY(vault) __attribute__((noinline)) long vault_dive(long n) {
  volatile char pad[512];
  pad[0] = (char)n;
  long r;
  __asm__ volatile("movq (%1), %%r12\n"
                   "movq 8(%1), %%r13\n"
                   "movq 16(%1), %%rbx\n"
                   "movq %2, %0\n"
                   : "=r"(r)
                   : "r"(vault_key), "r"(n)
                   : "r12", "r13", "rbx", "memory");
  return vault_dive(r + 1) + pad[0];
}

static void on_segv(int sig, siginfo_t *si, void *uc) {
  (void)sig, (void)si, (void)uc;
  overflowed = 1;
  siglongjmp(back, 1);
}

int main(void) {
  struct sigaction sa = {.sa_sigaction = on_segv, .sa_flags = SA_SIGINFO};
  CHECK(sigaction(SIGSEGV, &sa, NULL) == 0);
  if (!sigsetjmp(back, 1))
    vault_dive(0);
  printf("the vault's stack overflowed: %s\n", overflowed ? "yes" : "no");
  static const char key[] = KEY;
  key_verdict(key_words_on_alt_stack(key, 3), "on the alternate stack");
  return 0;
}
