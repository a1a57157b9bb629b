// Review 91b, attacker model B (the default domain's code reads the
// registers a call out of the vault arrives with). `keep_small(u.s)` of a
// struct small {char; int} that is a member of a union beside a 64-bit
// word: clang reaches a union's member through the union's own address
// (no GEP), and loads the 8 bytes it passes as an i64 from the union's
// variable (or, `h->u.s`, through a GEP typed as the outer struct), so
// pass/Padding.cpp masks them by the union's type, every byte of which is
// data: small's padding bytes 1-3, which the vault had filled from its
// key word through the union's other member, went out in rdi. Before:
// ATTACK SUCCEEDED in the guest at -O2, -O0 and without compartment
// stacks, both cases. A struct result, `return u.s;`, is copied into the
// result's variable of small's type first and was masked.
// Fixed from -O1 on: the struct type of the union's member passed is the
// callee's parameter's, which clang describes from -O1 on (for call-site
// information; RecordLayouts.cpp argumentPieces). Open at -O0, where the
// IR of the call says no more than the union (masking by its layout would
// clear the wider member's data): attacks-rev91b-union-member-O0.test.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s %S/Inputs/pointee-sink.c -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s %S/Inputs/pointee-sink.c -o %tn
// RUN: %run %tn | FileCheck %s
// CHECK: union member local: check 90 n 0x1020304
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: key bytes in the padding: none
// CHECK: union member heap: check 90 n 0x1020304
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: key bytes in the padding: none
#include "Inputs/check.h"
#include "Inputs/vault-word.h"
#include "Inputs/pointee-sink.h"


union either { struct small s; uint64_t w; };
struct holder { int tag; union either u; };
BULKHEAD_DATA(vault) struct holder *vault_h;

BULKHEAD_ENTRY(vault) void vault_pass(int which) {
  if (which) {
    if (!vault_h)
      vault_h = calloc(1, sizeof *vault_h);
    vault_h->u.w = vault_word(vault_i);
    vault_h->u.s.check = 'Z';
    vault_h->u.s.n = 0x01020304;
    keep_small(vault_h->u.s);
  } else {
    union either u;
    u.w = vault_word(vault_i);
    u.s.check = 'Z';
    u.s.n = 0x01020304;
    keep_small(u.s);
  }
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  for (int which = 0; which < 2; which++) {
    forget_seen();
    vault_pass(which);
    int found = report_small(which ? "union member heap" : "union member local");
    printf("key bytes in the padding: %s\n", found ? "some" : "none");
  }
  return 0;
}
