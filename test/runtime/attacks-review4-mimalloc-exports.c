// Review 4 (attacker A): the shared heap's allocator still runs with a
// compartment's rights when compartment code calls an allocation function
// the runtime does not define. runtime/heap.c and runtime/cxx.c define
// malloc ... strndup and C++'s operators, and send compartment calls of the
// shared heap through bh_as_default (runtime/shared-heap.c); but
// libmimalloc.so.2 also exports reallocf, reallocarr, cfree, vfree,
// malloc_size, _aligned_malloc, __posix_memalign, __libc_valloc,
// __libc_pvalloc and the mi_* API, and a compartment's call of one of
// those binds to libmimalloc and runs it in place: mimalloc's key-0
// bookkeeping followed with the compartment's rights, as before review 3's
// fix. docs/heaps.md says these "use the shared heap" and that the
// process-wide allocator "only ever runs with the default domain's
// rights".
// Here a vault entry grows a caller's string with BSD's reallocf (frees
// the old buffer on failure; libbsd has it too). The default domain
// points this thread's default-heap word of libmimalloc.so.2 (static TLS,
// Inputs/heap-pointers.h) at a fake heap whose direct page for 16-byte
// blocks has its free list at the vault's key: mimalloc, with the vault's
// rights, pops the key as the new block, stores the key's first word into
// the fake page (8 bytes of the vault's data in key-0 memory) and copies
// the caller's string over the key. Four calls read all 32 bytes (the
// technique of attacks-review3-shared-alloc-rights.c).
// Fixed for every name but the mi_* API: the runtime defines them all
// (runtime/heap.c), so they bind to its allocator. Built with -DGROW=NAME
// by attacks-review4-mimalloc-api.c (mi_realloc, runtime/mimalloc-api.c).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t && %run %t
#include "Inputs/heap-pointers.h"
#include "Inputs/key-words-verdict.h"

#ifndef GROW
#define GROW reallocf
#endif
void *GROW(void *p, size_t n); /* BSD's reallocf; libmimalloc.so.2 has it */

static const char original[32] = "vault master key 0123456789abcd";
BULKHEAD_DATA(vault) static char master[32] = "vault master key 0123456789abcd";

/* Appends "-signed" to the caller's malloc'd string, growing it. */
BULKHEAD_ENTRY(vault) char *vault_sign(char *s) {
  size_t n = strlen(s);
  char *t = GROW(s, n + 8);
  if (t)
    memcpy(t + n, "-signed", 8);
  return t;
}

BULKHEAD_ENTRY(vault) int vault_key_intact(void) {
  return !memcmp(master, original, sizeof master);
}

/* A fake heap: its direct page for 16-byte blocks is the fake page. */
static void *fake_heap[160];
static struct fake_page fake_page;

static int attack(void) {
  int vault_key = bulkhead_compartment_pkey("vault");
  CHECK(vault_key > 0 && page_pkey(master) == vault_key);
  char *s = strdup("abcdefg");
  s = vault_sign(s); /* as it should be: shared, readable */
  CHECK(s && !strcmp(s, "abcdefg-signed") && page_pkey(s) == 0);
  free(s);
  CHECK(vault_key_intact());

  void **dflt = NULL;
  dl_iterate_phdr(find_shared_tls, &dflt);
  CHECK(dflt && *dflt);
  fake_heap[1 + (15 + 7) / 8] = &fake_page; /* reallocf(s, 7 + 8) */
  unsigned long words[4];
  for (int k = 3; k >= 0; k--) { /* downwards: each call writes 15 bytes at the block */
    s = strdup("abcdefg");     /* 8 bytes: reallocf must move it */
    CHECK(s);
    fake_page.free = master + 8 * k;
    void *real = *dflt;
    *dflt = fake_heap;
    char *r = vault_sign(s);
    *dflt = real;
    CHECK(r);
    words[k] = (unsigned long)fake_page.free; /* the vault's word, in key-0 memory */
  }
  return key_words_verdict("attacks-review4-mimalloc-exports", words, original,
                           vault_key_intact());
}

int main(void) {
  return attack_in_child("attacks-review4-mimalloc-exports", attack);
}
