// Data-only attack on kept signal frames, with stores alone (seventh
// review, attacker model A: key-0 loads and stores, no control of the
// program counter, no system calls of its own choosing). The variant of
// attacks-review7-kept-replay.c that needs no longjmp in the program.
// give_back accepts any record the compartment made for this thread and
// has not used, and dispatch keeps the record address `k` in key-0 memory
// while the program's handler runs. Here a signal lands in the vault
// (vault_outer; int3 stands for a timer) and the program's handler calls a
// vault entry, vault_withdraw, in which a second signal lands after its
// balance check (SA_NODEFER; two different signals do the same). The
// second handler, with key-0 stores only, rewrites the second dispatcher's
// `k` (found by value on the alternate stack and above the handler's
// frame; computed from the kernel's key-0 frames as layout() does) to the
// first record: the runtime resumes vault_outer, and the nested withdraw's
// record stays valid, unused, on the vault's stack. The program then
// withdraws 60 honestly (balance 40). A later signal in the vault
// (vault_poke) gets its `k` rewritten to that nested record: the vault
// resumes the nested withdraw past its check, pays 60 again and its
// balance goes to -20 ("the vault paid past its check"). Reproduced in
// the PKU guest (6.1). docs/signals.md lists the first swap ("An older
// record of the same thread") as open, with the effect of "a longjmp
// within the compartment"; what it leaves out is that the inner record is
// not voided and resumes later into frames that are no longer live: a
// jump back into a dead frame, past the check, not out of it.
// Fixed: give_back takes the record at the stack's mark (on the vault's
// key, newest record last), not an address from key-0 memory; both swaps
// are ignored and each signal resumes the frame it interrupted.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t > %t.out 2>&1 || true
// RUN: FileCheck %s < %t.out
// CHECK-NOT: paid past its check
// CHECK: {{attacks-review7-kept-divert: ok|a kept signal frame of compartment 'vault' was not the runtime's}}
#define _GNU_SOURCE
#include <bulkhead.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

BULKHEAD_DATA(vault) static int balance = 100;
int paid;                    /* key 0: what the vault paid out */
volatile int signal_now = 1; /* key 0: stands for a timer's timing */

__attribute__((noinline)) void app_report(int amount, int left) {
  printf("vault paid %d, balance now %d\n", amount, left);
  if (left < 0) {
    printf("attacks-review7-kept-divert: the vault paid past its check\n");
    _exit(1);
  }
}

BULKHEAD_ENTRY(vault) int vault_withdraw(int amount) {
  if (balance < amount)
    return -1;
  if (signal_now)
    __asm__ volatile("int3"); /* a signal lands here, after the check */
  balance -= amount;
  paid += amount;
  app_report(amount, balance);
  return balance;
}
BULKHEAD_ENTRY(vault) int vault_balance(void) { return balance; }
BULKHEAD_ENTRY(vault) void vault_poke(void) { __asm__ volatile("int3"); }

static volatile int stage;
static uintptr_t k2;

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

/* Key-0 stores only: every word equal to `from` on the alternate stack
 * below the kernel's frame (the dispatcher's frame) and just above this
 * handler's frame (registers its callers saved). */
static int redirect(ucontext_t *uc, uintptr_t from, uintptr_t to) {
  int n = 0;
  char here;
  uintptr_t *lo[2] = {(uintptr_t *)uc->uc_stack.ss_sp,
                      (uintptr_t *)(((uintptr_t)&here + 64) & ~(uintptr_t)7)};
  uintptr_t *hi[2] = {(uintptr_t *)uc, lo[1] + 256};
  if (hi[1] > main_frame) /* not past the stack's end */
    hi[1] = main_frame;
  for (int r = 0; r < 2; r++)
    for (uintptr_t *p = lo[r]; p < hi[r]; p++)
      if (*p == from) {
        *p = to;
        n++;
      }
  return n;
}

static uintptr_t k1;

static void trap(int sig, siginfo_t *si, void *ucv) {
  (void)sig, (void)si;
  ucontext_t *uc = ucv;
  if (stage == 0) { /* the program's handler calls into the vault: honest */
    k1 = record_of(uc);
    stage = 1;
    vault_withdraw(60); /* a signal lands in it too */
    stage = 9;          /* not reached under the attack */
  } else if (stage == 1) { /* nested: give back the outer frame instead */
    k2 = record_of(uc);
    int n = redirect(uc, k2, k1);
    printf("nested: %d word(s) %#lx -> %#lx\n", n, (unsigned long)k2,
           (unsigned long)k1);
    stage = 2;
  } else if (stage == 3) { /* later: give back the nested frame */
    int n = redirect(uc, record_of(uc), k2);
    printf("poke: %d word(s) -> %#lx\n", n, (unsigned long)k2);
    stage = 4;
  }
}

BULKHEAD_ENTRY(vault) int vault_outer(void) {
  if (signal_now)
    __asm__ volatile("int3");
  return balance;
}

int main(void) {
  main_frame = __builtin_frame_address(0);
  setvbuf(stdout, NULL, _IONBF, 0);
  struct sigaction sa = {0};
  sa.sa_sigaction = trap;
  sa.sa_flags = SA_SIGINFO | SA_NODEFER; /* a signal may land in the vault call */
  sigaction(SIGTRAP, &sa, NULL);
  int r = vault_outer();
  printf("outer returned %d at stage %d: balance %d, paid %d\n", r, stage,
         vault_balance(), paid);
  signal_now = 0;
  r = vault_withdraw(60);
  printf("withdraw: %d, balance %d, paid %d\n", r, vault_balance(), paid);
  signal_now = 1;
  stage = 3;
  vault_poke();
  printf("poke returned: balance %d, paid %d\n", vault_balance(), paid);
  if (vault_balance() < 0 || paid > 100)
    return 1;
  puts("attacks-review7-kept-divert: ok");
  return 0;
}
