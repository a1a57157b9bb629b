// Review 89b, attacker model B (the default domain's code keeps what a
// call out of the vault passes it). `*q->u.s`, a struct small reached
// through a union of two record pointers (Inputs/rev89b-union-pointee.h):
// which member the code reads, the union's debug type cannot say, and
// the IR loads both from one offset. Before, the last member's record
// (struct pun) gave the mask, which kept bytes 1-3 of the vault's key
// word in small's padding (and cleared n's bytes 5-7:
// padding-rev89b-union-pointee.c): ATTACK SUCCEEDED in each of 3 runs in
// the guest. Now the union's pointers give no pointee, and the padding
// goes out unmasked (as before this review's commit): open, like a struct
// from behind a pointer that a call returned (docs/threat-model.md).
// Fixed from -O1 on: keep_small's parameter says the argument is a struct
// small (RecordLayouts.cpp argumentPieces; clang describes the callee of a
// call from -O1 on). Open at -O0: attacks-rev89b-union-pointee-O0.test.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s %S/Inputs/pointee-sink.c -o %t
// RUN: %run %t | FileCheck %s
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: key bytes in the padding: none
#include "Inputs/rev89b-union-pointee.h"
