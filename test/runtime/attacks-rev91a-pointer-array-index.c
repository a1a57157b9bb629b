// Review 91a, attacker model A (the default domain's honest callee keeps
// what a call out of the vault passes it in a global; the attacker reads
// key-0 memory). Review 90a made a struct's array of record pointers
// members at their offsets, for a constant index (`*q->s[1]`,
// attacks-rev90a-pointer-array.c); but an array is mostly indexed by a
// variable: `*q->s[i]` is a GEP of no constant offset, whose element type
// (a pointer) is no object, so pass/Padding.cpp's pointeeOf finds no
// member; an array variable of record pointers, `vault_rows[i]` (constant
// index too), is no pointer variable (RecordLayouts.cpp notes a variable's
// pointer type only); and a flexible array member of record pointers,
// `t->rows[1]`, has no elements to note. No record is known for the
// struct small loaded, and its padding bytes 1-3, which the vault filled
// from its key word, go out with it.
// Before (in the guest, -O2 and -O0): ATTACK SUCCEEDED in each case.
// Fixed: any element of an array of pointers points to what its first
// does, an array variable's pointers are noted as its elements', and a
// flexible member's by its first element.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s %S/Inputs/pointee-sink.c -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s %S/Inputs/pointee-sink.c -o %t0
// RUN: %run %t0 | FileCheck %s
// CHECK: member index: check 90 n 0x1020304
// CHECK: array variable: check 90 n 0x1020304
// CHECK: flexible: check 90 n 0x1020304
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: key bytes in the padding: none
#include "Inputs/check.h"
#include "Inputs/vault-word.h"
#include "Inputs/pointee-sink.h"

struct holder { int k; struct small *s[2]; };
struct table { long count; struct small *rows[]; };

BULKHEAD_DATA(vault) struct holder *vault_holder;
BULKHEAD_DATA(vault) struct small *vault_rows[2];
BULKHEAD_DATA(vault) struct table *vault_table;

BULKHEAD_ENTRY(vault) void vault_pass(int how, int i) {
  if (!vault_holder) {
    vault_holder = calloc(1, sizeof *vault_holder);
    vault_table = calloc(1, sizeof *vault_table + 2 * sizeof(struct small *));
    for (int k = 0; k < 2; k++) {
      vault_holder->s[k] = calloc(1, sizeof(struct small));
      vault_rows[k] = calloc(1, sizeof(struct small));
      vault_table->rows[k] = calloc(1, sizeof(struct small));
    }
  }
  struct small *p = how == 0   ? vault_holder->s[i]
                    : how == 1 ? vault_rows[i]
                               : vault_table->rows[i];
  uint64_t w = vault_word(vault_i);
  memcpy(p, &w, 8);
  p->check = 'Z';
  p->n = 0x01020304;
  switch (how) {
  case 0: keep_small(*vault_holder->s[i]); break;
  case 1: keep_small(*vault_rows[i]); break;
  case 2: keep_small(*vault_table->rows[1]); break;
  }
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int found = 0;
  const char *names[] = {"member index", "array variable", "flexible"};
  for (int how = 0; how < 3; how++) {
    forget_seen();
    vault_pass(how, 1);
    found |= report_small(names[how]);
  }
  printf("key bytes in the padding: %s\n", found ? "some" : "none");
  return 0;
}
