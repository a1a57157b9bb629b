// Attacker model A (key-0 loads and stores only): two stores into the
// runtime's key-0 TLS, an honest program with two compartments: 'vault'
// (signal A interrupts it) and 'bank' (its withdraw checks the balance,
// then signal B interrupts it). The handler uses setjmp/longjmp inside
// (error handling of its own), and a timeout siglongjmps out of the
// nested handler back into it.
//
// Signal A interrupts the vault: record R_A on the vault's stack, its
// dispatcher's stack pointer D. In A's handler, store 0 sets the
// runtime's `handler_top` (signals.c) to 1, so the handler's inner
// longjmp seems to leave the handler and widen() gives the alternate stack
// back whole: the nested signal B, which interrupts the bank's first
// withdraw after its check, is dispatched at D, over A's dispatch frame.
// The bank's stack has no newest record, so keep accepts R_B (dispatcher
// D) there. B's handler siglongjmps back into A's (the timeout), and the
// program withdraws again, paid (balance 40); store 1 points the bank's
// slot just below its fresh top first (the setjmp saw the fresh top, and
// an entry there would start the stack over and forget R_B), so that
// withdraw continues below R_B. When A's handler returns, A's dispatch
// continues with the locals B's dispatch wrote over its frame (compartment
// 'bank', the bank's stack base): its give_back runs on the bank's stack,
// finds R_B with its own stack pointer D, and resumes B's abandoned
// withdraw after its check: the bank pays 60 more, balance -20. The
// vault's interrupted code is never resumed.
// signals.md says a rewritten index "looks on another compartment's
// stack, which holds no record of this dispatch"; here it holds one with
// the same stack pointer. No restart of a stack is needed (compare
// attacks-review11-restart-nested.c): each compartment's stack has its own
// order of records, and the stack pointer is shared across them.
//
// What the fix should be: the dispatcher stack pointer must not be able to
// repeat while a dispatch at it is live: widen() must not trust key-0
// words (decide from the kernel's sigaltstack record, or refuse to widen
// while a dispatch of a kept frame is live), or the order of dispatches
// must be kept per thread, across compartments, out of the default
// domain's reach (e.g. a per-thread record of the lowest live dispatcher
// on read-only or runtime-keyed memory).
//
// -DONE_STORE: store 0 only, and no second withdraw: the bank pays the
// withdrawal the program abandoned ("bank paid 60" after "abandoned"),
// then returns through dead frames and the process dies of SIGSEGV.
// -DCONTROL: no store; B lands below A (its record is left, B's handler
// leaves by siglongjmp), A's give_back finds R_A on the vault's stack, and
// the program ends normally ("ok").
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t > %t.out 2>&1 || true
// RUN: FileCheck %s < %t.out
// CHECK-NOT: paid past its check
// CHECK: bulkhead: error:
// XFAIL: *
#define _GNU_SOURCE
#include "Inputs/check.h"
#include "Inputs/tls-words.h"
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

BULKHEAD_DATA(bank) static int balance = 100;
int paid;

volatile int signal_now = 1;

__attribute__((noinline)) void app_report(int amount, int left) {
  printf("bank paid %d, balance now %d\n", amount, left);
  if (left < 0) {
    printf("attacks-review11-other-stack: the bank paid past its "
           "check\n");
    _exit(1);
  }
}

BULKHEAD_INTERNAL(bank) __attribute__((noinline)) static int pay(int amount,
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
BULKHEAD_ENTRY(bank) int bank_withdraw(int amount) {
  if (balance < amount)
    return -1;
  return pay(amount, 8);
}
BULKHEAD_ENTRY(bank) int bank_balance(void) { return balance; }
BULKHEAD_ENTRY(vault) void vault_poke(void) {
  __asm__ volatile("int3"); /* signal A */
}

static sigjmp_buf env;
static volatile int stage;
static uintptr_t *handler_top, *bank_slot, bank_top;

static void trap(int sig, siginfo_t *si, void *ucv) {
  (void)sig, (void)si, (void)ucv;
  if (stage == 0) {
    stage = 1;
    /* The handler's own error handling: a setjmp and longjmp within it,
     * which keeps the alternate stack narrowed, unless the runtime's
     * key-0 word of where the handler's frames begin says the jump leaves
     * the handler (store 0): then the interposed longjmp gives the
     * alternate stack back whole (signals.c widen), as when A came. */
    jmp_buf inner;
#ifndef CONTROL
    *handler_top = 1; /* store 0 */
#endif
    if (!setjmp(inner))
      longjmp(inner, 1);
    if (sigsetjmp(env, 1) == 0) {
      int r = bank_withdraw(60);
      printf("first withdraw returned %d\n", r);
    } else {
      printf("first withdraw abandoned: paid %d\n", paid);
      signal_now = 0;
#ifdef ONE_STORE
      stage = 3;
      return;
#endif
#ifndef CONTROL
      /* store 1: not the fresh top (which the setjmp saw), so that this
       * entry continues below the bank's mark instead of starting over */
      *bank_slot = bank_top - 16;
#endif
      int r = bank_withdraw(60);
      printf("second withdraw: %d, paid %d\n", r, paid);
    }
    stage = 3;
    return;
  }
  if (stage == 1) {
    stage = 2;
    siglongjmp(env, 1);
  }
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct sigaction sa = {0};
  sa.sa_sigaction = trap;
  sa.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigaction(SIGTRAP, &sa, NULL);
  handler_top = tls_word("handler_top"); /* runtime/signals.c, TLS */
  bank_slot = tls_word("__bulkhead_stack.bank");
  printf("balance %d\n", bank_balance());
  bank_top = *bank_slot; /* nothing of the bank live: its fresh top */
  vault_poke();
#ifdef ONE_STORE
  puts("the withdrawal was abandoned; nothing paid");
#endif
  printf("poke returned: balance %d, paid %d\n", bank_balance(), paid);
  if (bank_balance() != 40 || paid != 60)
    return 1;
  puts("attacks-review11-other-stack: ok");
  return 0;
}
