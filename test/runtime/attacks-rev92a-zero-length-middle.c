// Review 92a, attacker model A (the default domain's honest callee keeps
// what a call out of the vault passes it in a global; the attacker reads
// key-0 memory). Review 91a's fix notes a flexible array member of record
// pointers by its first element: any size-0 array of them got one element
// noted. A GNU zero-length array `struct small *none[0]` in the middle of
// a struct shares its offset with the member after it, `struct mid *m`:
// two pointers at one offset to records of different layouts give none,
// so `*s->m` (which found mid's layout before review 91a's fix) found no
// record, and mid's padding bytes 5-7, which the vault filled from its key
// word, went out with it.
// Before (in the guest, -O2 and -O0, LLVM 19 and 22): ATTACK SUCCEEDED.
// Fixed: only a trailing array (the last member of a struct that is no
// other's member before another, no union's) is noted past its size.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s %S/Inputs/pointee-sink.c -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s %S/Inputs/pointee-sink.c -o %t0
// RUN: %run %t0 | FileCheck %s
// CHECK: mid: x 0x7 check 90
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: key bytes in the padding: none
#include "Inputs/check.h"
#include "Inputs/vault-word.h"
#include "Inputs/pointee-sink.h"

struct sec { long count; struct small *none[0]; struct mid *m; };

BULKHEAD_DATA(vault) struct sec *vault_sec;

BULKHEAD_ENTRY(vault) void vault_pass(void) {
  if (!vault_sec) {
    vault_sec = calloc(1, sizeof *vault_sec);
    vault_sec->m = calloc(1, sizeof(struct mid));
  }
  struct mid *m = vault_sec->m;
  VAULT_FILL(m, m->x = 7, m->check = 'Z', m->y = 9);
  keep_mid(*vault_sec->m);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  vault_pass();
  int found = report_mid("mid");
  printf("key bytes in the padding: %s\n", found ? "some" : "none");
  return 0;
}
