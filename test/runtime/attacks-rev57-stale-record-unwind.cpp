// Review 57 (issue 11), attacker model A (key-0 loads and stores only; done
// here by the program's callbacks, a second thread could do the same). A
// run-time-chosen call out of the vault (the any-trampoline) keeps a record
// on the vault's stack (abi.h, BH_RECORD_*: the vault's index, its cookie
// unmarked) and the vault's stack pointer on the callee's stack (main's,
// BH_FRAME_FROM_SP, key-0). Its way back clears the record's cookie; a
// longjmp (made with the vault's rights) past the call never runs the way
// back, so the record stays, intact, on the dead part of the vault's
// stack. The unwinder's new check of the any-trampoline's CFA (runtime/unwind-copy.c,
// put_checked_cfa, kind 2) asks only "in the arena, at the vault's index and
// cookie": it takes the dead record of an earlier call as the frame of a
// later one, and unwinds into a frame that returned long ago, with the
// registers it had then.
// How (Inputs/rev57-stale-record.h): vault_open (an entry) setjmps and
// calls vault_authorize (a 32 KiB frame), which calls lib_apply(check) in
// a try that catches only Retry (lib_apply: a tail jump in top-level
// assembly, code the pass never saw; check: the program's callback through
// its wrapper, so the any-trampoline). The program's check notes its call
// out's saved stack pointer (the record's address) and denies through
// vault_deny, an entry that longjmps to vault_open. Later vault_run (another
// entry) calls lib_apply(log) in a try whose catch fails the request; the
// logger writes the dead record's address into its own call out's saved
// stack pointer and makes the vault throw Retry. The unwinder, with the
// vault's rights, checks the pointer (the dead record still holds the
// vault's index and cookie), passes, and unwinds into vault_authorize, a
// frame that is gone, and its catch of Retry runs with the registers the
// dead record kept; it returns to the return address the logger's call
// left at the same place: vault_run goes on as if the logger had returned
// (vault_logged = 1), and the request does not fail. The control leaves the
// pointer alone: the request fails with status 2.
// Tried first with a throw as the denial: the record was overwritten by
// the time of the later call (the words there: 0, the exception's address,
// 1, 1; cause not pinned down, a landing pad's frame where the record was
// is likely), so both checks refused it; the longjmp leaves it intact.
// Seen in the guest (LLVM 19, -O2): ATTACK SUCCEEDED (the dead frame's
// catch ran, and vault_run went on past the logger's throw: "request
// failed: 0"), 3 of 3; the control as its CONTROL lines say. Also 3 of 3 with h-stale merged
// (review 55's fix for marked cookies, which there made
// attacks-rev55-stale-cookie trap): it does not void records.
// Suggested fix: void records as well as marked cookies when an exception
// or longjmp leaves a compartment's frames dead (h-stale's
// bh_stack_void_records zeroes only words equal to the marked cookie; a
// record's cookie is the unmarked one, at the same 8 mod 16 place, after
// the compartment's index).
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
// CONTROL: request failed: 1, status 2
// CONTROL: vault stays locked
// CHECK: check: saved stack pointer found
// CHECK: log: saved stack pointer found
// CHECK-NOT: ATTACK SUCCEEDED
#define STALE_THROW 1
#include "Inputs/rev57-stale-record.h"
