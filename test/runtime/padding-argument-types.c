// A struct a compartment passes out takes its padding from the callee's
// parameter (RecordLayouts.cpp argumentPieces), found by walking the
// parameters' debug types beside the IR arguments clang lowers them to on
// x86-64. This walk must stay in step whatever comes before: a struct in
// an i8 and a double, in <2 x float> and a float, in a pointer and an
// i64, in an i64 and a pointer; a _Complex double (two doubles), an x87
// long double, a _Complex float (one <2 x float>); a bit-field struct and a union; a
// variadic callee; a struct result; a struct passed in memory (byval)
// once the registers are used up. Each struct small here is a union's
// member whose padding holds the vault's key (the union's own type makes
// those bytes data), so only the parameter can say they are padding.
// Correctness: the callee gets every value as a plain clang build gives
// it. Attacker model A: no key bits in any struct small's padding at
// -O2. At -O0 clang describes no callee, and the union's padding goes out
// (attacks-rev91b-union-member-O0.test); in the variadic part no
// parameter is known at any level (attacks-variadic-struct-padding.test).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s %S/Inputs/argument-types-sink.c -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s %S/Inputs/argument-types-sink.c -o %t0
// RUN: %run %t0 | FileCheck %s --check-prefix=VALUES
// VALUES: cd: C 2.5 | S 16909060
// VALUES-NEXT: f3: 1.5 2.5 3.5 | S 16909060
// VALUES-NEXT: pn: pn 7 P | S 16909060
// VALUES-NEXT: np: 8 np | S 16909060
// VALUES-NEXT: cx: 1 2 | S 16909060 | 3.25 | 9 | S 16909060
// VALUES-NEXT: bits: 5 17 B | abcde | S 16909060
// VALUES-NEXT: var: S 16909060 | 3 | S 16909060 | C 2.5
// VALUES-NEXT: mid: S 16909060 | 11 M 12
// VALUES-NEXT: many: 1 2 3 4 5 | S 16909060 | C 2.5
// VALUES-NEXT: result 6
// CHECK: cd: C 2.5 | S 16909060
// CHECK-NEXT: f3: 1.5 2.5 3.5 | S 16909060
// CHECK-NEXT: pn: pn 7 P | S 16909060
// CHECK-NEXT: np: 8 np | S 16909060
// CHECK-NEXT: cx: 1 2 | S 16909060 | 3.25 | 9 | S 16909060
// CHECK-NEXT: bits: 5 17 B | abcde | S 16909060
// CHECK-NEXT: var: S 16909060 | 3 | S 16909060 | C 2.5
// CHECK-NEXT: mid: S 16909060 | 11 M 12
// CHECK-NEXT: many: 1 2 3 4 5 | S 16909060 | C 2.5
// CHECK-NEXT: result 6
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: key bytes in the padding: none
#include "Inputs/check.h"
#include "Inputs/vault-word.h"
#include "Inputs/argument-types.h"

union either { struct small s; uint64_t w; };

BULKHEAD_ENTRY(vault) long vault_pass(void) {
  union either e;
  e.w = vault_word(vault_i);
  e.s.check = 'S';
  e.s.n = 0x01020304;
  struct cd cd;
  VAULT_FILL(&cd, cd.c = 'C'; cd.d = 2.5);
  take_cd(cd, e.s);
  struct f3 f = {1.5f, 2.5f, 3.5f};
  take_f3(f, e.s);
  struct pn pn = {"pn", 7, 'P'};
  take_pn(pn, e.s);
  struct np np = {8, "np"};
  take_np(np, e.s);
  take_cx(1.0 + 2.0i, e.s, 3.25L, 9.0f, e.s);
  struct bits b;
  memcpy(&b, vault_key + 8, sizeof b);
  b.a = 5;
  b.b = 17;
  b.c = 'B';
  union un u;
  memcpy(u.c, "abcde", 5);
  take_bits(b, u, e.s);
  take_var(e.s, 3, e.s, cd);
  struct mid m;
  VAULT_FILL(&m, m.x = 11; m.check = 'M'; m.y = 12);
  struct mid r = take_mid(e.s, m);
  take_many(1, 2, 3, 4, 5, e.s, cd);
  return r.x + r.check + r.y;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  printf("result %ld\n", vault_pass());
  int found = 0;
  for (int k = 0; k < SEEN; k++) {
    char what[16];
    snprintf(what, sizeof what, "small %d", k);
    found |= key_bits_in(what, seen[k], 1, 4, 0xff);
  }
  printf("key bytes in the padding: %s\n", found ? "some" : "none");
  printf("variadic part: key bytes in the padding: %s\n",
         key_bits_in("variadic", seen_variadic, 1, 4, 0xff) ? "some" : "none");
  return 0;
}
