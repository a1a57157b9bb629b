// Review 5 (attacker A): wcsdup, the wide-character strdup, is libc's, not
// the runtime's. libc allocates its copy itself, and libc's own
// allocations come from the shared heap (runtime/heap.c alloc_index: the
// caller's return address is in libc), so a vault that duplicates its
// wide-character secret (a password read as wchar_t, say) puts the copy in
// key-0 memory, and the default domain reads it from the pointer the vault
// keeps. strdup and strndup are the runtime's for exactly this reason;
// docs/heaps.md's table of libc functions that copy compartment data does
// not list wcsdup. glibc also exports __strdup, the same code as its
// strdup (a weak alias): called by that name (older glibc headers turned
// strdup into __strdup when optimizing) it copies into the shared heap
// too. Reproduced in the QEMU guest (glibc 2.36).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t | FileCheck %s
// CHECK: vault's strdup: private
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: attacks-review5-wcsdup: ok
// XFAIL: *
#include "Inputs/check.h"

#include <wchar.h>

BULKHEAD_DATA(vault) static wchar_t secret[32] = L"the vault's wide secret 0123";
BULKHEAD_DATA(vault) static char narrow[32] = "the vault's narrow secret";
BULKHEAD_DATA(vault) static void *kept[3];

extern char *__strdup(const char *);

/* Keeps a working copy of its secret; hands out only the handle. */
BULKHEAD_ENTRY(vault) void *vault_open(int how) {
  kept[how] = how == 0   ? (void *)strdup(narrow)
              : how == 1 ? (void *)wcsdup(secret)
                         : (void *)__strdup(narrow);
  return kept[how];
}

int main(void) {
  int vault_key = bulkhead_compartment_pkey("vault");
  CHECK(vault_key > 0);
  char *n = vault_open(0);
  CHECK(n && page_pkey(n) == vault_key);
  printf("vault's strdup: private\n");
  int leaked = 0;
  wchar_t *w = vault_open(1);
  CHECK(w);
  if (page_pkey(w) != vault_key) {
    printf("ATTACK SUCCEEDED: the vault's wcsdup copy %p is on key %d and "
           "reads \"%ls\"\n",
           (void *)w, page_pkey(w), w);
    leaked = 1;
  }
  char *d = vault_open(2);
  CHECK(d);
  if (page_pkey(d) != vault_key) {
    printf("ATTACK SUCCEEDED: the vault's __strdup copy %p is on key %d and "
           "reads \"%s\"\n",
           (void *)d, page_pkey(d), d);
    leaked = 1;
  }
  if (leaked)
    return 1;
  printf("attacks-review5-wcsdup: ok\n");
  return 0;
}
