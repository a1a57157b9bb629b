// Attacker model B (the default domain's code reads what a call out gives
// it). A struct that no variable, global or result of the vault's file
// has finds its layout by name: clang's temporary of `c ? *a : *b`. Two
// specializations of one class template (IR struct.TB and struct.TB.0,
// two debug records TB<unsigned> and TB<int>), and a struct whose name a
// function's struct also has (struct.Wide.0 beside struct.Wide), had no
// layout: the unused bits 24-31 of the bit-fields' unit and the [7 x i8]
// after an over-aligned member went out with the key word the vault had
// copied over its records.
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 %s %S/Inputs/by-name-sink.cpp -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clangxx -fpkey-compartments -O0 %s %S/Inputs/by-name-sink.cpp -o %t0
// RUN: %run %t0 | FileCheck %s
// CHECK: TB<unsigned>: a 1 b 2 c 3
// CHECK: TB<int>: a 1 b 2 c 3
// CHECK: Wide: check 90 n 7
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: key bits in the padding: none
#include "Inputs/check.h"
#include "Inputs/vault-word.h"

template <class T> struct TB { T a : 4; T b : 20; int c; };
void other_scope() {
  struct Wide { int unrelated; } w = {1}; // IR struct.Wide
  (void)w;
}
struct Wide { char check; alignas(8) int n; }; // IR struct.Wide.0
void keep_u(TB<unsigned> r);
void keep_i(TB<int> r);
void keep_w(Wide r);
extern unsigned char seen_u[8], seen_i[8], seen_w[16];

BULKHEAD_DATA(vault) void *vault_recs[6];

// Copies the key word over both records, sets the first's members, and
// passes the one `first` picks through clang's temporary.
template <class R, class Set>
static void pass(R **a, R **b, int first, void (*keep)(R), Set set) {
  uint64_t w = vault_word(vault_i);
  memcpy(*a, &w, 8);
  memcpy(*b, &w, 8);
  set(**a);
  set(**b);
  keep(first ? **a : **b);
}

BULKHEAD_ENTRY(vault) void vault_pass(int first) {
  if (!vault_recs[0])
    for (int i = 0; i < 6; i++)
      vault_recs[i] = calloc(1, 16);
  auto **u = (TB<unsigned> **)vault_recs;
  auto **s = (TB<int> **)(vault_recs + 2);
  auto **w = (Wide **)(vault_recs + 4);
  pass(u, u + 1, first, keep_u, [](TB<unsigned> &r) { r.a = 1, r.b = 2, r.c = 3; });
  pass(s, s + 1, first, keep_i, [](TB<int> &r) { r.a = 1, r.b = 2, r.c = 3; });
  pass(w, w + 1, first, keep_w, [](Wide &r) { r.check = 'Z', r.n = 7; });
}

int main() {
  setvbuf(stdout, NULL, _IONBF, 0);
  vault_pass(1);
  TB<unsigned> u;
  TB<int> i;
  int n;
  memcpy(&u, seen_u, 8);
  memcpy(&i, seen_i, 8);
  memcpy(&n, seen_w + 8, 4);
  printf("TB<unsigned>: a %u b %u c %d\n", u.a, u.b, u.c);
  printf("TB<int>: a %d b %d c %d\n", i.a, i.b, i.c);
  printf("Wide: check %d n %d\n", seen_w[0], n);
  /* The attacker: loads of the default domain's globals. */
  int found = key_bits_in("TB<unsigned>", seen_u, 3, 4, 0xff) |
              key_bits_in("TB<int>", seen_i, 3, 4, 0xff) |
              key_bits_in("Wide", seen_w, 1, 8, 0xff);
  printf("key bits in the padding: %s\n", found ? "some" : "none");
  return 0;
}
