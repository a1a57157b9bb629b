// attacks-review10-nested-longjmp.c with the alternate stack moved back
// over the outer dispatch before the nested signal. The fix tells a
// handler's kept frame from those of dispatches nested in it by the
// dispatcher's stack pointer: a nested dispatch runs below its outer one
// on the alternate stack, which the runtime narrows while a handler runs.
// Where the narrowing comes from is key-0 memory (the dispatcher's frame,
// the runtime's TLS), so an attacker who writes it (model A) can have the
// kernel put the nested frame where the outer one is: the nested
// dispatcher then runs at the outer one's stack pointer, over its frame,
// and its kept frame could pass for the outer one's. Here A's handler
// restores the alternate stack the kernel reported (standing for those
// stores); signal B then lands exactly where A did, and B's handler
// longjmps back into A's. Before keep refused a dispatch at or above the
// newest record's, A's give_back resumed B's abandoned withdraw past its
// check ("the vault paid past its check"). Now B's dispatch stops the
// process with one line.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t > %t.out 2>&1 || true
// RUN: FileCheck %s < %t.out
// CHECK-NOT: paid past its check
// CHECK: a signal in compartment 'vault' was dispatched at or above the dispatch of its newest kept frame
// The program: review 10's (Inputs/nested-withdraw.h), with A's handler
// restoring the alternate stack, whole again, as when A was delivered.
#define _GNU_SOURCE
#define NAME "attacks-nested-longjmp-altstack"
#define ATTACK_IN_A                                                            \
  if (sigaltstack(&((ucontext_t *)ucv)->uc_stack, NULL))                       \
  perror("sigaltstack")
#include "Inputs/nested-withdraw.h"
