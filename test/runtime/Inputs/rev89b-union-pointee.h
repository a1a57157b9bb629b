/* The vault of padding-rev89b-union-pointee.c and
 * attacks-rev89b-union-pointee.c: a struct small reached through a union
 * of two record pointers in a struct, `*q->u.s`, passed by value to a
 * default-domain callee (Inputs/pointee-sink.c) that keeps its bytes. The
 * other member points to a struct pun of the same size whose bytes 1-3 are
 * data and 5-7 padding: the opposite of struct small's. */
#include "check.h"
#include "vault-word.h"
#include "pointee-sink.h"

struct pun { int a; char b; };          /* bytes 5-7 padding */
union either { struct small *s; struct pun *p; };
struct holder { int k; union either u; };

BULKHEAD_DATA(vault) struct holder *vault_holder;

BULKHEAD_INTERNAL(vault) __attribute__((noinline)) static void
pass_small(struct holder *q) {
  keep_small(*q->u.s);
}

BULKHEAD_ENTRY(vault) void vault_pass(void) {
  if (!vault_holder) {
    vault_holder = calloc(1, sizeof *vault_holder);
    vault_holder->u.s = calloc(1, sizeof(struct small));
  }
  uint64_t w = vault_word(vault_i);
  memcpy(vault_holder->u.s, &w, 8);
  vault_holder->u.s->check = 'Z';
  vault_holder->u.s->n = 0x01020304;
  pass_small(vault_holder);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  vault_pass();
  int found = report_small("union member");
  printf("key bytes in the padding: %s\n", found ? "some" : "none");
  return 0;
}
