// Attacker model A (key-0 loads and stores only; done here by the
// program's callbacks, a second thread could do the same). Review 55's
// stale cookie (attacks-rev55-stale-cookie.cpp) left by a longjmp made
// with the default domain's rights: the program's check, called out of
// the vault, denies by a longjmp to main's setjmp, over the vault's
// frames. The interposed longjmp voided dead calls out only when made with
// a compartment's rights (the default domain cannot write the vault's
// stack), so the check's call out's record (its marked cookie) stays
// intact, and a later call out's way back takes it.
// How (Inputs/dead-callout.h): vault_open -> vault_authorize -> the
// program's check (a call out), which longjmps to main. The check kept its
// call out's saved stack pointer; the attack writes it into the logger's
// call out's saved stack pointer during vault_run.
// Seen in the guest (LLVM 19, -O2) before the fix: ATTACK SUCCEEDED (the
// vault resumed after its denied check and called app_opened), 3 of 3;
// the control as its CONTROL lines say.
// Suggested fix: the interposed longjmp with the default domain's rights
// has each compartment whose stack this thread holds void, with its own
// rights, the records of the entries whose caller's frame the jump skips.
// Fixed: the interposed longjmp with the default domain's rights has each
// compartment whose stack the thread holds run, with its rights on its
// hand-over stack (bh_run_in_compartment), bh_stack_void_skipped
// (runtime/stacks.c): the entry frames whose caller's stack pointer lies
// between the jump and its target are dead, and the records below the
// highest one's top are voided. The way back now traps (SIGILL, which the
// test's handler reports). Seen after: passes 3 of 3 in the guest.
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 %s -o %t
// RUN: %run %t > %t.out 2>&1 || true; FileCheck %s < %t.out
// RUN: %run %t control | FileCheck %s --check-prefix=CONTROL
// CONTROL: check: saved stack pointer found
// CONTROL: check denied: longjmp to main
// CONTROL: log: saved stack pointer found
// CONTROL: vault stays locked
// CHECK: check: saved stack pointer found
// CHECK: check denied: longjmp to main
// CHECK: log: saved stack pointer found
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: SIGILL: the way back refused
#define DEAD_DENY() longjmp(denied, 1)
#include "Inputs/dead-callout.h"

extern "C" BULKHEAD_ENTRY(vault) void vault_open(void) { vault_authorize(); }

int main(int argc, char **argv) {
  (void)argv;
  setvbuf(stdout, NULL, _IONBF, 0);
  armed = argc < 2;
  watch_traps();
  if (setjmp(denied) == 0)
    vault_open();
  else
    printf("check denied: longjmp to main\n");
  vault_run();
  report();
  return 0;
}
