/* The program of the nested-handler tests (attacks-review10-nested-longjmp.c
 * and those that reuse it): an honest program with a timeout. Signal A
 * interrupts the vault (vault_poke). A's handler withdraws 60 from PAYER's
 * balance under a sigsetjmp; signal B (int3 standing for a timer) lands in
 * the withdraw after its balance check, and B's handler siglongjmps back
 * into A's (the timeout), which withdraws again and returns. An honest run
 * pays 60 once (balance 40, "NAME: ok"); resuming the abandoned withdraw
 * pays again past its check ("paid past its check").
 *
 * Set before including: NAME (the test's name, a string); PAYER (the
 * compartment that holds the balance; vault unless defined). Hooks, empty
 * unless defined: ATTACK_SETUP (main, after PAYER's first entry, before
 * the poke), ATTACK_IN_A (first
 * thing in A's handler), ATTACK_BEFORE_FIRST and ATTACK_BEFORE_SECOND
 * (before each withdraw). -DCONTROL: B's handler returns instead. */
#ifndef BULKHEAD_TEST_NESTED_WITHDRAW_H
#define BULKHEAD_TEST_NESTED_WITHDRAW_H

#include <bulkhead.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#ifndef PAYER
#define PAYER vault
#endif
#define NW_STR_(x) #x
#define NW_STR(x) NW_STR_(x)
#ifndef ATTACK_SETUP
#define ATTACK_SETUP
#endif
#ifndef ATTACK_IN_A
#define ATTACK_IN_A
#endif
#ifndef ATTACK_BEFORE_FIRST
#define ATTACK_BEFORE_FIRST
#endif
#ifndef ATTACK_BEFORE_SECOND
#define ATTACK_BEFORE_SECOND
#endif

BULKHEAD_DATA(PAYER) static int balance = 100;
int paid; /* key 0: what was paid out */

volatile int signal_now = 1; /* key 0: stands for a timer's timing */

__attribute__((noinline)) void app_report(int amount, int left) {
  printf(NW_STR(PAYER) " paid %d, balance now %d\n", amount, left);
  if (left < 0) {
    printf(NAME ": the " NW_STR(PAYER) " paid past its check\n");
    _exit(1);
  }
}

BULKHEAD_INTERNAL(PAYER)
__attribute__((noinline)) static int pay(int amount, int depth) {
  if (depth)
    return pay(amount, depth - 1) + (int)signal_now * 0;
  if (signal_now)
    __asm__ volatile("int3"); /* signal B lands here, after the check */
  balance -= amount;
  paid += amount;
  app_report(amount, balance);
  return balance;
}
BULKHEAD_ENTRY(PAYER) int payer_withdraw(int amount) {
  if (balance < amount)
    return -1;
  return pay(amount, 8);
}
BULKHEAD_ENTRY(PAYER) int payer_balance(void) { return balance; }
BULKHEAD_ENTRY(vault) void vault_poke(void) {
  __asm__ volatile("int3"); /* signal A */
}

static sigjmp_buf env;
static volatile int stage;
static void *volatile frame_a; /* where the kernel put A's signal frame */

static void trap(int sig, siginfo_t *si, void *ucv) {
  (void)sig, (void)si, (void)ucv;
  if (stage == 0) { /* A: a handler that withdraws under a timeout */
    stage = 1;
    frame_a = ucv;
    ATTACK_IN_A;
    if (sigsetjmp(env, 1) == 0) {
      ATTACK_BEFORE_FIRST;
      int r = payer_withdraw(60);
      printf("first withdraw returned %d\n", r);
    } else {
      printf("first withdraw abandoned: paid %d\n", paid);
      signal_now = 0;
      ATTACK_BEFORE_SECOND;
      int r = payer_withdraw(60);
      printf("second withdraw: %d, paid %d\n", r, paid);
    }
    stage = 3;
    return;
  }
  if (stage == 1) { /* B: the timeout */
    stage = 2;
    /* Nested: below A's unless the alternate stack was moved over it. */
    printf("B's signal frame %s A's\n",
           (char *)ucv < (char *)frame_a ? "below" : "at or above");
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
  printf("balance %d\n", payer_balance());
  ATTACK_SETUP;
  vault_poke();
  printf("poke returned: balance %d, paid %d\n", payer_balance(), paid);
  if (payer_balance() != 40 || paid != 60)
    return 1;
  puts(NAME ": ok");
  return 0;
}

#endif
