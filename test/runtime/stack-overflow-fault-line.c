// Robustness, not an attack (found while fixing review 9's over-aligned
// allocations): a compartment's over-aligned alloca that no longer fits
// its stack (review 9's control layout: the allocation takes its
// alignment's worth more since the fix) must stop the program at the
// stack's guard with the fault line, SIGSEGV. With a second thread inside
// the vault, the main thread instead died of SIGILL and printed nothing
// (QEMU guest). The probe faults 16 bytes into the guard page; the
// dispatcher took the stack to keep the frame on from the stack pointer
// less the red zone, which is in the next stack down, the other thread's:
// it found room there, and bh_run_in_compartment's owner check stopped on
// ud2 with every signal blocked. The stack is now the one the stack
// pointer is on: no room, the handler reports the fault and the process
// dies of it.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -pthread -DCONTROL -DTIGHT %s -o %t
// RUN: not %run %t > %t.out 2>&1
// RUN: FileCheck %s < %t.out
// CHECK: bulkhead: SIGSEGV {{.*}} in compartment 'vault'
// The program: review 9's, with its control's layout one alignment tighter.
#include "attacks-review9-aligned-alloca.c"
