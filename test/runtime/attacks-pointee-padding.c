// Attacker model A (key-0 loads only). A struct a compartment passes from
// behind a pointer, `keep(*p)`, travels as integers that clang loads from
// p itself (8 bytes: `load i64, ptr %p`) or copies from p into a temporary
// of their type (12 bytes: `{i64, i32}`): no variable or global of the
// struct's type is there for its padding, which went out with the vault's
// key bytes that the record's memory held, to a default-domain callee
// (another file) that keeps the record in a global. Each way the pointer
// is found is one case: a BULKHEAD_DATA pointer, a parameter, an element
// `p[i]`, a member `h->rec`; then a pointer one of two, `*(c ? p : q)`,
// and one a function of the vault's returns.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s %S/Inputs/pointee-sink.c -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s %S/Inputs/pointee-sink.c -o %t0
// RUN: %run %t0 | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s %S/Inputs/pointee-sink.c -o %tn
// RUN: %run %tn | FileCheck %s
// CHECK: global: check 90 n 0x7
// CHECK: parameter: x 0x5 check 90 y 0x6
// CHECK: element: check 90 n 0x8
// CHECK: member: x 0x9 check 90 y 0xa
// CHECK: either: check 90 n 0xb
// CHECK: result: x 0xc check 90 y 0xd
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: key bytes in the padding: none
#include "Inputs/check.h"
#include "Inputs/vault-word.h"
#include "Inputs/pointee-sink.h"

struct holder { int k; struct mid *rec; };

BULKHEAD_DATA(vault) struct small *vault_small;
BULKHEAD_DATA(vault) struct holder *vault_holder;

BULKHEAD_INTERNAL(vault) __attribute__((noinline)) static void pass_mid(struct mid *m) {
  keep_mid(*m);
}

BULKHEAD_INTERNAL(vault) __attribute__((noinline)) static struct mid *
holder_rec(void) {
  return vault_holder->rec;
}

BULKHEAD_ENTRY(vault) void vault_pass(int how) {
  if (!vault_small) {
    vault_small = calloc(2, sizeof *vault_small);
    vault_holder = calloc(1, sizeof *vault_holder);
    vault_holder->rec = calloc(1, sizeof *vault_holder->rec);
  }
  struct small *s = vault_small + 1;
  struct mid *m = vault_holder->rec;
  switch (how) {
  case 0:
    VAULT_FILL(vault_small, vault_small->check = 'Z', vault_small->n = 7);
    keep_small(*vault_small);
    break;
  case 1:
    VAULT_FILL(m, m->x = 5, m->check = 'Z', m->y = 6);
    pass_mid(m);
    break;
  case 2:
    VAULT_FILL(s, s->check = 'Z', s->n = 8);
    keep_small(vault_small[vault_i]);
    break;
  case 3:
    VAULT_FILL(m, m->x = 9, m->check = 'Z', m->y = 10);
    keep_mid(*vault_holder->rec);
    break;
  case 4:
    VAULT_FILL(s, s->check = 'Z', s->n = 11);
    keep_small(*(vault_i ? s : vault_small));
    break;
  case 5:
    VAULT_FILL(m, m->x = 12, m->check = 'Z', m->y = 13);
    keep_mid(*holder_rec());
    break;
  }
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int found = 0;
  const char *names[] = {"global",  "parameter", "element",
                         "member",  "either",    "result"};
  for (int how = 0; how < 6; how++) {
    vault_pass(how);
    /* The attacker: loads of the default domain's globals. */
    found |= how % 2 == 0 ? report_small(names[how]) : report_mid(names[how]);
  }
  printf("key bytes in the padding: %s\n", found ? "some" : "none");
  return 0;
}
