// Review 91a, a correctness finding (attacker model A's setting: a struct
// the vault passes by value to a default-domain function that keeps it).
// Review 90b's fix takes, of the GEPs on a pointer's way, the innermost
// whose type's own bytes hold the read (pass/Padding.cpp objectIn), so an
// element of a trailing array past its struct's end is masked as the
// element. But a struct's size counts its tail padding, and an array at
// its end may lie in it: `struct hdr { long count; char kind; struct cs
// items[]; }` is 16 bytes with `items` at 10, and `struct one { long id;
// struct cs items[1]; }` 16 with `items[1]` at 12. The element's 4 bytes
// fit in the header's, the header's layout was taken at 10 (or 12), where
// it has no member (its flexible array has no elements, its one-element
// array ends at 12): every bit was padding, and the vault passed a struct
// cs of all zeros, its `check` and `s` cleared.
// Before (in the guest, -O2, -O0 and without compartment stacks):
//   flexible: check 0 s 0; trailing: check 0 s 0 (after: the data).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s %S/Inputs/padding-rev91a-sink.c -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s %S/Inputs/padding-rev91a-sink.c -o %t0
// RUN: %run %t0 | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s %S/Inputs/padding-rev91a-sink.c -o %tn
// RUN: %run %tn | FileCheck %s
// CHECK: flexible: check 90 s 0x102
// CHECK: trailing: check 90 s 0x304
#include "Inputs/check.h"

struct cs { char check; short s; };                          /* byte 1 padding */
struct hdr { long count; char kind; struct cs items[]; };    /* 16, items at 10 */
struct one { long id; struct cs items[1]; };                 /* 16, items at 8 */
void keep_cs(struct cs c);
extern unsigned char seen_cs[sizeof(struct cs)];

BULKHEAD_DATA(vault) struct hdr *vault_h;
BULKHEAD_DATA(vault) struct one *vault_t;

BULKHEAD_ENTRY(vault) void vault_pass(int how) {
  if (!vault_h) {
    vault_h = calloc(1, sizeof *vault_h + 2 * sizeof(struct cs));
    vault_t = calloc(1, sizeof *vault_t + 2 * sizeof(struct cs));
  }
  switch (how) {
  case 0:
    vault_h->items[0].check = 'Z';
    vault_h->items[0].s = 0x0102;
    keep_cs(vault_h->items[0]);
    break;
  case 1:
    vault_t->items[1].check = 'Z';
    vault_t->items[1].s = 0x0304;
    keep_cs(vault_t->items[1]);
    break;
  }
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  const char *names[] = {"flexible", "trailing"};
  for (int how = 0; how < 2; how++) {
    short s;
    vault_pass(how);
    memcpy(&s, seen_cs + 2, 2);
    printf("%s: check %d s %#x\n", names[how], seen_cs[0], s);
  }
  return 0;
}
