// Review 5 (attacker A): libc functions that copy a compartment's data into
// memory libc allocates, not in docs/heaps.md's table of them ("libc
// functions that copy compartment data"). libc's own allocations come from
// the shared heap (runtime/heap.c alloc_index: the caller's return address
// is in libc), so the copy is key-0 memory and the default domain reads
// the vault's secret through the pointer the vault keeps:
// - wcsdup, the wide-character strdup (a password read as wchar_t, say),
//   and __strdup, glibc's own name for its strdup (older glibc headers
//   turned strdup into it when optimizing): strdup and strndup are the
//   runtime's for exactly this reason, these two are libc's;
// - argz_add, envz_add (the whole entry, "K=secret");
// - open_wmemstream (the wide open_memstream, which the table lists);
// - ecvt (fcvt, gcvt alike): not the heap but a static buffer in libc's
//   key-0 data.
// strdup is checked first: it stays private. Reproduced in the QEMU guest
// (glibc 2.36). The test fails while any of them leaves a copy on key 0.
// wcsdup and __strdup are now the runtime's (heap-other-names.c); the rest
// are documented in docs/heaps.md's table, and stay open.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t | FileCheck %s
// CHECK: vault's strdup: private
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: attacks-review5-libc-copies: ok
// XFAIL: *
#include "Inputs/check.h"

#include <argz.h>
#include <envz.h>
#include <wchar.h>

BULKHEAD_DATA(vault) static char narrow[32] = "the vault's narrow secret";
BULKHEAD_DATA(vault) static wchar_t wide[32] = L"the vault's wide secret 0123";
BULKHEAD_DATA(vault) static double number = 31415926.5358979;
BULKHEAD_DATA(vault) static void *kept[8];

extern char *__strdup(const char *);

enum { STRDUP, WCSDUP, DUNDER_STRDUP, ARGZ, ENVZ, WMEMSTREAM, ECVT, HOW };
static const char *const names[HOW] = {"strdup",  "wcsdup",
                                       "__strdup", "argz_add",
                                       "envz_add", "open_wmemstream",
                                       "ecvt"};

/* Keeps a working copy of its secret, made one way or another. */
BULKHEAD_ENTRY(vault) void *vault_copy(int how) {
  void *r = NULL;
  size_t len = 0;
  int dec, sign;
  switch (how) {
  case STRDUP:
    r = strdup(narrow);
    break;
  case WCSDUP:
    r = wcsdup(wide);
    break;
  case DUNDER_STRDUP:
    r = __strdup(narrow);
    break;
  case ARGZ:
    if (argz_add((char **)&r, &len, narrow))
      r = NULL;
    break;
  case ENVZ:
    if (envz_add((char **)&r, &len, "K", narrow))
      r = NULL;
    break;
  case WMEMSTREAM: {
    FILE *f = open_wmemstream((wchar_t **)&r, &len);
    if (f) {
      fputws(wide, f);
      fclose(f);
    }
    break;
  }
  case ECVT:
    r = ecvt(number, 15, &dec, &sign);
    break;
  }
  kept[how] = r;
  return r;
}

int main(void) {
  int vault_key = bulkhead_compartment_pkey("vault");
  CHECK(vault_key > 0);
  char *s = vault_copy(STRDUP);
  CHECK(s && page_pkey(s) == vault_key);
  printf("vault's strdup: private\n");
  int leaked = 0;
  for (int how = WCSDUP; how < HOW; how++) {
    void *r = vault_copy(how);
    CHECK(r);
    if (page_pkey(r) == vault_key)
      continue;
    printf("ATTACK SUCCEEDED: the vault's %s copy %p is on key %d and reads ",
           names[how], r, page_pkey(r));
    if (how == WCSDUP || how == WMEMSTREAM)
      printf("\"%ls\"\n", (const wchar_t *)r);
    else
      printf("\"%s\"\n", (const char *)r);
    leaked = 1;
  }
  if (leaked)
    return 1;
  printf("attacks-review5-libc-copies: ok\n");
  return 0;
}
