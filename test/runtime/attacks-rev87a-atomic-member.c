// Review 87a, attacker model A (key-0 loads only). pass/RecordLayouts.cpp
// refused the debug layout of every struct with an _Atomic member: the
// debug type of one is a DW_TAG_atomic_type of no size over its base
// type, which markData took for a scalar of no bits, a layout it cannot
// know. A refused layout leaves the IR type's padding only, so a {char;
// _Atomic int; _Alignas(8) int} kept its explicit tail padding ([4 x i8])
// and a {unsigned f:3; _Atomic struct {char; short}} the bits of its
// bit-field's byte and the three bytes ([3 x i8]) after it: the vault
// copied a key word over the record in its heap and returned it, and the
// honest default-domain caller stores the result in a global where the
// attacker reads it. ATTACK SUCCEEDED 3 of 3 in the guest before in each
// run below. Fixed: an atomic type's layout is its base type's (the bytes
// an atomic adds past it are padding).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s -o %t0
// RUN: %run %t0 | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s -o %t1
// RUN: %run %t1 | FileCheck %s
// CHECK: tail: check byte 90 count 5 total 7
// CHECK: bit-field: flags 2 pair 3 4
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: key bits in the padding: no
#include "Inputs/check.h"
#include "Inputs/vault-word.h"

struct tail { char check; _Atomic int count; _Alignas(8) int total; };
struct pair { char a; short b; };
struct bits { unsigned flags : 3; _Atomic struct pair pair; };

BULKHEAD_DATA(vault) struct tail *vault_t;
BULKHEAD_DATA(vault) struct bits *vault_b;

BULKHEAD_ENTRY(vault) struct tail vault_tail(void) {
  if (!vault_t)
    vault_t = malloc(sizeof *vault_t);
  uint64_t w = vault_word(vault_i);
  memcpy(vault_t, &w, 8);
  memcpy((char *)vault_t + 8, &w, 8);
  vault_t->count = 5;
  vault_t->total = 7;
  return *vault_t;
}

BULKHEAD_ENTRY(vault) struct bits vault_bits(void) {
  if (!vault_b)
    vault_b = malloc(sizeof *vault_b);
  uint64_t w = vault_word(vault_i);
  memcpy(vault_b, &w, 8);
  vault_b->flags = 2;
  vault_b->pair = (struct pair){3, 4};
  return *vault_b;
}

struct tail last_t; /* the default domain's: it keeps the last records */
struct bits last_b;

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  last_t = vault_tail();
  last_b = vault_bits();
  struct pair p = last_b.pair;
  printf("tail: check byte %d count %d total %d\n", last_t.check,
         (int)last_t.count, last_t.total);
  printf("bit-field: flags %u pair %d %d\n", last_b.flags, p.a, p.b);
  /* The attacker: loads of the default domain's globals. */
  const unsigned char *t = (const unsigned char *)&last_t;
  int any = key_bits_in("tail", t + 8, 4, 8, 0xff); /* bytes 12-15: word's 4-7 */
  const unsigned char *b = (const unsigned char *)&last_b;
  any |= key_bits_in("bit-field", b, 0, 1, 0xf8) & key_bits_in("bit-field", b, 1, 4, 0xff);
  printf("key bits in the padding: %s\n", any ? "yes" : "no");
  return 0;
}
