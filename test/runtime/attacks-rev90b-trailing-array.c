// Review 90b, attacker B (the default domain's code). A struct a
// compartment passes from an array behind a pointer, where a constant
// index takes the GEP past its struct's own end: an element of a flexible
// array member, `h->items[1]`, or of an old-style trailing array of one,
// `t->items[2]`; and an element before the pointer, `p[-1]`. The pass took
// the innermost GEP's struct (`struct hdr`, `struct one`) for the object
// and its offset modulo that struct's size for the element's place, so it
// masked the element with the header's layout: bytes 1-3 of the element
// (its padding, the vault's key bytes there) were data to it, and its `n`
// (bytes 4-7) the header's padding or past its end, cleared; `p[-1]`, at a
// negative offset, found no object and kept its padding. The default
// domain's callee keeps what it was passed.
// Before (in the guest, -O2, -O0 and without compartment stacks):
//   flexible: check 90 n 0x4, ATTACK SUCCEEDED; trailing: check 90 n 0,
//   ATTACK SUCCEEDED; before: ATTACK SUCCEEDED.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s %S/Inputs/pointee-sink.c -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s %S/Inputs/pointee-sink.c -o %t0
// RUN: %run %t0 | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s %S/Inputs/pointee-sink.c -o %tn
// RUN: %run %tn | FileCheck %s
// CHECK: flexible: check 90 n 0x1020304
// CHECK: trailing: check 90 n 0x5060708
// CHECK: before: check 90 n 0x90a0b0c
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: key bytes in the padding: none
#include "Inputs/check.h"
#include "Inputs/vault-word.h"
#include "Inputs/pointee-sink.h"

struct hdr { int count; char kind; struct small items[]; };  /* 8 bytes */
struct one { int id; struct small items[1]; };               /* 12 bytes */

BULKHEAD_DATA(vault) struct hdr *vault_h;
BULKHEAD_DATA(vault) struct one *vault_t;
BULKHEAD_DATA(vault) struct small *vault_p;

BULKHEAD_ENTRY(vault) void vault_pass(int how) {
  if (!vault_h) {
    vault_h = calloc(1, sizeof *vault_h + 2 * sizeof(struct small));
    vault_t = calloc(1, sizeof *vault_t + 2 * sizeof(struct small));
    vault_p = (struct small *)calloc(2, sizeof *vault_p) + 1;
  }
  switch (how) {
  case 0:
    VAULT_FILL(&vault_h->items[1], vault_h->items[1].check = 'Z',
         vault_h->items[1].n = 0x01020304);
    keep_small(vault_h->items[1]);
    break;
  case 1:
    VAULT_FILL(&vault_t->items[2], vault_t->items[2].check = 'Z',
         vault_t->items[2].n = 0x05060708);
    keep_small(vault_t->items[2]);
    break;
  case 2:
    VAULT_FILL(vault_p - 1, vault_p[-1].check = 'Z', vault_p[-1].n = 0x090a0b0c);
    keep_small(vault_p[-1]);
    break;
  }
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int found = 0;
  const char *names[] = {"flexible", "trailing", "before"};
  for (int how = 0; how < 3; how++) {
    vault_pass(how);
    /* The attacker: what the default domain's callee was passed. */
    found |= report_small(names[how]);
  }
  printf("key bytes in the padding: %s\n", found ? "some" : "none");
  return 0;
}
