// Review 63b, attacker model A (one key-0 store; done here by the
// program's own callback, a second thread could do the same; model B
// includes it): review 57's stale record (attacks-rev57-stale-record-
// return.cpp) left by a longjmp made with the *default domain's* rights.
// A run-time-chosen call out of the vault (the any-trampoline) pushes its
// record (abi.h, BH_RECORD_*: the vault's index, its plain cookie) below
// the stack's mark and does not move the mark. The program's callback
// denies by a longjmp of its own back to main, past the vault's whole
// entry: void_skipped has the vault void the records of the skipped entry
// (stacks.c void_entered, bh_stack_void_records), but that scan runs from
// the mark up, so the record below it stays, cookie and all. A later such
// call out's saved stack pointer (key-0, on main's stack) moved to it
// makes the way back (__bulkhead_return_to_index) resume the dead frames
// after the denied check, with the vault's rights. b5f0569 counts on "a
// longjmp ... past it voids it" for the fresh-top restart; the same scan
// (from the mark up) is bh_stack_left's.
//
// How: vault_open (an entry) calls vault_authorize (a 32 KiB frame), which
// calls lib_apply(check) (a tail jump in top-level assembly to the
// program's callback through its wrapper: the any-trampoline). The
// program's check notes its call out's saved stack pointer and longjmps to
// main's setjmp. Later vault_run (an entry from the fresh top: the mark
// starts over) calls lib_apply(log); the logger writes the check's dead
// record address into its own call out's saved stack pointer and returns.
// The way back takes the dead record, returns into vault_authorize after
// the denied check (vault_unlocked = 1), then through vault_open's way
// back (vault_run's entry frame is in its place) to main after vault_run's
// call. The control leaves the pointer alone: the vault stays locked.
//
// Seen in the guest (LLVM 19, -O2): "unlocked 1, logged 0", ATTACK
// SUCCEEDED, 3 of 3; control: "unlocked 0, logged 1", 3 of 3.
//
// Suggested fix: a run-time-chosen call out moves the mark to its record
// (as a static call out does: its old mark kept and put back on the way
// back), so every voiding (from the mark up) covers it; or the way back
// (and the unwinder's check) refuses a record below the stack's mark.
// Fixed: the any-trampoline and bh_as_default point the mark at their
// record (abi.h, BH_RECORD_OLD_MARK), so the voiding of the skipped entry
// clears its cookie, and the way back given the dead record traps
// (SIGILL). Seen after: 3 of 3 in the guest.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t control | FileCheck %s --check-prefix=CONTROL
// RUN: not %run %t > %t.out 2>&1
// RUN: FileCheck %s < %t.out
// CONTROL: check: saved stack pointer found
// CONTROL: log: saved stack pointer found
// CONTROL: unlocked 0, logged 1
// CONTROL: vault stays locked
// CONTROL: attacks-rev63b-default-longjmp-stale-record: end
// CHECK: check: saved stack pointer found
// CHECK: log: saved stack pointer found
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: SIGILL
#include <bulkhead.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

BULKHEAD_DATA(vault) int vault_unlocked;
BULKHEAD_DATA(vault) int vault_logged;

/* An uninstrumented library's function that calls a pointer it is given
 * (a tail call: no frame of its own). */
void lib_apply(void (*f)(void));
__asm__(".text\n.globl lib_apply\n.type lib_apply,@function\nlib_apply:\n"
        "\tjmp *%rdi\n.size lib_apply, .-lib_apply\n");

void app_check(void);
void app_log(void);
/* The callbacks, as the vault gets them: not known at compile time. */
static void (*volatile check_cb)(void) = app_check;
static void (*volatile log_cb)(void) = app_log;

/* Deep on the vault's stack: unlocks only if the program's check
 * returns. */
BULKHEAD_INTERNAL(vault) __attribute__((noinline)) void vault_authorize(void) {
  volatile long pad[4096];
  for (int i = 0; i < 4096; i += 64)
    pad[i] = i;
  lib_apply(check_cb);
  vault_unlocked = 1;
  (void)pad[64];
}

BULKHEAD_ENTRY(vault) void vault_open(void) { vault_authorize(); }

BULKHEAD_ENTRY(vault) int vault_run(void) {
  lib_apply(log_cb);
  vault_logged = 1;
  return 7;
}

BULKHEAD_ENTRY(vault) int vault_state(int which) {
  return which == 0 ? vault_unlocked : vault_logged;
}

static int armed;
static uintptr_t stale;
static jmp_buf denied;

/* The any-trampoline's frame on main's stack, above the callback's
 * (abi.h): the vault's saved stack pointer (BH_FRAME_FROM_SP: in its
 * arena, at the record, 16-aligned) just above the caller's index
 * (BH_FRAME_FROM_OLD_SLOT: the vault's, 0). */
static __attribute__((noinline)) volatile uintptr_t *saved_sp(void) {
  uintptr_t desc;
  __asm__("leaq __bulkhead_domain.vault(%%rip), %0" : "=r"(desc));
  uintptr_t lo = *(uintptr_t *)(desc + 40), hi = *(uintptr_t *)(desc + 48);
  volatile uintptr_t *w = (volatile uintptr_t *)__builtin_frame_address(0);
  for (int i = 1; i < 512; i++)
    if (w[i] > lo && w[i] <= hi && w[i] % 16 == 0 && w[i - 1] == 0)
      return &w[i];
  return NULL;
}

/* The program's check: denies by a longjmp of its own (the default
 * domain's rights) back to main, past the vault's whole entry. */
__attribute__((noinline)) void app_check(void) {
  volatile uintptr_t *s = saved_sp();
  printf("check: saved stack pointer %s\n", s ? "found" : "not found");
  if (s)
    stale = *s;
  longjmp(denied, 1);
}

/* The program's logger. The attack points its call out's saved stack
 * pointer at the check's dead record first. */
__attribute__((noinline)) void app_log(void) {
  volatile uintptr_t *s = saved_sp();
  printf("log: saved stack pointer %s\n", s ? "found" : "not found");
  if (s && stale && armed)
    *s = stale;
}

int main(int argc, char **argv) {
  (void)argv;
  setvbuf(stdout, NULL, _IONBF, 0);
  armed = argc < 2;
  if (setjmp(denied) == 0)
    vault_open();
  else
    puts("main: the check denied");
  int r = vault_run();
  printf("vault_run: %d\n", r);
  int unlocked = vault_state(0), logged = vault_state(1);
  printf("unlocked %d, logged %d\n", unlocked, logged);
  if (unlocked)
    printf("ATTACK SUCCEEDED: the vault unlocked though its check denied\n");
  else
    printf("vault stays locked\n");
  puts("attacks-rev63b-default-longjmp-stale-record: end");
  return 0;
}
