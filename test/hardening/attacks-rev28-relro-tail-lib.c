// Review 28's partial RELRO page (attacks-rev28-relro-tail-got.c), in a
// start-up library that bulkhead-clang did not link, so no driver check
// sees it: linked by lld with -z common-page-size=64, its RELRO ends
// inside a page, and ld.so leaves that page, with the library's GOT words
// on it, writable. runtime/plt.c moves a PLT jump off its GOT word only
// when the word is writable, and took all of PT_GNU_RELRO for read-only:
// the library's strcmp jump kept reading the word. Attacker model A, one
// store: the program stores strcpy's address into that word (found in the
// library's relocations), and the vault's rev28_compare(guess, key) runs
// strcpy(guess, key) with the vault's rights (ATTACK SUCCEEDED, seen in
// the guest before the fix). Fixed: the runtime counts RELRO's whole
// pages only, as ld.so does (bh_object_read_only), so plt.c sees the
// library's writable GOT words; one of them (a GLOB_DAT word its code
// reads directly) cannot be moved, and the program stops before main with
// one line naming it.
// REQUIRES: pku
// RUN: rm -rf %t && mkdir %t
// RUN: %clang -O2 -fPIC -shared -fno-builtin -fuse-ld=lld -Wl,-z,now -Wl,-z,common-page-size=64 %S/Inputs/rev28-relro-lib.c -o %t/librev28relro.so
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -L%t -lrev28relro -Wl,-rpath,%t -o %t/prog
// RUN: not %run %t/prog 2>&1 | FileCheck %s
// CHECK: {{^}}bulkhead: error: {{.*}}/librev28relro.so+0x{{[0-9a-f]+}}: a writable GOT word (GLOB_DAT) that code reads directly
// CHECK-NOT: ATTACK SUCCEEDED
#define _GNU_SOURCE
#include <bulkhead.h>
#include "Inputs/got-slot.h"
#include <stdio.h>
#include <string.h>

int rev28_compare(const char *a, const char *b);

BULKHEAD_DATA(vault) char vault_key[32] = "TOP-SECRET-VAULT-KEY";

BULKHEAD_ENTRY(vault) int vault_check(char *guess) {
  return rev28_compare(guess, vault_key);
}

int main(void) {
  static char guess[32] = "a guess";
  struct got_slot got = {"librev28relro", "strcmp", NULL, 0};
  dl_iterate_phdr(got_slot_find, &got);
  void **slot = got.slot;
  uintptr_t relro_end = got.relro_end;
  printf("strcmp's GOT word found: %d\n", slot != NULL);
  printf("on RELRO's partial last page: %d\n",
         slot && relro_end % 4096 &&
             (uintptr_t)slot >= (relro_end & ~(uintptr_t)4095) &&
             (uintptr_t)slot < relro_end);
  fflush(stdout);
  if (!slot)
    return 1;
  *slot = (void *)strcpy; /* the one store */
  vault_check(guess);
  if (strstr(guess, "TOP-SECRET"))
    printf("ATTACK SUCCEEDED: the vault's key in the program's memory: %s\n",
           guess);
  else
    printf("attack failed: %s\n", guess);
  return 0;
}
