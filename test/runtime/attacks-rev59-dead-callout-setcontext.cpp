// Attacker model A (key-0 loads and stores only; done here by the
// program's callbacks, a second thread could do the same). The dead call
// out fix for a jump made with the default domain's rights (runtime/
// signals.c, void_skipped: attacks-dead-callout-longjmp-default.cpp) runs
// in the interposed longjmp, siglongjmp and __longjmp_chk only. The
// interposed setcontext and swapcontext (leaving_to) give the alternate
// stack back and close the sharing policy's brackets, as a longjmp does,
// but void nothing: a program's check, called out of the vault, that
// denies by setcontext to a context main took with getcontext (a longjmp
// by another name, ordinary code) leaves its call out's record (the marked
// cookie) intact on the vault's stack, and a later call out's way back
// takes it.
// How (Inputs/dead-callout.h): vault_open -> vault_authorize -> the
// program's check (a call out), which setcontexts to main. The check kept
// its call out's saved stack pointer; the attack writes it into the
// logger's call out's saved stack pointer during vault_run. The control
// denies by longjmp instead, with the same write: the record is voided
// and the way back traps.
// Seen in the guest (LLVM 19, -O2) on main d09b672: ATTACK SUCCEEDED (the
// vault resumed after its denied check and called app_opened), 3 of 3;
// the control: the way back refused (SIGILL), 3 of 3. The swapcontext
// run (added with the fix), on the runtime before it: ATTACK SUCCEEDED,
// 3 of 3.
// Fixed (runtime/signals.c, leaving_to): setcontext and swapcontext void
// as longjmp does, bh_stack_void_records with a compartment's rights,
// with the default domain's the entries whose caller's frame they skip on
// the stack they switch to (stacks.c, bh_stack_void_switched; a context
// on another stack may be switched back to: context-swap-callout.c). A
// makecontext context's return through uc_link takes the same path
// (context.c). Seen in the guest after the fix: the way back refused
// (SIGILL), setcontext, swapcontext and the longjmp control, 3 of 3.
// REQUIRES: pku
// The control runs first: the attack's FileCheck failing means the control
// passed.
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 %s -o %t
// RUN: %run %t control > %t.ctl 2>&1 || true
// RUN: FileCheck %s --check-prefix=CONTROL < %t.ctl
// RUN: %run %t > %t.out 2>&1 || true; FileCheck %s < %t.out
// The same by swapcontext (its saved context is never resumed).
// RUN: %run %t swap > %t.swap 2>&1 || true; FileCheck %s < %t.swap
// CONTROL: check: saved stack pointer found
// CONTROL: check denied: back in main
// CONTROL: log: saved stack pointer found
// CONTROL-NOT: ATTACK SUCCEEDED
// CONTROL: SIGILL: the way back refused
// CHECK: check: saved stack pointer found
// CHECK: check denied: back in main
// CHECK: log: saved stack pointer found
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: SIGILL: the way back refused
#include <string.h>
#include <ucontext.h>
static void deny(void);
#define DEAD_DENY() deny()
#include "Inputs/dead-callout.h"

static ucontext_t back, left;
static int by_longjmp, by_swap;

static void deny(void) {
  if (by_longjmp)
    longjmp(denied, 1);
  if (by_swap)
    swapcontext(&left, &back);
  setcontext(&back);
}

extern "C" BULKHEAD_ENTRY(vault) void vault_open(void) { vault_authorize(); }

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  armed = 1;
  by_longjmp = argc > 1 && !strcmp(argv[1], "control");
  by_swap = argc > 1 && !strcmp(argv[1], "swap");
  watch_traps();
  static volatile int denials;
  getcontext(&back);
  if (!denials && setjmp(denied) == 0) {
    denials++;
    vault_open();
  } else {
    printf("check denied: back in main\n");
  }
  vault_run();
  report();
  return 0;
}
