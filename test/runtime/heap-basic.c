// Compartment heaps: malloc and friends called from compartment code return
// memory on pages tagged with the compartment's key (the kernel says so in
// smaps), which the default domain and other compartments cannot touch
// (SEGV_PKUERR with the owner's key); calloc zeroes, realloc keeps contents
// and stays in the heap, aligned allocations are aligned, strdup/strndup
// copy into the heap. The default domain's heap is key 0, shared allocations
// are readable by the caller, and libc's own buffers stay shared.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t && %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 -fuse-ld=lld -no-pie %s -o %t.O0 && %run %t.O0 | FileCheck %s
// CHECK: printed first from compartment vault
// CHECK-NEXT: heap-basic: ok
#include "Inputs/check.h"
#include <errno.h>
#include <malloc.h>

/* ------------------------------------------------ compartment vault */
BULKHEAD_ENTRY(vault) char *v_malloc(size_t n, int fill);
BULKHEAD_ENTRY(vault) char *v_calloc(size_t k, size_t n);
BULKHEAD_ENTRY(vault) int v_calloc_after_reuse(size_t n);
BULKHEAD_ENTRY(vault) char *v_realloc(char *p, size_t n);
BULKHEAD_ENTRY(vault) int v_check(const char *p, size_t n, int fill);
BULKHEAD_ENTRY(vault) void v_free(void *p);
BULKHEAD_ENTRY(vault) void *v_aligned(int kind, size_t align, size_t n);
BULKHEAD_ENTRY(vault) int v_posix_memalign_einval(void);
BULKHEAD_ENTRY(vault) char *v_strdup(const char *s);
BULKHEAD_ENTRY(vault) char *v_strndup(const char *s, size_t n);
BULKHEAD_ENTRY(vault) int v_equals(const char *p, const char *expect);
BULKHEAD_ENTRY(vault) size_t v_usable(void *p);
BULKHEAD_ENTRY(vault) char *v_shared(const char *s);
BULKHEAD_ENTRY(vault) char *v_shared_grow(void);
BULKHEAD_ENTRY(vault) void v_print(void);
BULKHEAD_ENTRY(other) int o_read(const char *p);

BULKHEAD_DATA(vault) static int vault_calls;

char *v_malloc(size_t n, int fill) {
  vault_calls++;
  char *p = malloc(n);
  if (p)
    memset(p, fill, n);
  return p;
}
static int all(const char *p, size_t n, int v) {
  for (size_t i = 0; i < n; i++)
    if (p[i] != (char)v)
      return 0;
  return 1;
}
char *v_calloc(size_t k, size_t n) {
  char *p = calloc(k, n);
  return p && all(p, k * n, 0) ? p : NULL;
}
/* A block freed dirty and handed out again by calloc is zero. */
int v_calloc_after_reuse(size_t n) {
  int ok = 1;
  for (int i = 0; i < 50; i++) {
    char *p = malloc(n);
    memset(p, 0xff, n);
    free(p);
    char *q = calloc(1, n);
    ok &= all(q, n, 0);
    free(q);
  }
  return ok;
}
char *v_realloc(char *p, size_t n) { return realloc(p, n); }
int v_check(const char *p, size_t n, int fill) { return all(p, n, fill); }
void v_free(void *p) { free(p); }
void *v_aligned(int kind, size_t align, size_t n) {
  void *p = NULL;
  switch (kind) {
  case 0: return posix_memalign(&p, align, n) ? NULL : p;
  case 1: return aligned_alloc(align, n);
  case 2: return memalign(align, n);
  case 3: return valloc(n);
  default: return pvalloc(n);
  }
}
int v_posix_memalign_einval(void) {
  void *p = (void *)1;
  return posix_memalign(&p, 24, 16) == EINVAL && p == (void *)1;
}
char *v_strdup(const char *s) { return strdup(s); }
char *v_strndup(const char *s, size_t n) { return strndup(s, n); }
int v_equals(const char *p, const char *expect) { return !strcmp(p, expect); }
size_t v_usable(void *p) { return malloc_usable_size(p); }
char *v_shared(const char *s) {
  char *p = bulkhead_shared_malloc(strlen(s) + 1);
  strcpy(p, s);
  return p;
}
char *v_shared_grow(void) {
  char *p = bulkhead_shared_calloc(4, 1);
  strcpy(p, "abc");
  p = bulkhead_shared_realloc(p, 1 << 20);
  p[(1 << 20) - 1] = 0;
  return p;
}
/* The first stdio use in the program: libc allocates stdout's buffer here,
 * and it must not come from vault's heap (main prints next). */
void v_print(void) { printf("printed first from compartment %s\n", "vault"); }
int o_read(const char *p) { return *(volatile const char *)p; }

/* ------------------------------------------------------------ main */
static void read_byte(void *p) { (void)*(volatile char *)p; }
static void write_byte(void *p) { *(volatile char *)p = 1; }
static void other_reads(void *p) { o_read(p); }

static int vault;

