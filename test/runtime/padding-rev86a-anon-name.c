// Review 86a, a correctness finding (no secret: real data masked). Clang
// names the IR type of a struct without a name or typedef struct.anon,
// the name a user's own `struct anon` would have; its debug information
// names no record. pass/RecordLayouts.cpp's relateByName took the debug
// information's one `struct anon` for the IR struct.anon, which was the
// unnamed member of `struct outer` (the user's got struct.anon.0): its
// {long a; long b} was given {char c; long d}'s layout, and bytes 1-7 of
// `a` were cleared as padding wherever a compartment returned or passed
// a `struct outer` (relate's check holds: {i64, i64} has no gap). Before:
// "a 88" for 1122334455667788 in every run below, 3 of 3 in the guest.
// Fixed: the name anon is not matched when the debug information has an
// unnamed record or the IR more than one type of that name.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s -o %t0
// RUN: %run %t0 | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s -o %tn
// RUN: %run %tn | FileCheck %s
// CHECK: result: a 1122334455667788 b 42
// CHECK: argument: a 1122334455667788 b 43
// CHECK: anon 3
#include "Inputs/check.h"

struct outer {
  struct { /* unnamed: IR struct.anon */
    long a;
    long b;
  } in;
};

BULKHEAD_DATA(vault) volatile long vault_a = 0x1122334455667788;

BULKHEAD_ENTRY(vault) struct outer vault_get(void) {
  struct outer o;
  o.in.a = vault_a;
  o.in.b = 42;
  return o;
}

struct outer given;
__attribute__((noinline)) void keep(struct outer o) { given = o; }

BULKHEAD_ENTRY(vault) void vault_give(void) {
  struct outer o;
  o.in.a = vault_a;
  o.in.b = 43;
  keep(o);
}

struct anon { /* the user's own, named once: IR struct.anon.0 */
  char c;
  long d;
};
__attribute__((noinline)) long anon_sum(struct anon *p) { return p->c + p->d; }

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct outer o = vault_get();
  printf("result: a %lx b %ld\n", o.in.a, o.in.b);
  vault_give();
  printf("argument: a %lx b %ld\n", given.in.a, given.in.b);
  struct anon x = {1, 2};
  printf("anon %ld\n", anon_sum(&x));
  return 0;
}
