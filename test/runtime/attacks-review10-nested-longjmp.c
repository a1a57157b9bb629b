// A kept signal frame skipped by a longjmp out of a *nested* handler is
// given back by the outer handler's return (tenth review; attacker model A,
// though not one store is needed: honest code with a timeout pattern).
// docs/signals.md: "A handler that leaves by longjmp leaves its record
// below the mark's later values, never at it again". Not when the handler
// that leaves is nested in another one that interrupted the same
// compartment: signal A interrupts the vault (vault_poke); keep makes its
// record KA the mark. A's handler calls payer_withdraw under sigsetjmp;
// the vault checks the balance, and signal B lands in it (int3 stands for
// a timer); keep makes KB, below, the mark. B's handler longjmps back into
// A's handler (the withdraw abandoned: nothing paid), so nothing puts the
// mark back: KB stays the mark, cookie, thread id and index intact. A's
// handler withdraws again (paid 60, balance 40; its entry runs below KB,
// not over it) and returns. give_back takes the record at the mark, KB,
// and resumes the abandoned withdraw past its check: the vault pays 60
// again and its balance goes to -20. The compartment acts, with its own
// rights, in frames the program abandoned; vault_poke's frame (KA) is
// never resumed. Reproduced in the PKU guest at -O2 and -O0; -DCONTROL (B's
// handler returns instead) passes.
// Fix: a record must say which dispatch made it, from something no store
// can change: e.g. keep writes the dispatcher's stack pointer (a register,
// passed to bh_run_in_compartment) into the record, and give_back, given
// its own in a register, voids every record at the mark whose dispatcher
// sp is below its own (a nested dispatch that never returned) and moves
// the mark to each one's old mark until it finds its own; no match stops
// the process.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t > %t.out 2>&1 || true
// RUN: FileCheck %s < %t.out
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s -o %t0
// RUN: %run %t0 > %t0.out 2>&1 || true
// RUN: FileCheck %s < %t0.out
// RUN: %bulkhead_clang -fpkey-compartments -O2 -DCONTROL %s -o %tc
// RUN: %run %tc > %tc.out 2>&1 || true
// RUN: FileCheck %s < %tc.out
// CHECK-NOT: paid past its check
// CHECK: attacks-review10-nested-longjmp: ok
#define _GNU_SOURCE
#define NAME "attacks-review10-nested-longjmp"
#include "Inputs/nested-withdraw.h"
