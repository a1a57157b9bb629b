// Review 87a, attacker model A (key-0 loads only). A struct only ever
// behind pointers in the vault's file, passed out as clang's temporary of
// `c ? *a : *b`, has no variable, global or result to give its layout, and
// a struct of its name in another function (IR struct.tag beside the
// file's struct.tag.0, two debug records) rules out the name: the
// temporary's [7 x i8] after the check byte is data to the IR type, and
// bytes 1-7 of the key word the vault copied into its records reach the
// default-domain callee (another file), which keeps them in a global.
// ATTACK SUCCEEDED 3 of 3 in the guest at -O2 and at -O0 each. Fixed: a
// struct type no variable has takes the layout of the records of its
// name's last part that agree with it, when they all give one, and the
// driver asks for the records of every type the file declares
// (pass/RecordLayouts.cpp relateByName).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s %S/Inputs/rev87a-sink.c -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s %S/Inputs/rev87a-sink.c -o %t0
// RUN: %run %t0 | FileCheck %s
// CHECK: check byte 90 count 7
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: key bytes in the padding: no
#include "Inputs/check.h"
#include "Inputs/vault-word.h"

void other_scope(void) {
  struct tag { int unrelated; } t = {1}; /* IR struct.tag */
  (void)t;
}

struct tag { char check; _Alignas(8) int count; }; /* IR struct.tag.0 */
void sink(struct tag t);
extern unsigned char seen[sizeof(struct tag)];

BULKHEAD_DATA(vault) struct tag *vault_a, *vault_b;

BULKHEAD_ENTRY(vault) void vault_pass(int first) {
  if (!vault_a) {
    vault_a = malloc(sizeof *vault_a);
    vault_b = malloc(sizeof *vault_b);
  }
  uint64_t w = vault_word(vault_i);
  memcpy(vault_a, &w, 8);
  memcpy(vault_b, &w, 8);
  vault_a->count = 7;
  vault_b->count = 8;
  sink(first ? *vault_a : *vault_b);
}

static const char key[] = KEY; /* rebuilt: main cannot read the vault's */

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  vault_pass(1);
  int count;
  memcpy(&count, seen + 8, 4);
  printf("check byte %d count %d\n", seen[0], count);
  /* The attacker: loads of the default domain's global. */
  int found = !memcmp(seen + 1, key + 9, 7);
  if (found)
    printf("ATTACK SUCCEEDED: the vault's key bytes in the padding\n");
  printf("key bytes in the padding: %s\n", found ? "yes" : "no");
  return 0;
}
