// Robustness, not an attack (found while fixing review 9's over-aligned
// allocations): a compartment's over-aligned alloca that no longer fits
// its stack (review 9's control layout: the allocation takes its
// alignment's worth more since the fix) must stop the program at the
// stack's guard with the fault line, SIGSEGV. With a second thread inside
// the vault, the main thread instead dies of SIGILL and prints nothing
// (seen in the QEMU guest; with a sigaltstack and a SIGILL handler of the
// program's own the fault line and SIGSEGV come as expected). Cause not
// found: expected to fail until it is.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -pthread -DCONTROL -DTIGHT %s -o %t
// RUN: not %run %t > %t.out 2>&1
// RUN: FileCheck %s < %t.out
// CHECK: bulkhead: SIGSEGV {{.*}} in compartment 'vault'
// XFAIL: *
// The program: review 9's, with its control's layout one alignment tighter.
#include "attacks-review9-aligned-alloca.c"
