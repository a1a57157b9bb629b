// Attacker model A (key-0 loads and stores only): two stores into the
// runtime's key-0 TLS, an honest program. The program is
// attacks-nested-longjmp-altstack.c's, except that its handler does not
// move the alternate stack itself: it uses setjmp/longjmp inside (error
// handling of its own), and a timeout siglongjmps out of a nested handler
// back into it.
//
// Signal A interrupts the vault (vault_poke); its copy is kept (record R_A,
// the stack's newest, dispatcher stack pointer D). In A's handler:
// store 0 sets the runtime's `handler_top` (signals.c, where the handler's
// frames begin) to 1, so the handler's inner longjmp seems to leave the
// handler and the interposed longjmp widens the alternate stack back to the
// whole (signals.c widen): a nested signal now lands where A did. Store 1
// points the vault's stack slot at the stack's fresh top before the
// handler calls the vault again: that entry starts the stack over and
// clears the newest-record word (BH_STACK_KEPT_BELOW, pass/Stacks.cpp), so
// R_A is forgotten. Signal B interrupts that withdraw after its balance
// check and is dispatched at D, over A's dispatch; keep sees no newest
// record, so it does not refuse B (attacks-nested-longjmp-altstack.c's
// defence) and keeps R_B with dispatcher D. B's handler siglongjmps back
// into A's (the timeout); the slot is put back as the setjmp saw it (the
// pass does that), and the program withdraws again, paid (balance 40).
// When A's handler returns, A's give_back finds R_B, the newest, with its
// own stack pointer D, and resumes B's abandoned withdraw after its check:
// the vault pays 60 more, balance -20 ("the vault paid past its check").
// Either store alone fails closed (store 0 alone is
// attacks-nested-longjmp-altstack.c; store 1 alone leaves A's give_back no
// record).
//
// Root cause: give_back's "my record" is "the first record with my stack
// pointer", and the two things that keep a later dispatch from sharing
// that stack pointer are both in the attacker's reach: the chain's order
// (cleared by an entry at a slot the attacker set to the fresh top) and the
// alternate stack's narrowing (undone through widen(), which trusts the
// key-0 words whole_sp, whole_size and handler_top). What the fix should
// be: take one of them out of reach; e.g. widen() decides only from what
// the kernel reports (sigaltstack's current record against the jump
// target), or an entry at the fresh top voids the records but keeps the
// lowest dispatcher stack pointer of the newest-record word, so that keep
// still refuses a dispatch at or above it until the thread has left every
// handler.
//
// -DCONTROL: no stores; B lands below A, its record is voided, the program
// ends normally ("ok").
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

BULKHEAD_DATA(vault) static int balance = 100;
int paid;

volatile int signal_now = 1;

__attribute__((noinline)) void app_report(int amount, int left) {
  printf("vault paid %d, balance now %d\n", amount, left);
  if (left < 0) {
    printf("attacks-review11-restart-nested: the vault paid past its "
           "check\n");
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
static uintptr_t *vault_slot, *handler_top, fresh_top;

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
#ifndef CONTROL
      *vault_slot = fresh_top; /* store 1 */
#endif
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
  vault_slot = tls_word("__bulkhead_stack.vault");
  handler_top = tls_word("handler_top"); /* runtime/signals.c, TLS */
  printf("balance %d\n", vault_balance());
  fresh_top = *vault_slot; /* nothing of the vault live: its fresh top */
  printf("vault slot at rest %#lx\n", (unsigned long)fresh_top);
  vault_poke();
  printf("poke returned: balance %d, paid %d\n", vault_balance(), paid);
  if (vault_balance() != 40 || paid != 60)
    return 1;
  puts("attacks-review11-restart-nested: ok");
  return 0;
}
