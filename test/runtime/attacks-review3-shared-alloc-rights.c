// Review (third attacker-A review): the process-wide libmimalloc, whose
// bookkeeping is all key-0 memory, runs with a compartment's rights
// whenever compartment code allocates or frees shared memory:
// bulkhead_shared_malloc/calloc/realloc/strdup (the documented way to
// hand data to a caller, docs/heaps.md), every allocation libc, ld.so or
// the C++ runtime make while a compartment runs (alloc_index sends them to
// mi_malloc), free/realloc/malloc_usable_size of a default-heap block from
// a compartment, and C++ new/delete in a compartment. The runtime calls
// mi_malloc and friends there without leaving the compartment and without
// checking the block (heap.c, bulkhead_shared_*). heaps.md says "the
// process-wide copy serves the default domain and only ever sees key-0
// memory"; the threat model's row for it says the worst is "disturbing
// the shared heap".
// Here the default domain rewrites only key-0 memory: this thread's
// default-heap word of libmimalloc.so.2 (static TLS, found through its
// TPOFF64 relocation as Inputs/heap-pointers.h finds a copy's) now points
// at a fake heap whose direct page for 6-byte blocks has its free list at
// the vault's key. vault_name() returns bulkhead_shared_strdup("vault"):
// mimalloc, with the vault's rights, pops the vault's key as the block,
// stores the key's first word into the fake page as the next free block
// (8 bytes of the vault's data in key-0 memory), and strdup writes
// "vault" over the key. Four calls read all 32 bytes and change the key.
// The same holds with the real heap (libmimalloc's _mi_heap_main, key-0
// .data) instead of the TLS word, and a free() by the vault of a buffer
// its caller gave it runs mimalloc's page-queue unlink on key-0 page
// headers with the vault's rights (a write of the attacker's word where
// the attacker chooses) -- not tested here.
// Fixed (runtime/shared-heap.c): compartment code reaches the
// process-wide allocator only through bh_as_default, with the default
// domain's rights on a key-0 stack, so the pop faults on the vault's key
// and the process stops. (Checking the returned block alone would not
// do: the read happens in the pop, before the runtime sees the block.)
// Before the fix: "LEAK" and "CHANGED".
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t && %run %t
#include "Inputs/heap-pointers.h"
#include "Inputs/key-words-verdict.h"

static const char original[32] = "vault master key 0123456789abcd";
BULKHEAD_DATA(vault) static char master[32] = "vault master key 0123456789abcd";

/* The documented way to hand data to a caller (docs/heaps.md). */
BULKHEAD_ENTRY(vault) char *vault_name(void) {
  return bulkhead_shared_strdup("vault");
}

BULKHEAD_ENTRY(vault) int vault_key_intact(void) {
  return !memcmp(master, original, sizeof master);
}


/* A fake heap: its direct page for 6-byte blocks is the fake page. */
static void *fake_heap[160];
static struct fake_page fake_page;

static int attack(void) {
  int vault_key = bulkhead_compartment_pkey("vault");
  CHECK(vault_key > 0 && page_pkey(master) == vault_key);
  char *name = vault_name(); /* as it should be: shared, readable */
  CHECK(name && !strcmp(name, "vault") && page_pkey(name) == 0);
  free(name);
  CHECK(vault_key_intact());

  void **dflt = NULL;
  dl_iterate_phdr(find_shared_tls, &dflt);
  CHECK(dflt && *dflt);
  fake_heap[1 + (6 + 7) / 8] = &fake_page; /* strdup("vault"): 6 bytes */
  unsigned long words[4];
  for (int k = 3; k >= 0; k--) { /* downwards: strdup writes 6 bytes at the block */
    fake_page.free = master + 8 * k;
    void *real = *dflt;
    *dflt = fake_heap;
    char *r = vault_name();
    *dflt = real;
    CHECK(r);
    words[k] = (unsigned long)fake_page.free; /* the vault's word, in key-0 memory */
  }
  return key_words_verdict("attacks-review3-shared-alloc-rights", words, original,
                           vault_key_intact());
}

int main(void) {
  return attack_in_child("attacks-review3-shared-alloc-rights", attack);
}
