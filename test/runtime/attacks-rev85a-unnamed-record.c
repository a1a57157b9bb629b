// Review 85a, attacker model A (key-0 loads only). The record layouts of
// pass/RecordLayouts.cpp come from a variable's debug type, a global's, an
// sret result's, or a struct name the debug information has once. A
// struct the vault returns from its heap, `return *slot;`, is copied into
// clang's return-value temporary, which has no variable; its type was
// found by name only, and two records have none to find: a typedef'd
// anonymous struct (IR struct.rec_t, debug name empty, the typedef's
// "rec_t") and a second `struct tag` of the same name in another scope
// (IR struct.tag.0). Both {char check; _Alignas(8) int count;} travel as
// {i64, i32} with the [7 x i8] after the check byte kept: bytes 1-7 of
// the key word the vault copied into its record reached rax, and the
// honest default-domain caller keeps the record in a global where the
// attacker reads them. ATTACK SUCCEEDED 3 of 3 in the guest before in each
// of the three runs below (both records). Fixed: the variable a `ret`
// loads a struct result from takes the function's debug result type
// (pass/RecordLayouts.cpp relateReturned); 0 of 3 each after.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s -o %t0
// RUN: %run %t0 | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s -o %t1
// RUN: %run %t1 | FileCheck %s
// CHECK: typedef: check byte 90 count 7
// CHECK: second tag: check byte 90 count 7
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: key bytes in the padding: no
#include "Inputs/check.h"
#include "Inputs/vault-word.h"

typedef struct {
  char check;
  _Alignas(8) int count;
} rec_t;

void other_scope(void) {
  struct tag { int unrelated; } t = {1}; /* the first struct tag: IR struct.tag */
  (void)t;
}

struct tag {
  char check;
  _Alignas(8) int count;
};

BULKHEAD_DATA(vault) rec_t *vault_slot;
BULKHEAD_DATA(vault) struct tag *vault_tag;

BULKHEAD_ENTRY(vault) rec_t vault_rec(void) {
  if (!vault_slot)
    vault_slot = malloc(sizeof *vault_slot); /* the vault's heap */
  uint64_t w = vault_word(vault_i);
  memcpy(vault_slot, &w, 8);
  vault_slot->count = 7;
  return *vault_slot;
}

BULKHEAD_ENTRY(vault) struct tag vault_tag_rec(void) {
  if (!vault_tag)
    vault_tag = malloc(sizeof *vault_tag);
  uint64_t w = vault_word(vault_i);
  memcpy(vault_tag, &w, 8);
  vault_tag->count = 7;
  return *vault_tag;
}

rec_t last; /* the default domain's: it keeps the last records */
struct tag last_tag;

static const char key[] = KEY; /* rebuilt: main cannot read the vault's */

static int look(const char *what, const char *seen, int count) {
  printf("%s: check byte %d count %d\n", what, seen[0], count);
  int found = !memcmp(seen + 1, key + 9, 7);
  if (found)
    printf("ATTACK SUCCEEDED: the vault's key bytes in the %s padding\n", what);
  return found;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  last = vault_rec();
  last_tag = vault_tag_rec();
  /* The attacker: loads of the default domain's globals. */
  int found = look("typedef", (const char *)&last, last.count);
  found |= look("second tag", (const char *)&last_tag, last_tag.count);
  printf("key bytes in the padding: %s\n", found ? "yes" : "no");
  return 0;
}
