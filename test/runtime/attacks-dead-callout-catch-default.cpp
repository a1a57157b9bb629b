// Attacker model A (key-0 loads and stores only; done here by the
// program's callbacks, a second thread could do the same). Review 55's
// stale cookie (attacks-rev55-stale-cookie.cpp) where the catch is not the
// thrower's: the vault's throw unwinds through its own call out and is
// caught in the default domain (main). The voiding of dead calls out ran
// only at a landing pad of the thrower's own compartment, so the call
// out's record (its marked cookie) stays intact on the vault's stack, and
// a later call out's way back takes it.
// How (Inputs/dead-callout.h): vault_open -> vault_authorize -> the
// program's check (a call out), which calls vault_throw; main catches. The
// check kept its call out's saved stack pointer; the attack writes it into
// the logger's call out's saved stack pointer during vault_run.
// Seen in the guest (LLVM 19, -O2) before the fix: ATTACK SUCCEEDED (the
// vault resumed after its denied check and called app_opened), 3 of 3;
// the control as its CONTROL lines say.
// Suggested fix: void each call out's record as the unwinder passes it
// (phase 2), wherever the catch is; or at the hand-over into the catching
// domain, void the thrower's stack up to the outermost entry unwound.
// Fixed: the runtime's copy of a call out's FDE (runtime/unwind-copy.c)
// gives it a personality routine that, in the unwinder's second phase,
// notes the call out's record; the next lookup, once the frame's CFA is
// computed, voids it (runtime/stacks.c, bh_stack_void_record), wherever
// the catch is. The way back now traps (SIGILL, which the test's handler
// reports). Seen after: passes 3 of 3 in the guest.
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 %s -o %t
// RUN: %run %t > %t.out 2>&1 || true; FileCheck %s < %t.out
// RUN: %run %t control | FileCheck %s --check-prefix=CONTROL
// CONTROL: check: saved stack pointer found
// CONTROL: check denied: caught in main
// CONTROL: log: saved stack pointer found
// CONTROL: vault stays locked
// CHECK: check: saved stack pointer found
// CHECK: check denied: caught in main
// CHECK: log: saved stack pointer found
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: SIGILL: the way back refused
#define DEAD_DENY() vault_throw(1)
#include "Inputs/dead-callout.h"

extern "C" BULKHEAD_ENTRY(vault) void vault_open(void) { vault_authorize(); }

int main(int argc, char **argv) {
  (void)argv;
  setvbuf(stdout, NULL, _IONBF, 0);
  armed = argc < 2;
  watch_traps();
  try {
    vault_open();
  } catch (E &) {
    printf("check denied: caught in main\n");
  }
  vault_run();
  report();
  return 0;
}
