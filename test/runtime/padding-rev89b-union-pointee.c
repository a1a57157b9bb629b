// Review 89b, a correctness finding (attacker model B's setting: a struct
// the vault passes by value to a default-domain function). The pointee of
// a pointer member is noted per struct type and offset
// (pass/RecordLayouts.cpp notePointerMembers), and of a union's two record
// pointers at one offset the last one noted won: `*q->u.s` of a struct
// small {char; int} took the union's other member's struct pun {int;
// char}, whose bytes 5-7 are padding, and the pass cleared the high three
// bytes of small's `n` (0x01020304 arrived as 0x4), and kept bytes 1-3,
// small's padding (Inputs/rev89b-union-pointee.h). Before: "n 0x4" in each
// of 3 runs in the guest (-O2, -O0, -fno-pkey-compartment-stacks). Fixed:
// pointers at one offset to records of different layouts give none. The
// padding then goes out unmasked, as before this review's commit: open,
// attacks-rev89b-union-pointee.c.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s %S/Inputs/pointee-sink.c -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s %S/Inputs/pointee-sink.c -o %t0
// RUN: %run %t0 | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s %S/Inputs/pointee-sink.c -o %tn
// RUN: %run %tn | FileCheck %s
// CHECK: union member: check 90 n 0x1020304
#include "Inputs/rev89b-union-pointee.h"
