// Review 30b, attacker model A with a second thread (key-0 loads and
// stores, no system call of its own beyond the program's). The copies of
// runtime/unwind-copy.c keep what libgcc_s and the personality routine
// parse off writable memory, but libstdc++'s personality routine keeps
// what its search phase found in the exception's header, __cxa_exception
// (libstdc++'s unwind-cxx.h): the handler's landing pad (catchTemp), its
// switch value, and two pointers into the ring's copy (actionRecord,
// languageSpecificData). The cleanup phase, at the handler's frame, takes
// them back from there (restore_caught_exception) and installs the
// landing pad with the thrower's rights, on its stack. The header is in
// the shared heap (threat-model.md: exception objects come from there),
// key-0 memory, found by its exception class ("GNUCC++\0", the word
// before which catchTemp sits 16 bytes down). Between the two phases the
// vault's frames run their cleanups: here vault_fail's destructor waits
// for the caller's acknowledgement on a pipe, which makes the window
// certain (any cleanup, or the unwinding itself, is a window for a second
// thread writing in a loop). The program's second thread finds the header
// once its landing pad is set, stores there the address of steal (code
// of the program's whose address is taken in asm, so no gate wraps it),
// and acknowledges. The vault's throw, caught in the vault, then jumps to
// steal with the vault's rights: it copies the vault's key into the
// program's buffer, prints it and ends the process (ATTACK SUCCEEDED,
// seen in the guest, review 30b). The control stores nothing.
// threat-model.md's note on the header ("while a throw is under way the
// same words take a second thread's race (not tried)") names the type_info
// and destructor words; the landing pad is the direct one, in every catch.
// With -DDTOR the store goes to the header's exceptionDestructor word
// instead (null for this E): __cxa_end_catch, at the end of the vault's
// catch, calls it with the vault's rights (ATTACK SUCCEEDED as well, seen
// in the guest): fixing the landing pad alone would not do. Same root as
// attacks-rev25-exception-ptr.cpp (the header is key-0), without keeping
// the exception.
// Suggested fix: a compartment's exception header out of other domains'
// reach: __cxa_allocate_exception from a compartment could put the header
// (the thrown object may stay shared) on the thrower's heap, or the
// personality's cache could be checked: the runtime's lookup with the
// compartment's rights could record, per thread in the ring, the landing
// pad the search phase found, and a landing pad installed by the cleanup
// phase at a handler frame must be one the copy's call-site table names.
// Closed (issue 11, runtime/exceptions.c): a compartment's exception now
// comes from its own heap, on pages of their own with its key, until it
// reaches another domain's landing pad: the vault's header is in no key-0
// memory, and the program's thread does not find it ("header not found in
// key-0 memory"; before, ATTACK SUCCEEDED in both forms).
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 -pthread %s -o %t
// RUN: %run %t control | FileCheck %s --check-prefix=CONTROL
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 -pthread -DDTOR %s -o %t-dtor
// RUN: %run %t-dtor | FileCheck %s
// CONTROL: header not found in key-0 memory
// CONTROL-NEXT: caught in the vault: 4
// CHECK: header not found in key-0 memory
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: caught in the vault: 4
#include <stdint.h>

static void forge(uintptr_t *pad, uintptr_t p) {
#ifdef DTOR
  pad[-7] = p; /* exceptionDestructor, 72 bytes below the class word */
#else
  *pad = p; /* the one store that matters */
#endif
}

#include "Inputs/vault-catch-race.h"
