// A hardened program prepares at start-up the heap of every compartment a
// dlopen may register later (docs/heaps.md, "Compartments loaded later"):
// for each reserved key, a private libmimalloc copy whose writable data
// carries that key, which no domain holds until the supervisor gives it,
// so the default domain can neither read nor write it; the key's heap
// region stays PROT_NONE and untagged until that grant; the heap tables
// (bh_heap_rt) are read-only. The start-up compartment's heap works as
// before. Before these copies existed, no mapping of a copy carried a
// reserved key ("no copy sealed with reserved key").
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t && %run %t | FileCheck %s
// CHECK: vault heap: ok
// CHECK-NEXT: late copies: sealed, one per reserved key
// CHECK-NEXT: heap tables: read-only
#include "Inputs/check.h"
#include "../../runtime/internal.h"

extern char bh_heap_rt[] __attribute__((visibility("hidden")));

BULKHEAD_ENTRY(vault) int vault_alloc(void) {
  char *p = malloc(100);
  if (!p)
    return -1;
  memset(p, 7, 100);
  p = realloc(p, 5000);
  int r = p && p[99] == 7;
  free(p);
  return r;
}

static void load(void *p) { (void)*(volatile char *)p; }
static void store(void *p) { *(volatile char *)p = 1; }

/* "perms" of the mapping holding p, from /proc/self/maps. */
static void perms_of(const void *p, char out[5]) {
  FILE *f = fopen("/proc/self/maps", "r");
  CHECK(f);
  out[0] = 0;
  for (char line[512]; fgets(line, sizeof line, f);) {
    unsigned long lo, hi;
    char perms[5];
    if (sscanf(line, "%lx-%lx %4s", &lo, &hi, perms) == 3 &&
        (uintptr_t)p >= lo && (uintptr_t)p < hi)
      memcpy(out, perms, 5);
  }
  fclose(f);
}

int main(void) {
  int vault_key = bulkhead_compartment_pkey("vault");
  CHECK(vault_key > 0 && vault_alloc() == 1);
  printf("vault heap: ok\n");

  int n = bh_state->reserved_keys;
  CHECK(n > 0);
  for (int s = 0; s < n; s++) {
    int key = bh_state->reserved_key[s];
    CHECK(key > 0 && key != vault_key);
    const void *data = object_page_with_key("bulkhead-mimalloc", key);
    if (!data) {
      printf("no copy sealed with reserved key %d\n", key);
      return 1;
    }
    struct outcome o = run_in_child(load, (void *)data);
    CHECK(o.signo == SIGSEGV && o.code == SEGV_PKUERR && o.pkey == key);
    o = run_in_child(store, (void *)data);
    CHECK(o.signo == SIGSEGV && o.code == SEGV_PKUERR && o.pkey == key);
    /* Its region: untouched until the grant. */
    uintptr_t rlo, rhi;
    CHECK(bh_heap_reserved_slot(s, &rlo, &rhi) == 0 && rhi > rlo);
    char perms[5];
    perms_of((void *)rlo, perms);
    CHECK(!strcmp(perms, "---p") && page_pkey((void *)rlo) == 0);
  }
  printf("late copies: sealed, one per reserved key\n");

  char perms[5];
  perms_of(bh_heap_rt, perms);
  CHECK(!strcmp(perms, "r--p"));
  struct outcome o = run_in_child(store, bh_heap_rt);
  CHECK(o.signo == SIGSEGV && o.code == SEGV_ACCERR);
  printf("heap tables: read-only\n");
  return 0;
}
