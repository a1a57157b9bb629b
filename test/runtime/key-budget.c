// A program with more compartments than protection keys fails at start-up
// with a message naming them, on any machine: it never shares keys.
// RUN: %bulkhead_clang -fpkey-compartments -O1 %s -o %t
// RUN: not %t > %t.out 2> %t.err
// RUN: FileCheck %s < %t.err
// RUN: FileCheck %s --check-prefix=NOMAIN --allow-empty < %t.out
#include <bulkhead.h>
#include <stdio.h>
BULKHEAD_DATA(c0) int d0 = 0;
BULKHEAD_ENTRY(c0) int get0(void) { return d0; }
BULKHEAD_DATA(c1) int d1 = 1;
BULKHEAD_ENTRY(c1) int get1(void) { return d1; }
BULKHEAD_DATA(c2) int d2 = 2;
BULKHEAD_ENTRY(c2) int get2(void) { return d2; }
BULKHEAD_DATA(c3) int d3 = 3;
BULKHEAD_ENTRY(c3) int get3(void) { return d3; }
BULKHEAD_DATA(c4) int d4 = 4;
BULKHEAD_ENTRY(c4) int get4(void) { return d4; }
BULKHEAD_DATA(c5) int d5 = 5;
BULKHEAD_ENTRY(c5) int get5(void) { return d5; }
BULKHEAD_DATA(c6) int d6 = 6;
BULKHEAD_ENTRY(c6) int get6(void) { return d6; }
BULKHEAD_DATA(c7) int d7 = 7;
BULKHEAD_ENTRY(c7) int get7(void) { return d7; }
BULKHEAD_DATA(c8) int d8 = 8;
BULKHEAD_ENTRY(c8) int get8(void) { return d8; }
BULKHEAD_DATA(c9) int d9 = 9;
BULKHEAD_ENTRY(c9) int get9(void) { return d9; }
BULKHEAD_DATA(c10) int d10 = 10;
BULKHEAD_ENTRY(c10) int get10(void) { return d10; }
BULKHEAD_DATA(c11) int d11 = 11;
BULKHEAD_ENTRY(c11) int get11(void) { return d11; }
BULKHEAD_DATA(c12) int d12 = 12;
BULKHEAD_ENTRY(c12) int get12(void) { return d12; }
BULKHEAD_DATA(c13) int d13 = 13;
BULKHEAD_ENTRY(c13) int get13(void) { return d13; }
BULKHEAD_DATA(c14) int d14 = 14;
BULKHEAD_ENTRY(c14) int get14(void) { return d14; }
BULKHEAD_DATA(c15) int d15 = 15;
BULKHEAD_ENTRY(c15) int get15(void) { return d15; }
int main(void) { printf("main ran\n"); return get0() + get15(); }
// CHECK: bulkhead: error: the program has 16 compartments, but a process has at most 15 protection keys: {{(c[0-9]+, ){15}c[0-9]+}}; merge compartments so that at most 15 remain
// NOMAIN-NOT: main ran
