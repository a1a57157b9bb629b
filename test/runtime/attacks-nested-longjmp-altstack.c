// attacks-review10-nested-longjmp.c with the alternate stack moved back
// over the outer dispatch before the nested signal. The fix tells a
// handler's kept frame from those of dispatches nested in it by the
// dispatcher's stack pointer: a nested dispatch runs below its outer one
// on the alternate stack, which the runtime narrows while a handler runs.
// Where the narrowing comes from is key-0 memory (the dispatcher's frame,
// the runtime's TLS), so an attacker who writes it (model A) can have the
// kernel put the nested frame where the outer one is: the nested
// dispatcher then runs at the outer one's stack pointer, over its frame,
// and its kept frame could pass for the outer one's. Here A's handler
// restores the alternate stack the kernel reported (standing for those
// stores); signal B then lands exactly where A did, and B's handler
// longjmps back into A's. Before keep refused a dispatch at or above the
// newest record's, A's give_back resumed B's abandoned withdraw past its
// check ("the vault paid past its check"). Now B's dispatch stops the
// process with one line.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t > %t.out 2>&1 || true
// RUN: FileCheck %s < %t.out
// CHECK-NOT: paid past its check
// CHECK: a signal in compartment 'vault' was dispatched at or above the dispatch of its newest kept frame
#define _GNU_SOURCE
#include <bulkhead.h>
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
    printf("attacks-nested-longjmp-altstack: the vault paid past its "
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

static void trap(int sig, siginfo_t *si, void *ucv) {
  (void)sig, (void)si;
  if (stage == 0) {
    stage = 1;
    /* The whole alternate stack again, as when A was delivered. */
    if (sigaltstack(&((ucontext_t *)ucv)->uc_stack, NULL))
      perror("sigaltstack");
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
  vault_poke();
  printf("poke returned: balance %d, paid %d\n", vault_balance(), paid);
  if (vault_balance() != 40 || paid != 60)
    return 1;
  puts("attacks-nested-longjmp-altstack: ok");
  return 0;
}
