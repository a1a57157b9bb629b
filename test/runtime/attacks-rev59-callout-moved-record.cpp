// Attacker model A (key-0 loads and stores only; done here by the
// program's callbacks, a second thread could do the same, no race needed).
// The dead-callout fix (runtime/unwind-copy.c, callout_personality) voids
// the record the call out's saved stack pointer names as the unwinder
// passes it. That pointer is key-0 (on main's stack), and the unwinder's
// check (put_checked_cfa) accepts any record of the vault's with its
// marked cookie: moved, before the throw, to an older live call out's
// record of the same stack, the personality notes that one and the
// unwinder goes on from it; the call out the exception really passes is
// never named, so its record stays intact, and a later call out's way
// back takes it (as attacks-dead-callout-catch-default.cpp before its fix).
// How: vault_open -> vault_outer -> the program's app_outer (call out R0,
// whose saved pointer it keeps) -> vault_inner (an entry) ->
// vault_authorize -> the program's check (call out R1, Inputs/
// dead-callout.h), which writes R0's saved pointer into R1's (the attack;
// not the control) and calls vault_throw; main catches. Later the logger's
// call out's saved pointer is pointed at R1 (attack and control alike).
// Seen in the guest (LLVM 19, -O2) on main d09b672: ATTACK SUCCEEDED (the
// vault resumed after its denied check and called app_opened), 3 of 3;
// the control (R1's pointer left alone): the way back traps, 3 of 3.
// Fixed (runtime/unwind-copy.c, bh_unwind_copy): the next lookup voids
// the noted record and every record of the compartment's on this stack
// below it (bh_stack_void_records(c, noted)): the unwinder goes on above
// the noted record and never back below it, so all of them are dead (a
// live one voided, were the pointer moved to a live record above the
// catch, only makes its way back trap). Seen in the guest after the fix:
// the way back refused (SIGILL), attack and control, 3 of 3.
// REQUIRES: pku
// The control runs first: the attack's FileCheck failing means the control
// passed.
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 %s -o %t
// RUN: %run %t control > %t.ctl 2>&1 || true
// RUN: FileCheck %s --check-prefix=CONTROL < %t.ctl
// RUN: %run %t > %t.out 2>&1 || true; FileCheck %s < %t.out
// CONTROL: outer: saved stack pointer found
// CONTROL: check: saved stack pointer found
// CONTROL: check denied: caught in main
// CONTROL: log: saved stack pointer found
// CONTROL-NOT: ATTACK SUCCEEDED
// CONTROL: SIGILL: the way back refused
// CHECK: outer: saved stack pointer found
// CHECK: check: saved stack pointer found
// CHECK: moved: R1's saved pointer now R0's
// CHECK: check denied: caught in main
// CHECK: log: saved stack pointer found
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: SIGILL: the way back refused
#include <stdint.h>
static void deny(volatile uintptr_t *s);
#define DEAD_DENY() deny(s)
#include "Inputs/dead-callout.h"

static int move;
static uintptr_t outer_sp; /* R0's saved stack pointer */

extern "C" BULKHEAD_ENTRY(vault) void vault_inner(void) { vault_authorize(); }

extern "C" __attribute__((noinline)) void app_outer(void) {
  volatile uintptr_t *s = saved_sp();
  printf("outer: saved stack pointer %s\n", s ? "found" : "not found");
  if (s)
    outer_sp = *s;
  vault_inner();
}

extern "C" BULKHEAD_INTERNAL(vault) __attribute__((noinline)) void
vault_outer(void) {
  app_outer();
  vault_sum++;
}

extern "C" BULKHEAD_ENTRY(vault) void vault_open(void) { vault_outer(); }

static void deny(volatile uintptr_t *s) {
  if (s && move && outer_sp) {
    *s = outer_sp;
    printf("moved: R1's saved pointer now R0's\n");
  }
  vault_throw(1);
}

int main(int argc, char **argv) {
  (void)argv;
  setvbuf(stdout, NULL, _IONBF, 0);
  armed = 1;
  move = argc < 2;
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
