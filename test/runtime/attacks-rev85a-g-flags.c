// Review 85a, attacker model A (key-0 loads only). bulkhead-clang asks
// clang for the debug information the pass reads record layouts from
// unless the user gave a -g option, taking any -g but -g0, -gno-* and
// -gz* to ask for debug information. Many do not: -gsplit-dwarf (which
// no longer implies -g), -gcolumn-info, -gembed-source, -gpubnames,
// -gstrict-dwarf alone give no debug information at all, so the module had
// no types, the driver added none, and the padding reviews 84a and 84b
// closed was open again: the vault's record {char check; _Alignas(8) int
// count;} came back as {i64, i32} with bytes 1-7 of the key word it was
// copied from, and {unsigned a:4; unsigned b:20; int c;} with byte 3 in
// the bits no bit-field uses; the honest default-domain caller keeps both
// in globals where the attacker reads them. ATTACK SUCCEEDED 3 of 3 in the
// guest before with each of the three flags below. Fixed: only options
// that ask for debug information count (tools/bulkhead-clang.c
// debug_info_opts, driver/debug-info-layouts.test); 0 of 3 each after.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -gsplit-dwarf %s -o %t1
// RUN: %run %t1 | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O2 -gcolumn-info %s -o %t2
// RUN: %run %t2 | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 -g -g0 -gpubnames %s -o %t3
// RUN: %run %t3 | FileCheck %s
// CHECK: record: check byte 90 count 7
// CHECK: flags: a 5 b 1000 c 9
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: key bytes in the padding: no
#include "Inputs/check.h"
#include "Inputs/vault-word.h"

struct rec {
  char check;
  _Alignas(8) int count;
};

struct flags {
  unsigned a : 4;
  unsigned b : 20;
  int c;
};

BULKHEAD_ENTRY(vault) struct rec vault_rec(void) {
  uint64_t w = vault_word(vault_i);
  struct rec r;
  memcpy(&r, &w, 8);
  r.count = 7;
  return r;
}

BULKHEAD_ENTRY(vault) struct flags vault_flags(void) {
  uint64_t w = vault_word(vault_i);
  struct flags f;
  memcpy(&f, &w, 8);
  f.a = 5;
  f.b = 1000;
  f.c = 9;
  return f;
}

struct rec last_rec; /* the default domain's */
struct flags last_flags;

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  last_rec = vault_rec();
  last_flags = vault_flags();
  static const char key[] = KEY; /* rebuilt: main cannot read the vault's */
  /* The attacker: loads of the default domain's globals. */
  const char *r = (const char *)&last_rec, *f = (const char *)&last_flags;
  printf("record: check byte %d count %d\n", r[0], last_rec.count);
  printf("flags: a %u b %u c %d\n", last_flags.a, last_flags.b, last_flags.c);
  int found = !memcmp(r + 1, key + 9, 7) || f[3] == key[11];
  if (found)
    printf("ATTACK SUCCEEDED: the vault's key bytes in the padding\n");
  printf("key bytes in the padding: %s\n", found ? "yes" : "no");
  return 0;
}
