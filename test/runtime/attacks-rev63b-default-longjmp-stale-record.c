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
#include "Inputs/longjmp-stale-record.h"

BULKHEAD_ENTRY(vault) int vault_state(int which) {
  return which == 0 ? vault_unlocked : vault_logged;
}

int main(int argc, char **argv) {
  (void)argv;
  setvbuf(stdout, NULL, _IONBF, 0);
  armed = argc < 2;
  stale_record_scene("main");
  puts("attacks-rev63b-default-longjmp-stale-record: end");
  return 0;
}
