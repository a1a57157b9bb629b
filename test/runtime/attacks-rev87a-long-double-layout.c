// Review 87a, attacker model A (key-0 loads only). pass/RecordLayouts.cpp
// refused the debug layout of every struct with a long double member: the
// IR's x86_fp80 stores 10 bytes and takes 16, and relate asked the bytes
// past its store size, a gap of the IR's, to be padding in the layout too,
// where the debug type of a long double is 128 bits of data. A refused
// layout leaves the IR type's padding only, so a {char; _Alignas(8) int;
// long double} returned through its sret pointer kept the [7 x i8] after
// its check byte, and a {unsigned f:3; long double} the five unused bits
// of the bit-field's byte: the vault copied a key word over the record in
// its heap, and the honest default-domain caller stores the result in a
// global where the attacker reads it. A float3 member (<3 x float>, 12 of
// 16 bytes) went the same way, and a union of a long double and a padded
// struct kept its last 4 bytes, which the debug type's 128 bits of the
// long double made data.
// ATTACK SUCCEEDED 3 of 3 in the guest before in each run below. Fixed:
// the gap check skips a scalar's bytes between its store and its
// allocation size (Padding.cpp counts them padding anyway), and an x87
// long double of the debug information is 80 bits of data.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s -o %t0
// RUN: %run %t0 | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s -o %t1
// RUN: %run %t1 | FileCheck %s
// CHECK: explicit: check byte 90 count 7 ld 1.5
// CHECK: bit-field: flags 2 ld 2.5
// CHECK: float3: flags 2 v 3
// CHECK: union: check byte 90 count 0x7f000007
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: key bits in the padding: no
#include "Inputs/check.h"
#include "Inputs/vault-word.h"

struct explicit_pad { char check; _Alignas(8) int count; long double ld; };
struct bits { unsigned flags : 3; long double ld; };
typedef float float3 __attribute__((ext_vector_type(3)));
struct vec { unsigned flags : 3; float3 v; };
union either { long double ld; struct { char check; _Alignas(8) int count; } s; };

BULKHEAD_DATA(vault) struct explicit_pad *vault_e;
BULKHEAD_DATA(vault) struct bits *vault_b;
BULKHEAD_DATA(vault) struct vec *vault_v;
BULKHEAD_DATA(vault) union either *vault_u;

/* Each copies the key word over the record's first 8 bytes, and over
 * its last 8 (the union's padding), then sets its fields. */
#define FILL(p)                                                               \
  do {                                                                        \
    if (!p)                                                                   \
      p = malloc(sizeof *p);                                                  \
    uint64_t w = vault_word(vault_i);                                         \
    memcpy(p, &w, 8);                                                         \
    memcpy((char *)p + sizeof *p - 8, &w, 8);                                 \
  } while (0)

BULKHEAD_ENTRY(vault) struct explicit_pad vault_explicit(void) {
  FILL(vault_e);
  vault_e->count = 7;
  vault_e->ld = 1.5L;
  return *vault_e;
}

BULKHEAD_ENTRY(vault) struct bits vault_bits(void) {
  FILL(vault_b);
  vault_b->flags = 2;
  vault_b->ld = 2.5L;
  return *vault_b;
}

BULKHEAD_ENTRY(vault) struct vec vault_vec(void) {
  FILL(vault_v);
  vault_v->flags = 2;
  vault_v->v = (float3){1, 2, 3};
  return *vault_v;
}

BULKHEAD_ENTRY(vault) union either vault_union(void) {
  FILL(vault_u);
  vault_u->s.count = 0x7f000007; /* bytes 10-11 too: x's, not the long double's */
  return *vault_u;
}

/* The default domain's: it keeps the last records. */
struct explicit_pad last_e;
struct bits last_b;
struct vec last_v;
union either last_u;

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  last_e = vault_explicit();
  last_b = vault_bits();
  last_v = vault_vec();
  last_u = vault_union();
  printf("explicit: check byte %d count %d ld %.1Lf\n", *(char *)&last_e,
         last_e.count, last_e.ld);
  printf("bit-field: flags %u ld %.1Lf\n", last_b.flags, last_b.ld);
  printf("float3: flags %u v %g\n", last_v.flags, (double)last_v.v.z);
  printf("union: check byte %d count %#x\n", last_u.s.check, last_u.s.count);
  /* The attacker: loads of the default domain's globals. */
  int any = key_bits_in("explicit", (const unsigned char *)&last_e, 1, 8, 0xff);
  any |= key_bits_in("bit-field", (const unsigned char *)&last_b, 0, 1, 0xf8);
  any |= key_bits_in("float3", (const unsigned char *)&last_v, 0, 1, 0xf8);
  /* The union's last 4 bytes, padding: the key word's bytes 4-7 there. */
  const unsigned char *u = (const unsigned char *)&last_u + sizeof last_u - 8;
  any |= key_bits_in("union", u, 4, 8, 0xff);
  printf("key bits in the padding: %s\n", any ? "yes" : "no");
  return 0;
}
