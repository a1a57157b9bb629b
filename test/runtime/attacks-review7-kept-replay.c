// Data-only attack on kept signal frames (seventh review, attacker model A:
// key-0 loads and stores, no control of the program counter, no system
// calls of its own choosing). When a signal interrupts compartment code,
// the dispatcher copies the frame onto the compartment's stack with a
// record (signals.c keep) and, after the handler, rt_sigreturns from the
// copy whose record address `k` it kept meanwhile in key-0 memory
// (dispatch's frame on the alternate stack, or a register some callee
// saved there). give_back checks only that `k` is *a* record the
// compartment made for this thread and has not used: not that it is this
// signal's. A handler that leaves by longjmp (a timeout pattern) never
// reaches give_back, so its record stays valid on the vault's stack.
// Here: vault_withdraw checks the balance, then a signal lands (int3
// stands for a timer) and the program's handler longjmps out: nothing paid.
// A second withdraw pays 60 (balance 40). A later signal in the vault
// (vault_poke) runs a handler that, with key-0 stores only, replaces the
// record address the dispatcher will give back (found by value on the
// alternate stack and the handler's stack; the address is computed from
// the kernel's key-0 frames exactly as layout() does) with the first
// withdraw's. The runtime resumes the vault in the abandoned withdraw,
// past its check: it pays 60 again and its balance goes to -20. The
// compartment acted on the attacker's behalf with its own rights, from
// registers the kernel saved long before. Reproduced in the PKU guest
// (6.1): "vault paid 60, balance now -20". docs/signals.md says a
// longjmp "abandons the copy on the compartment's stack", but the copy's
// record stays usable; its "older record" item covers only nested
// signals (attacks-review7-kept-divert.c: the same with stores alone).
// Fixed: give_back takes the record at the stack's mark (on the vault's
// key, newest record last), not an address from key-0 memory; the swapped
// words are ignored and the vault resumes where this signal interrupted it.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t > %t.out 2>&1 || true
// RUN: FileCheck %s < %t.out
// CHECK-NOT: paid past its check
// CHECK: {{attacks-review7-kept-replay: ok|a kept signal frame of compartment 'vault' was not the runtime's}}
#define _GNU_SOURCE
#include <bulkhead.h>
#include <setjmp.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

BULKHEAD_DATA(vault) static int balance = 100;
int paid; /* key 0: what the vault paid out */

volatile int signal_now = 1; /* key 0: stands for a timer's timing */

__attribute__((noinline)) void app_report(int amount, int left) {
  printf("vault paid %d, balance now %d\n", amount, left);
  if (left < 0) {
    printf("attacks-review7-kept-replay: the vault paid past its check\n");
    _exit(1);
  }
}

/* Deeper on the vault's stack than where vault_poke's signal lands. */
BULKHEAD_INTERNAL(vault) __attribute__((noinline)) static int pay(int amount,
                                                                  int depth) {
  if (depth)
    return pay(amount, depth - 1) + (int)signal_now * 0;
  if (signal_now)
    __asm__ volatile("int3"); /* a signal lands here, after the check */
  balance -= amount;
  paid += amount;
  app_report(amount, balance);
  return balance;
}
BULKHEAD_ENTRY(vault) int vault_withdraw(int amount) {
  if (balance < amount)
    return -1;
  return pay(amount, 400);
}
BULKHEAD_ENTRY(vault) int vault_balance(void) { return balance; }
BULKHEAD_ENTRY(vault) void vault_poke(void) { __asm__ volatile("int3"); }

static sigjmp_buf env;
static volatile int stage;
static uintptr_t kA;

/* Where signals.c's dispatcher puts its record for this frame (layout()),
 * computed from the kernel's frame, key-0 memory. */
static uintptr_t record_of(ucontext_t *uc) {
  uintptr_t below = (uintptr_t)uc->uc_mcontext.gregs[REG_RSP] - 128;
  uint32_t xs;
  memcpy(&xs, (char *)uc->uc_mcontext.fpregs + 480, 4);
  uintptr_t fp = (below - (xs + 4)) & ~(uintptr_t)63;
  uintptr_t u = (fp - (offsetof(ucontext_t, uc_sigmask) + 8)) & ~(uintptr_t)15;
  return (u - 8 - 40) & ~(uintptr_t)15;
}

static uintptr_t *main_frame; /* the handlers run below it */

static int replace(uintptr_t *lo, uintptr_t *hi, uintptr_t from, uintptr_t to) {
  int n = 0;
  for (uintptr_t *p = lo; p < hi; p++)
    if (*p == from) {
      *p = to;
      n++;
    }
  return n;
}

static void trap(int sig, siginfo_t *si, void *ucv) {
  (void)sig, (void)si;
  ucontext_t *uc = ucv;
  printf("stage %d: rsp %#llx record %#lx\n", stage,
         (unsigned long long)uc->uc_mcontext.gregs[REG_RSP],
         (unsigned long)record_of(uc));
  if (stage == 0) { /* a timeout-style handler: leave the vault by longjmp */
    kA = record_of(uc);
    stage = 1;
    siglongjmp(env, 1);
  }
  if (stage == 1) /* an honest return */
    return;
  /* stage 2: key-0 stores only: the record address the dispatcher will
   * give back, wherever it sits in key-0 memory (its frame on the
   * alternate stack, or a register saved on this stack). */
  uintptr_t kB = record_of(uc);
  char here;
  int n = replace((uintptr_t *)uc->uc_stack.ss_sp, (uintptr_t *)uc, kB, kA);
  uintptr_t *end = (uintptr_t *)(((uintptr_t)&here + 2048) & ~(uintptr_t)7);
  if (end > main_frame) /* not past the stack's end */
    end = main_frame;
  n += replace((uintptr_t *)(((uintptr_t)&here + 64) & ~(uintptr_t)7), end, kB,
               kA);
  printf("stage 2: %d word(s) %#lx -> %#lx\n", n, (unsigned long)kB,
         (unsigned long)kA);
  fflush(stdout);
  stage = 3;
}

int main(void) {
  main_frame = __builtin_frame_address(0);
  setvbuf(stdout, NULL, _IONBF, 0);
  struct sigaction sa = {0};
  sa.sa_sigaction = trap;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGTRAP, &sa, NULL);
  if (sigsetjmp(env, 1) == 0) {
    int r = vault_withdraw(60);
    if (stage == 3) {
      printf("REPLAYED: first withdraw returned %d; balance %d, paid %d\n", r,
             vault_balance(), paid);
      exit(0);
    }
    printf("unexpected return %d\n", r);
    return 1;
  }
  printf("first withdraw abandoned: balance %d, paid %d\n", vault_balance(),
         paid);
  signal_now = 0;
  int r = vault_withdraw(60);
  printf("second withdraw: %d, balance %d, paid %d\n", r, vault_balance(),
         paid);
  stage = 2;
  vault_poke();
  printf("poke returned: balance %d, paid %d\n", vault_balance(), paid);
  if (vault_balance() != 40 || paid != 60)
    return 1;
  puts("attacks-review7-kept-replay: ok");
  return 0;
}
