// Review 55 (issue 11's landing pads), attacker model A (key-0 loads and
// stores only; done here by the program's callbacks, a second thread could
// do the same). A call out of the vault leaves its marked cookie on the
// vault's stack (abi.h, BH_STATIC_FRAME_MARK) for the way back, which
// checks it at the saved stack pointer and zeroes it (popMarkedCookie).
// An exception that unwinds through the call out never runs that way back:
// the record, cookie still marked, stays on the vault's stack below the
// catching frame. The way back of a later call out accepts a saved stack
// pointer at it (shown here), and by reading so does the unwinder's new
// check (runtime/unwind-copy.c, put_checked_cfa; not tried here): "in the
// arena, at a marked cookie" does not mean "a call out in progress"
// (threat-model.md, "Same arena, other stack", says the checks are "at a
// live cookie").
// How: vault_run calls vault_authorize in a try; vault_authorize calls the
// program's check, which denies: the vault throws, the catch in vault_run
// runs, and the code after the check (vault_unlocked = 1) never runs.
// During the check the program reads its call out's saved stack pointer
// (a key-0 word on main's stack: BH_FRAME_FROM_SP). vault_run then calls
// the program's logger; the program writes the old value into that call
// out's saved stack pointer. Its way back finds the stale marked cookie,
// pops vault_authorize's stale callee-saved registers and returns into
// vault_authorize after the denied check: it unlocks the vault, and
// returns (its return address slot now holds vault_run's, after the
// logger's call). The control leaves the word alone.
// Seen in the guest (LLVM 19): ATTACK SUCCEEDED, 3 of 3 at -O2, 1 of 1 at
// -O0; the control prints "vault stays locked". Seen on the way: the
// default domain's stack slot is not put back either (the logger's frame
// lies below the check's on main's stack).
// Suggested fix: a landing pad (or the runtime's
// __bulkhead_exception_arrives) zeroes the marked cookies of the call outs
// the exception unwound through (the compartment's stack between the pad's
// stack pointer and the throw's), or the unwinder does as it passes each
// marked trampoline (a DW_CFA_val_expression cannot store: the runtime
// would do it in phase 2 before installing the context); the mark and
// slots could go back too.
// Fixed: a landing pad of the thrower's own compartment voids (zeroes) the
// marked cookies on its stack between the stack's mark and the pad's stack
// pointer (runtime/exceptions.c, bh_exception_arrives; runtime/stacks.c,
// bh_stack_void_records), and so does a longjmp made with a compartment's
// rights within its stack: the way back now meets no cookie and stops (ud2),
// and the unwinder's check (same cookie test) refuses the record alike.
// Then open, fixed since: a catch in another domain (the records stay on
// the thrower's stack), a longjmp made with the default domain's rights
// over the compartment's frames, and a catch in shared code (no arrival
// call): attacks-dead-callout-*.cpp.
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 %s -o %t
// RUN: %run %t > %t.out 2>&1 || true; FileCheck %s < %t.out
// RUN: %run %t control | FileCheck %s --check-prefix=CONTROL
// RUN: %bulkhead_clangxx -fpkey-compartments -O0 %s -o %t.O0
// RUN: %run %t.O0 > %t.O0.out 2>&1 || true; FileCheck %s < %t.O0.out
// CONTROL: check: saved stack pointer found
// CONTROL: log: saved stack pointer found
// CONTROL: vault stays locked
// CHECK: check: saved stack pointer found
// CHECK: log: saved stack pointer found
// CHECK-NOT: ATTACK SUCCEEDED
#include <bulkhead.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

BULKHEAD_DATA(vault) int vault_unlocked;
BULKHEAD_DATA(vault) long vault_sum;

struct E {
  long v;
};

extern "C" void app_check(void);
extern "C" void app_log(void);

extern "C" BULKHEAD_ENTRY(vault) void vault_throw(long code) {
  throw E{code};
}

/* Unlocks only when the program's check returns. */
extern "C" BULKHEAD_INTERNAL(vault) __attribute__((noinline)) void
vault_authorize(void) {
  volatile long pad[64];
  for (int i = 0; i < 64; i++)
    pad[i] = i;
  app_check();
  vault_unlocked = 1;
  vault_sum += pad[3];
}

extern "C" BULKHEAD_ENTRY(vault) int vault_run(void) {
  try {
    vault_authorize();
  } catch (E &) {
  }
  app_log();
  return vault_unlocked;
}

static uintptr_t *volatile top;
static uintptr_t stale;
static int armed;

/* The live call out's saved stack pointer on main's stack (the lowest: a
 * dead one from the check lies above the logger's), a word in the vault's
 * arena, 8 mod 16, above the vault's old slot (in its arena, 16-aligned);
 * the arena's bounds from the vault's descriptor (BH_DOMAIN_STACK_LO,
 * BH_DOMAIN_STACK_HI). */
static volatile uintptr_t *saved_sp(void) {
  uintptr_t desc;
  __asm__("leaq __bulkhead_domain.vault(%%rip), %0" : "=r"(desc));
  uintptr_t lo = *(uintptr_t *)(desc + 40), hi = *(uintptr_t *)(desc + 48);
  for (volatile uintptr_t *w = top - 4096; w < top; w++) {
    uintptr_t v = w[0], s = w[-1];
    if (v > lo && v <= hi && v % 16 == 8 && s > lo && s <= hi && s % 16 == 0)
      return w;
  }
  return NULL;
}

/* The program's check: denies (the vault throws). */
extern "C" __attribute__((noinline)) void app_check(void) {
  volatile uintptr_t *w = saved_sp();
  printf("check: saved stack pointer %s\n", w ? "found" : "not found");
  if (w)
    stale = *w;
  vault_throw(1);
}

extern "C" __attribute__((noinline)) void app_log(void) {
  volatile uintptr_t *w = saved_sp();
  printf("log: saved stack pointer %s\n", w ? "found" : "not found");
  if (w && stale && armed)
    *w = stale; /* the check's call out, unwound through */
}

int main(int argc, char **argv) {
  (void)argv;
  setvbuf(stdout, NULL, _IONBF, 0);
  armed = argc < 2;
  uintptr_t here;
  top = &here;
  int u = vault_run();
  printf("vault_run: unlocked %d\n", u);
  if (u)
    printf("ATTACK SUCCEEDED: the vault ran the code after its denied check\n");
  else
    printf("vault stays locked\n");
  return 0;
}
