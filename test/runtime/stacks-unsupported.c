// A compartment's call of a function declared but not defined in its file
// is gated at run time if the function turns out to be default-domain code
// elsewhere. Where its arguments cannot cross a stack switch (here a
// 32-byte vector passed in memory with 32-byte alignment), the build does
// not fail, as most such calls are of libc; if the call does reach
// default-domain code, it stops with one clear error instead.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -fpkey-compartment-stacks -O2 %s %S/Inputs/takes-vector.c -o %t 2>/dev/null
// RUN: not %run %t 2>&1 | FileCheck %s --implicit-check-not=took
// CHECK: bulkhead: error: compartment 'vault' called default-domain function 'take_vector' (from 'vault_sends'), whose arguments cannot be passed across the stack switch: argument 1 is passed by value with alignment above 16
#include <bulkhead.h>

typedef float v8 __attribute__((vector_size(32)));
void take_vector(v8 x);
BULKHEAD_ENTRY(vault) void vault_sends(void) {
  v8 x = {1};
  take_vector(x);
}
int main(void) {
  vault_sends();
  return 0;
}
