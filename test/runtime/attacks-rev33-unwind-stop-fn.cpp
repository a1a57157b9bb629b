// Review 33, attacker model A with a second thread (key-0 loads and
// stores, no system call of its own beyond the program's). Not the words
// of the exception's header that review 30b stored into (catchTemp, the
// destructor: attacks-rev30-landing-pad.cpp) but the generic unwind
// header that follows them in the same object, libgcc_s's: its private_1
// word. A cleanup's landing pad (any destructor of a compartment's frame
// that a throw passes) ends with a call of _Unwind_Resume, which reads
// private_1 to choose how to go on: 0 for a throw, else the stop function
// of a forced unwind (_Unwind_ForcedUnwind), which
// _Unwind_ForcedUnwind_Phase2 calls for the next frame, with private_2 as
// its argument, with the rights of the frame that resumed. The object is
// in the shared heap (key-0), found by its exception class word
// ("GNUCC++\0", private_1 16 bytes above it). Here, as in review 30b, the
// vault's cleanup waits for the program's acknowledgement on a pipe (any
// cleanup, or the unwinding itself, is a window for a second thread
// writing in a loop); the program's second thread stores the address of
// steal (code of the program's whose address is taken in asm, so no gate
// wraps it) into private_1 and acknowledges. The vault's _Unwind_Resume
// calls steal with the vault's rights: it copies the vault's key into the
// program's buffer, prints it and ends the process. With -DCLEANUP the
// store goes to the unwind header's exception_cleanup word (8 bytes above
// the class word), which __cxa_end_catch calls through
// _Unwind_DeleteException at the end of the vault's catch. The control
// stores nothing.
// Neither word is the landing pad or the destructor: a fix of review 30b
// that checks the landing pad the cleanup phase installs against the
// copied call-site table, or that calls no header destructor from key-0
// memory, leaves both open; only taking the whole exception object (or at
// least its header and unwind header) out of other domains' reach while a
// compartment throws it closes them.
//
// Seen in the guest: ATTACK SUCCEEDED (both).
//
// Suggested fix: as for attacks-rev30-landing-pad.cpp, the exception a
// compartment throws must come from memory the default domain cannot
// write (__cxa_allocate_exception from a compartment on the thrower's heap
// or stack ring), or the runtime must check that private_1 is 0 or the
// stop function of glibc's cancellation (the one forced unwind a
// compartment's frames see) and that exception_cleanup is libstdc++'s
// __gxx_exception_cleanup before a compartment's frame resumes or ends a
// catch (an interposed _Unwind_Resume and __cxa_end_catch; the object's
// other words stay writable, so the first fix is the one that closes the
// class).
// Closed (issue 11, runtime/exceptions.c): the whole object (libstdc++'s
// header, the unwind header, the thrown object) comes from the vault's own
// heap, on pages of their own with its key, until it reaches another
// domain's landing pad: the program's thread does not find it ("header
// not found in key-0 memory"; before, ATTACK SUCCEEDED in both forms).
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 -pthread %s -o %t
// RUN: %run %t control | FileCheck %s --check-prefix=CONTROL
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 -pthread -DCLEANUP %s -o %t-cleanup
// RUN: %run %t-cleanup | FileCheck %s
// CONTROL: header not found in key-0 memory
// CONTROL-NEXT: caught in the vault: 4
// CHECK: header not found in key-0 memory
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: caught in the vault: 4
#include <stdint.h>

static void forge(uintptr_t *pad, uintptr_t p) {
#ifdef CLEANUP
  pad[3] = p; /* exception_cleanup, 8 bytes above the class word */
#else
  pad[4] = p; /* private_1: the stop function, 16 bytes above it */
  pad[5] = 0; /* private_2: its argument */
#endif
}

#include "Inputs/vault-catch-race.h"
