// The allocation functions of other systems that libmimalloc.so.2 also
// exports (BSD's reallocf, NetBSD's reallocarr, cfree, vfree, macOS's
// malloc_size and malloc_good_size, Windows' _aligned_malloc, glibc's
// internal names) are the runtime's too (runtime/heap.c): called from a
// compartment they allocate from its heap, on its key, and behave as on
// their systems; from the default domain they use the shared heap. So are
// wcsdup and glibc's __strdup, which libc would allocate from libc, so from
// the shared heap (attacks-review5-libc-copies.c).
// Bound to libmimalloc instead, they would run the shared allocator with
// the compartment's rights (attacks-review4-mimalloc-exports.c).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t && %run %t | FileCheck %s
// CHECK: heap-other-names: ok
#include "Inputs/check.h"
#include <errno.h>
#include <wchar.h>

void *reallocf(void *p, size_t n);
int reallocarr(void *pp, size_t k, size_t n);
void cfree(void *p);
void vfree(void *p);
size_t malloc_size(const void *p);
size_t malloc_good_size(size_t n);
void *_aligned_malloc(size_t n, size_t align);
void *__libc_valloc(size_t n);
int __posix_memalign(void **out, size_t align, size_t n);
char *__strdup(const char *s);

static int vault_key;

static void expect_vault(const void *p) { CHECK(p && page_pkey(p) == vault_key); }

BULKHEAD_ENTRY(vault) int vault_uses_them(void) {
  char *p = malloc(8);
  strcpy(p, "abcdefg");
  p = reallocf(p, 4096); /* grows, keeps its bytes */
  expect_vault(p);
  CHECK(!strcmp(p, "abcdefg") && malloc_size(p) >= 4096);
  CHECK(malloc_good_size(100) >= 100);
  CHECK(reallocf(p, (size_t)1 << 62) == NULL); /* too big: p is freed */

  int *a = NULL;
  CHECK(reallocarr(&a, 4, sizeof *a) == 0);
  expect_vault(a);
  a[3] = 7;
  CHECK(reallocarr(&a, 1024, sizeof *a) == 0 && a[3] == 7);
  CHECK(reallocarr(&a, (size_t)1 << 62, 8) == EOVERFLOW && a[3] == 7);
  vfree(a);

  void *q = _aligned_malloc(100, 256);
  expect_vault(q);
  CHECK((uintptr_t)q % 256 == 0);
  cfree(q);
  q = __libc_valloc(10);
  expect_vault(q);
  CHECK((uintptr_t)q % 4096 == 0);
  free(q);
  CHECK(__posix_memalign(&q, 64, 10) == 0 && (uintptr_t)q % 64 == 0);
  expect_vault(q);
  free(q);
  wchar_t *w = wcsdup(L"wide");
  expect_vault(w);
  CHECK(!wcscmp(w, L"wide"));
  free(w);
  char *d = __strdup("narrow");
  expect_vault(d);
  CHECK(!strcmp(d, "narrow"));
  free(d);
  return 1;
}

int main(void) {
  vault_key = bulkhead_compartment_pkey("vault");
  CHECK(vault_key > 0);
  CHECK(vault_uses_them());
  char *p = reallocf(NULL, 16); /* the default domain's: shared */
  CHECK(p && page_pkey(p) == 0);
  cfree(p);
  printf("heap-other-names: ok\n");
  return 0;
}
