// Review 84a, attacker model A (key-0 loads only). Clang's IR type of a
// struct spells some of its padding as members: where the C layout differs
// from the IR's natural one (a member with a larger _Alignas or aligned
// attribute, a bit-field's storage that ends before the next member) it
// inserts [N x i8] arrays, which pass/Padding.cpp could not tell from a
// char array member and kept as data. Here the vault's record {char check;
// int count aligned to 8} is IR {i8, [7 x i8], i32, [4 x i8]} and returned
// as {i64, i32}: bytes 1-7 of the key word the vault copied into it stayed
// in rax, and the honest default-domain caller keeps the record in a
// global where the attacker reads them. ATTACK SUCCEEDED 3 of 3 in the
// guest (LLVM 19, -O2 and -O0). Fixed: the pass reads the struct's fields
// from the debug information bulkhead-clang asks clang for
// (pass/RecordLayouts.cpp); built with -gline-tables-only, which gives no
// types, it still succeeds.
// Review 85a (the same attack): the driver took any -g but -g0 to ask for
// debug info and added none, but -gsplit-dwarf, -gcolumn-info and
// -gpubnames alone give none: ATTACK SUCCEEDED 3 of 3 in the guest with
// each of the last three builds below. Now only options that set a debug
// info level with types count (driver/debug-info-layouts.test).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s -o %t0
// RUN: %run %t0 | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O2 -gsplit-dwarf %s -o %t1
// RUN: %run %t1 | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O2 -gcolumn-info %s -o %t2
// RUN: %run %t2 | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 -g -g0 -gpubnames %s -o %t3
// RUN: %run %t3 | FileCheck %s
// CHECK: check byte 90
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: key bytes in the padding: no
#include "Inputs/check.h"
#include "Inputs/vault-word.h"

struct rec {
  char check;
  _Alignas(8) int count;
};

BULKHEAD_ENTRY(vault) struct rec vault_rec(void) {
  uint64_t w = vault_word(vault_i);
  struct rec r;
  memcpy(&r, &w, 8);
  r.count = 7;
  return r;
}

struct rec last; /* the default domain's: it keeps the last record */

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  last = vault_rec();
  /* The attacker: loads of the default domain's global. */
  const char *seen = (const char *)&last;
  printf("check byte %d\n", seen[0]);
  static const char key[] = KEY; /* rebuilt: main cannot read the vault's */
  int found = !memcmp(seen + 1, key + 9, 7);
  if (found)
    printf("ATTACK SUCCEEDED: the vault's key bytes in the padding\n");
  printf("key bytes in the padding: %s\n", found ? "yes" : "no");
  return 0;
}
