// The unwinder voids the record of each call out it passes and every
// record below it on the thrower's stack (runtime/unwind-copy.c, review
// 59a): the records above it, of calls out still in progress, and other
// compartments' records stay live. main -> vault_outer (an entry) ->
// app_a (call out A of the vault) -> other_mid (an entry into 'other') ->
// app_b (a call out of 'other') -> vault_inner (an entry) -> app_c (call
// out C of the vault) -> vault_throw; app_b catches (default code, between
// the two calls out of the vault). Then each way back above is taken:
// 'other' resumes after app_b, the vault after app_a (A is above C on the
// vault's stack). A record voided there would trap (SIGILL): seen in the
// guest with the lookup voiding up to the stack's top instead (after
// "other resumed 1").
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 %s -o %t && %run %t | FileCheck %s
// RUN: %bulkhead_clangxx -fpkey-compartments -O0 %s -o %t0 && %run %t0 | FileCheck %s
// CHECK: caught 7 between the calls out
// CHECK-NEXT: other resumed 1
// CHECK-NEXT: vault resumed 1
// CHECK-NEXT: exceptions-callout-nested-live: ok
#include <bulkhead.h>
#include <stdio.h>

BULKHEAD_DATA(vault) int vault_count;
BULKHEAD_DATA(other) int other_count;

struct E {
  int v;
};

extern "C" void app_a(void);
extern "C" void app_b(void);
extern "C" void app_c(void);

extern "C" BULKHEAD_ENTRY(vault) void vault_throw(int v) { throw E{v}; }

extern "C" BULKHEAD_ENTRY(vault) void vault_inner(void) {
  app_c();
  vault_count += 100; /* never: app_c throws */
}

extern "C" BULKHEAD_ENTRY(other) int other_mid(void) {
  app_b();
  return ++other_count;
}

extern "C" BULKHEAD_ENTRY(vault) int vault_outer(void) {
  app_a();
  return ++vault_count;
}

extern "C" __attribute__((noinline)) void app_c(void) { vault_throw(7); }

extern "C" __attribute__((noinline)) void app_b(void) {
  try {
    vault_inner();
  } catch (E &e) {
    printf("caught %d between the calls out\n", e.v);
  }
}

extern "C" __attribute__((noinline)) void app_a(void) {
  printf("other resumed %d\n", other_mid());
}

int main() {
  setvbuf(stdout, NULL, _IONBF, 0);
  printf("vault resumed %d\n", vault_outer());
  printf("exceptions-callout-nested-live: ok\n");
  return 0;
}
