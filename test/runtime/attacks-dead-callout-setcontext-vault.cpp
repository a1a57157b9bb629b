// Attacker model A (key-0 loads and stores only; done here by the
// program's callbacks, a second thread could do the same). Review 59a's
// setcontext finding (attacks-rev59-dead-callout-setcontext.cpp) with the
// vault's rights: the vault denies by setcontext itself. vault_open (an
// entry) takes a context with getcontext and calls vault_authorize, whose
// call out (the program's check) calls vault_deny, an entry that
// setcontexts back to vault_open: the check's call out is dead, its record
// on the vault's stack below the context's stack pointer. The interposed
// setcontext (runtime/signals.c, leaving_to) voids it as a longjmp with
// the vault's rights does (bh_stack_void_records). Later the logger's call
// out's saved stack pointer is pointed at the dead record
// (Inputs/dead-callout.h): the way back must refuse it. The control
// denies by longjmp (to a setjmp in vault_open) instead, with the same
// write: voided, the way back traps.
// Seen in the guest (LLVM 19, -O2) before the fix (leaving_to voiding
// nothing): ATTACK SUCCEEDED (the vault resumed after its denied check),
// 3 of 3; the control trapped 3 of 3. After: the way back refused
// (SIGILL), attack and control, 3 of 3.
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 %s -o %t
// RUN: %run %t control > %t.ctl 2>&1 || true
// RUN: FileCheck %s --check-prefix=CONTROL < %t.ctl
// RUN: %run %t > %t.out 2>&1 || true; FileCheck %s < %t.out
// CONTROL: check: saved stack pointer found
// CONTROL: check denied: back in the vault
// CONTROL: log: saved stack pointer found
// CONTROL-NOT: ATTACK SUCCEEDED
// CONTROL: SIGILL: the way back refused
// CHECK: check: saved stack pointer found
// CHECK: check denied: back in the vault
// CHECK: log: saved stack pointer found
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: SIGILL: the way back refused
#include <string.h>
#include <ucontext.h>
static void deny(void);
#define DEAD_DENY() deny()
#include "Inputs/dead-callout.h"

static ucontext_t back; /* key-0: the vault may write it */
static int by_longjmp;
static volatile int denials;

extern "C" BULKHEAD_ENTRY(vault) void vault_deny(void) {
  if (by_longjmp)
    longjmp(denied, 1);
  setcontext(&back);
}

static void deny(void) { vault_deny(); }

extern "C" BULKHEAD_ENTRY(vault) int vault_open(void) {
  getcontext(&back);
  if (!denials && setjmp(denied) == 0) {
    denials = 1;
    vault_authorize();
    return 0;
  }
  return 1;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  armed = 1;
  by_longjmp = argc > 1 && !strcmp(argv[1], "control");
  watch_traps();
  if (vault_open())
    printf("check denied: back in the vault\n");
  vault_run();
  report();
  return 0;
}
