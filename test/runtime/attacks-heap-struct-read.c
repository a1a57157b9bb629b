// Variant of attacks-review-heap-read.c that leaves the per-thread heap
// pointer (__bulkhead_heap_tls.heap[i]) alone: the vault's real mi_heap_t,
// which that pointer points to, is itself key-0 memory (mimalloc allocates
// it from the thread's backing heap, outside the vault's region). The
// default domain reads the pointer, rewrites one entry of the real heap's
// pages_free_direct[] to a page of its own, and the vault's next malloc
// pops a block from there with the vault's rights, storing the block's
// first word (8 bytes of vault memory, at an address the attacker chose)
// into the attacker's page. So validating the heap pointer (keeping a list
// of the heaps the runtime created, on the vault's pages) would not close
// attacks-review-heap-read.c: the heap structures, their thread data and
// the copy's globals need to be the vault's memory too (threat-model.md,
// "Runtime state", the heap rows).
// Fixed: the vault's heap is the copy's main heap, in the copy's data,
// which is on the vault's key, as are its thread data, globals and arena
// descriptor. The attacker still finds the heap (through the copy's
// per-thread default heap, a key-0 word) but cannot write it. Before the
// fix: "LEAK".
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t && %run %t
#include "Inputs/heap-pointers.h"

BULKHEAD_DATA(vault) static char master[32] = "vault master key 0123456789abcd";

struct session {
  char key[32];
};

BULKHEAD_ENTRY(vault) struct session *vault_session(void) {
  struct session *s = malloc(sizeof *s);
  if (s)
    memcpy(s->key, master, sizeof master);
  return s;
}

/* Copies a message into a scratch buffer of the vault's heap. */
BULKHEAD_ENTRY(vault) int vault_log(const char *msg) {
  size_t n = strlen(msg) + 1;
  char *b = malloc(n < 16 ? 16 : n);
  if (!b)
    return -1;
  memcpy(b, msg, n);
  int r = (int)strlen(b);
  free(b);
  return r;
}

static struct fake_page fake_page;

/* A default-domain store into the heap's direct page table. */
static void store(void *p) {
  ((void *volatile *)p)[1 + (16 + 7) / 8] = &fake_page;
}

int main(void) {
  int vault_key = bulkhead_compartment_pkey("vault");
  struct session *s = vault_session(); /* an opaque handle */
  CHECK(s && page_pkey(s) == vault_key);
  CHECK(vault_log("hello") == 5);
  /* The heaps this thread's key-0 memory points to: the vault's real one
   * among them. Each is only read here, never replaced. */
  void **where[8];
  int n = heap_pointers(where, 8), attacked = 0;
  CHECK(n >= 1);
  unsigned long words[4] = {0};
  for (int j = 0; j < n; j++) {
    void **heap = *where[j];
    if (page_pkey(heap) != 0) {
      /* Not key-0 memory: it must be the vault's, and a store faults. */
      CHECK(page_pkey(heap) == vault_key);
      struct outcome o = run_in_child(store, heap);
      CHECK(o.signo == SIGSEGV && o.code == SEGV_PKUERR && o.pkey == vault_key);
      continue;
    }
    attacked++;
    void **direct = &heap[1 + (16 + 7) / 8]; /* vault_log's malloc(16) */
    for (int k = 3; k >= 0;
         k--) { /* downwards: the vault writes 16 bytes at the block */
      void *real_page = *direct;
      fake_page.free = (char *)s + 8 * k;
      *direct = &fake_page; /* a key-0 store into the real heap */
      vault_log("hello");
      *direct = real_page;
      words[k] =
          (unsigned long)fake_page.free; /* the vault's word, in key-0 memory */
    }
    char stolen[33] = {0};
    memcpy(stolen, words, 32);
    if (!memcmp(stolen, "vault master key", 16)) {
      fprintf(
          stderr,
          "attacks-heap-struct-read: LEAK: the vault's session key \"%s\"\n",
          stolen);
      return 1;
    }
  }
  printf("attacks-heap-struct-read: ok (%d heaps, %d in key-0 memory)\n", n,
         attacked);
  return 0;
}
