// Attacker model A (key-0 loads and stores only; done here by the
// program's callbacks, a second thread could do the same). Review 55's
// stale cookie (attacks-rev55-stale-cookie.cpp) where the catch is in
// shared code: the vault's throw unwinds through its own call out and is
// caught by a library the pass never saw (Inputs/dead-callout-guard.cpp),
// with the vault's rights on the vault's stack. Such a landing pad has no
// hand-over, where the voiding of dead calls out ran, so the call out's
// record (its marked cookie) stays intact on the vault's stack, and a
// later call out's way back takes it.
// How (Inputs/dead-callout.h): vault_open calls lib_guard(vault_authorize);
// vault_authorize calls the program's check (a call out), which calls
// vault_throw; lib_guard catches. The check kept its call out's saved
// stack pointer; the attack writes it into the logger's call out's saved
// stack pointer during vault_run.
// Seen in the guest (LLVM 19, -O2) before the fix: ATTACK SUCCEEDED (the
// vault resumed after its denied check and called app_opened), 3 of 3;
// the control as its CONTROL lines say.
// Suggested fix: void each call out's record as the unwinder passes it
// (phase 2), wherever the catch is.
// Fixed: as attacks-dead-callout-catch-default.cpp (the unwinder voids
// each call out's record it passes, runtime/unwind-copy.c): the way back
// now traps (SIGILL, which the test's handler reports). Seen after: passes
// 3 of 3 in the guest.
// REQUIRES: pku
// RUN: %clangxx -O2 -c %S/Inputs/dead-callout-guard.cpp -o %t.guard.o
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 %s %t.guard.o -o %t
// RUN: %run %t > %t.out 2>&1 || true; FileCheck %s < %t.out
// RUN: %run %t control | FileCheck %s --check-prefix=CONTROL
// CONTROL: check: saved stack pointer found
// CONTROL: check denied: caught in shared code
// CONTROL: log: saved stack pointer found
// CONTROL: vault stays locked
// CHECK: check: saved stack pointer found
// CHECK: check denied: caught in shared code
// CHECK: log: saved stack pointer found
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: SIGILL: the way back refused
#define DEAD_DENY() vault_throw(1)
#include "Inputs/dead-callout.h"

extern "C" int lib_guard(void (*f)(void));

extern "C" BULKHEAD_ENTRY(vault) int vault_open(void) {
  return lib_guard(vault_authorize);
}

int main(int argc, char **argv) {
  (void)argv;
  setvbuf(stdout, NULL, _IONBF, 0);
  armed = argc < 2;
  watch_traps();
  if (vault_open())
    printf("check denied: caught in shared code\n");
  vault_run();
  report();
  return 0;
}
