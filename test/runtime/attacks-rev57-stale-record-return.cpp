// Review 57 (issue 11), attacker model A (key-0 loads and stores only; done
// here by the program's callbacks, a second thread could do the same).
// Review 55's stale marked cookie (attacks-rev55-stale-cookie.cpp) for a
// run-time-chosen call out of the vault (the any-trampoline): its record
// (abi.h, BH_RECORD_*: the vault's index, its cookie unmarked) stays on
// the vault's stack when a longjmp (with the vault's rights) leaves the
// call, and a later such call's way back (runtime/enter.c, __bulkhead_return_to_index:
// "in the arena, at the vault's index and cookie") takes it. The fix on
// h-stale (bh_stack_void_records) voids only marked cookies, not records.
// How (Inputs/rev57-stale-record.h): vault_open (an entry) setjmps and
// calls vault_authorize (a 32 KiB frame), which calls lib_apply(check)
// (a tail jump in top-level assembly to the program's callback through its
// wrapper: the any-trampoline); the program's check notes its call out's
// saved stack pointer (main's stack, key-0: BH_FRAME_FROM_SP) and denies
// through vault_deny, an entry that longjmps to vault_open: the code after
// the check (vault_unlocked = 1) never runs. Later vault_run (another
// entry) calls lib_apply(log); the logger writes the check's dead record
// address into its own call out's saved stack pointer and returns. The way back takes
// the dead record, pops vault_authorize's old callee-saved registers and
// returns into vault_authorize after the denied check: it unlocks the
// vault, and returns where the logger's call left its return address.
// The control leaves the pointer alone: the vault stays locked. (A throw as
// the denial left no intact record to take: see the -unwind test.)
// Seen in the guest (LLVM 19, -O2): ATTACK SUCCEEDED (the vault unlocked),
// 3 of 3; the control as its CONTROL lines say. Also 3 of 3 with h-stale merged
// (review 55's fix for marked cookies, which there made
// attacks-rev55-stale-cookie trap): it does not void records.
// Suggested fix: void records as well as marked cookies when an exception
// or longjmp leaves a compartment's frames dead (bh_stack_void_records
// could zero words at 8 mod 16 equal to the unmarked cookie that follow
// the compartment's index), or check in the way back and the unwinder that
// the record lies at or above the stack's mark.
// Fixed: bh_stack_void_records (runtime/stacks.c) also zeroes a dead
// record's cookie (the plain cookie after the compartment's index) where
// it voids marked cookies: the way back now traps (SIGILL) and the
// unwinder stops with one line. Seen after: passes 3 of 3 in the guest.
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 %s -o %t
// RUN: %run %t > %t.out 2>&1 || true; FileCheck %s < %t.out
// RUN: %run %t control | FileCheck %s --check-prefix=CONTROL
// CONTROL: check: saved stack pointer found
// CONTROL: log: saved stack pointer found
// CONTROL: request failed: 0, status 0
// CONTROL: vault stays locked
// CHECK: check: saved stack pointer found
// CHECK: log: saved stack pointer found
// CHECK-NOT: ATTACK SUCCEEDED
#include "Inputs/rev57-stale-record.h"
