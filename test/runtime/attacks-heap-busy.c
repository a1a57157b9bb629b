// Data-only attack on the heap's per-thread state (issue 11, break 2):
// default-domain code sets the key-0 TLS word `busy` of runtime/heap.c
// (inside the runtime's own heap work) with a plain store, then calls into
// the vault, which allocates and fills a block with its secret. Before the
// fix the allocation came from the shared heap, readable by everyone; it
// must come from the vault's heap, on pages tagged with the vault's key.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t && %run %t
#include "Inputs/check.h"

/* The layout of runtime/heap.c's per-thread state (public: it is in the
 * binary); the attacker only needs where `busy` is. */
struct heap_tls {
  int busy;
};
extern __thread struct heap_tls heap_tls __asm__("__bulkhead_heap_tls")
    __attribute__((visibility("hidden")));

BULKHEAD_DATA(vault) static char secret[32] = "the vault's secret";

BULKHEAD_ENTRY(vault) char *vault_copy(void) {
  char *p = malloc(sizeof secret);
  if (p)
    memcpy(p, secret, sizeof secret);
  return p;
}

static void read_block(void *p) { CHECK(((volatile char *)p)[0] != 0x7f); }

int main(void) {
  /* Before the attack: a private block. */
  char *p = vault_copy();
  CHECK(p && page_pkey(p) == bulkhead_compartment_pkey("vault"));

  heap_tls.busy = 1; /* the attack: one key-0 store */
  char *q = vault_copy();
  heap_tls.busy = 0;
  CHECK(q);
  int key = page_pkey(q);
  if (key != bulkhead_compartment_pkey("vault"))
    fprintf(stderr, "attacks-heap-busy: the vault's block %p is on key %d\n",
            (void *)q, key);
  CHECK(key == bulkhead_compartment_pkey("vault"));
  /* And the default domain cannot read it. */
  struct outcome o = run_in_child(read_block, q);
  CHECK(o.signo == SIGSEGV && o.code == SEGV_PKUERR &&
        o.pkey == bulkhead_compartment_pkey("vault"));
  printf("attacks-heap-busy: ok\n");
  return 0;
}
