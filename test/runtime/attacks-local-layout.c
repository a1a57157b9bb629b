// Attacker model A (key-0 loads only). A struct local a compartment passes
// out takes its layout from its variable's debug record; from -O1 on clang
// tracks the variable's assignments (dbg.assign) and emits no dbg.declare,
// which the pass's pipeline-start run looked for, so at -O2 no local had a
// layout. Two records here share the IR structure {i8, [7 x i8], i32,
// [4 x i8]} and the name tag: the file's, whose [7 x i8] is padding after
// an over-aligned member, and a function's, whose [7 x i8] is a char
// array; the name gives neither its layout. The vault's tag, the key word copied over it,
// went out with bytes 1-7 of the key to a default-domain callee that keeps
// it in a global: ATTACK SUCCEEDED in the guest at -O2 before (the -O0
// run, with dbg.declare, held). The named record's array must arrive
// whole (it reaches a callee of another file as its struct named).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s %S/Inputs/local-layout-sink.c -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s %S/Inputs/local-layout-sink.c -o %t0
// RUN: %run %t0 | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s %S/Inputs/local-layout-sink.c -o %tn
// RUN: %run %tn | FileCheck %s
// CHECK: tag: check 90 count 7
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: key bytes in the padding: none
// CHECK: named: check 90 name abcdefg count 8
#include "Inputs/check.h"
#include "Inputs/vault-word.h"

struct tag { char check; _Alignas(8) int count; };
void keep_tag(struct tag t);
extern unsigned char seen_tag[16], seen_named[16];

BULKHEAD_ENTRY(vault) void vault_pass_tag(void) {
  struct tag t;
  uint64_t w = vault_word(vault_i);
  memcpy(&t, &w, 8);
  t.check = 'Z';
  t.count = 7;
  keep_tag(t);
}

BULKHEAD_ENTRY(vault) void vault_pass_named(void) {
  /* The same name: the sink's struct named, of one layout. */
  struct tag { char check; char name[7]; int count; char tail[4]; } n;
  void keep_named(struct tag n);
  memset(&n, 0, sizeof n);
  n.check = 'Z';
  memcpy(n.name, "abcdefg", 7);
  n.count = 8;
  keep_named(n);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  vault_pass_tag();
  vault_pass_named();
  int count;
  memcpy(&count, seen_tag + 8, 4);
  printf("tag: check %d count %d\n", seen_tag[0], count);
  /* The attacker: loads of the default domain's global. */
  int found = key_bits_in("tag", seen_tag, 1, 8, 0xff);
  printf("key bytes in the padding: %s\n", found ? "some" : "none");
  memcpy(&count, seen_named + 8, 4);
  printf("named: check %d name %.7s count %d\n", seen_named[0],
         (const char *)seen_named + 1, count);
  return 0;
}