static void expect_fault(void (*fn)(void *), void *p) {
  struct outcome o = run_in_child(fn, p);
  CHECK(o.signo == SIGSEGV);
  CHECK(o.code == SEGV_PKUERR);
  CHECK(o.pkey == vault);
  CHECK(o.addr == (uintptr_t)p);
}

static void expect_vault_block(void *p, size_t n) {
  CHECK(p != NULL);
  CHECK(page_pkey(p) == vault);
  CHECK(page_pkey((char *)p + n - 1) == vault);
}

int main(void) {
  vault = bulkhead_compartment_pkey("vault");
  int other = bulkhead_compartment_pkey("other");
  CHECK(vault > 0 && other > 0 && other != vault);

  v_print(); /* before any output of main's */

  /* malloc: small, large, huge blocks all on vault's pages. */
  size_t sizes[] = {1, 24, 100, 4096, 100000, 3 << 20, 80 << 20};
  for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
    char *p = v_malloc(sizes[i], 0x5a);
    expect_vault_block(p, sizes[i]);
    CHECK(v_check(p, sizes[i], 0x5a));
    expect_fault(read_byte, p);
    expect_fault(write_byte, p + sizes[i] - 1);
    expect_fault(other_reads, p);
    v_free(p);
  }

  /* calloc zeroes, fresh and reused. */
  char *z = v_calloc(1000, 10);
  expect_vault_block(z, 10000);
  v_free(z);
  z = v_calloc(1, 5 << 20);
  expect_vault_block(z, 5 << 20);
  v_free(z);
  CHECK(v_calloc_after_reuse(64));
  CHECK(v_calloc_after_reuse(70000));
  CHECK(v_calloc(SIZE_MAX / 2, 4) == NULL); /* overflow */

  /* realloc keeps contents and stays in vault's heap, growing and shrinking. */
  char *r = v_malloc(100, 0x33);
  r = v_realloc(r, 1 << 20);
  expect_vault_block(r, 1 << 20);
  CHECK(v_check(r, 100, 0x33));
  r = v_realloc(r, 10);
  expect_vault_block(r, 10);
  CHECK(v_check(r, 10, 0x33));
  v_free(r);
  r = v_realloc(NULL, 50); /* realloc(NULL) allocates in the compartment */
  expect_vault_block(r, 50);
  v_free(r);
  /* A default-heap block reallocated by the compartment moves into its heap. */
  char *d = malloc(6);
  strcpy(d, "hello");
  CHECK(page_pkey(d) == 0);
  d = v_realloc(d, 4096);
  expect_vault_block(d, 4096);
  CHECK(v_equals(d, "hello"));
  expect_fault(read_byte, d);
  v_free(d);

  /* Aligned allocations: aligned and in vault's heap. */
  size_t aligns[] = {16, 64, 4096, 65536, 1 << 20};
  for (int kind = 0; kind < 3; kind++)
    for (size_t i = 0; i < sizeof aligns / sizeof *aligns; i++) {
      void *p = v_aligned(kind, aligns[i], 1000);
      expect_vault_block(p, 1000);
      CHECK((uintptr_t)p % aligns[i] == 0);
      CHECK(v_usable(p) >= 1000);
      v_free(p);
    }
  for (int kind = 3; kind < 5; kind++) {
    void *p = v_aligned(kind, 0, 5000);
    expect_vault_block(p, 5000);
    CHECK((uintptr_t)p % 4096 == 0);
    v_free(p);
  }
  CHECK(v_posix_memalign_einval());

  /* strdup/strndup from compartment code copy into vault's heap. */
  char *s = v_strdup("secret key material");
  expect_vault_block(s, 20);
  CHECK(v_equals(s, "secret key material"));
  expect_fault(read_byte, s);
  v_free(s);
  s = v_strndup("0123456789", 4);
  expect_vault_block(s, 5);
  CHECK(v_equals(s, "0123"));
  v_free(s);
  CHECK(v_usable(v_malloc(1, 0)) >= 1); /* (leaked: fine) */

  /* Shared allocations: the caller reads them and frees them. */
  char *sh = v_shared("for the caller");
  CHECK(page_pkey(sh) == 0);
  CHECK(!strcmp(sh, "for the caller"));
  free(sh);
  sh = v_shared_grow();
  CHECK(page_pkey(sh) == 0 && !strcmp(sh, "abc"));
  free(sh);

  /* The default domain's own heap: key 0, works as ever. */
  char *m = malloc(1000);
  CHECK(m && page_pkey(m) == 0);
  memset(m, 1, 1000);
  char *c = calloc(10, 10);
  CHECK(c && page_pkey(c) == 0 && c[99] == 0);
  m = realloc(m, 100000);
  CHECK(m && page_pkey(m) == 0 && m[999] == 1);
  free(m);
  free(c);
  char *t = strdup("plain");
  CHECK(page_pkey(t) == 0 && !strcmp(t, "plain"));
  free(t);

  printf("heap-basic: ok\n");
  return 0;
}
