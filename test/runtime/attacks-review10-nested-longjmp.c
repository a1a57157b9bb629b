// A kept signal frame skipped by a longjmp out of a *nested* handler is
// given back by the outer handler's return (tenth review; attacker model A,
// though not one store is needed: honest code with a timeout pattern).
// docs/signals.md: "A handler that leaves by longjmp leaves its record
// below the mark's later values, never at it again". Not when the handler
// that leaves is nested in another one that interrupted the same
// compartment: signal A interrupts the vault (vault_poke); keep makes its
// record KA the mark. A's handler calls vault_withdraw under sigsetjmp;
// the vault checks the balance, and signal B lands in it (int3 stands for
// a timer); keep makes KB, below, the mark. B's handler longjmps back into
// A's handler (the withdraw abandoned: nothing paid), so nothing puts the
// mark back: KB stays the mark, cookie, thread id and index intact. A's
// handler withdraws again (paid 60, balance 40; its entry runs below KB,
// not over it) and returns. give_back takes the record at the mark, KB,
// and resumes the abandoned withdraw past its check: the vault pays 60
// again and its balance goes to -20. The compartment acts, with its own
// rights, in frames the program abandoned; vault_poke's frame (KA) is
// never resumed. Reproduced in the PKU guest at -O2 and -O0; -DCONTROL (B's
// handler returns instead) passes.
// Fix: a record must say which dispatch made it, from something no store
// can change: e.g. keep writes the dispatcher's stack pointer (a register,
// passed to bh_run_in_compartment) into the record, and give_back, given
// its own in a register, voids every record at the mark whose dispatcher
// sp is below its own (a nested dispatch that never returned) and moves
// the mark to each one's old mark until it finds its own; no match stops
// the process.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t > %t.out 2>&1 || true
// RUN: FileCheck %s < %t.out
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s -o %t0
// RUN: %run %t0 > %t0.out 2>&1 || true
// RUN: FileCheck %s < %t0.out
// RUN: %bulkhead_clang -fpkey-compartments -O2 -DCONTROL %s -o %tc
// RUN: %run %tc > %tc.out 2>&1 || true
// RUN: FileCheck %s < %tc.out
// CHECK-NOT: paid past its check
// CHECK: attacks-review10-nested-longjmp: ok
#define _GNU_SOURCE
#include <bulkhead.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

BULKHEAD_DATA(vault) static int balance = 100;
int paid; /* key 0: what the vault paid out */

volatile int signal_now = 1; /* key 0: stands for a timer's timing */

__attribute__((noinline)) void app_report(int amount, int left) {
  printf("vault paid %d, balance now %d\n", amount, left);
  if (left < 0) {
    printf("attacks-review10-nested-longjmp: the vault paid past its check\n");
    _exit(1);
  }
}

BULKHEAD_INTERNAL(vault) __attribute__((noinline)) static int pay(int amount,
                                                                  int depth) {
  if (depth)
    return pay(amount, depth - 1) + (int)signal_now * 0;
  if (signal_now)
    __asm__ volatile("int3"); /* signal B lands here, after the check */
  balance -= amount;
  paid += amount;
  app_report(amount, balance);
  return balance;
}
BULKHEAD_ENTRY(vault) int vault_withdraw(int amount) {
  if (balance < amount)
    return -1;
  return pay(amount, 8);
}
BULKHEAD_ENTRY(vault) int vault_balance(void) { return balance; }
BULKHEAD_ENTRY(vault) void vault_poke(void) {
  __asm__ volatile("int3"); /* signal A */
}

static sigjmp_buf env;
static volatile int stage;

static void trap(int sig, siginfo_t *si, void *ucv) {
  (void)sig, (void)si, (void)ucv;
  if (stage == 0) { /* A: a handler that withdraws under a timeout */
    stage = 1;
#ifdef RESTORE_ALTSTACK /* attacks-nested-longjmp-altstack.c */
    /* The whole alternate stack again, as when A was delivered. */
    if (sigaltstack(&((ucontext_t *)ucv)->uc_stack, NULL))
      perror("sigaltstack");
#endif
    if (sigsetjmp(env, 1) == 0) {
      int r = vault_withdraw(60);
      printf("first withdraw returned %d\n", r);
    } else {
      printf("first withdraw abandoned: paid %d\n", paid);
      signal_now = 0;
      int r = vault_withdraw(60);
      printf("second withdraw: %d, paid %d\n", r, paid);
    }
    stage = 3;
    return;
  }
  if (stage == 1) { /* B: the timeout */
    stage = 2;
#ifndef CONTROL
    siglongjmp(env, 1);
#else
    signal_now = 0;
#endif
  }
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct sigaction sa = {0};
  sa.sa_sigaction = trap;
  sa.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigaction(SIGTRAP, &sa, NULL);
  vault_poke();
  printf("poke returned: balance %d, paid %d\n", vault_balance(), paid);
  if (vault_balance() != 40 || paid != 60)
    return 1;
  puts("attacks-review10-nested-longjmp: ok");
  return 0;
}
