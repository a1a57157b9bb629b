// Data-only attack on the sharing policy's brackets (found in review of
// issue 11): they were key-0 TLS (runtime/share.c). Default-domain code
// forges share.c's key-0 words for the vault with plain stores, then calls
// into the vault, which allocates and fills a block with its secret. The
// vault was built without a sharing policy, so they must mean nothing:
// before the first fix the allocation came from the shared heap, readable
// by everyone. With a policy: attacks-share-policy-brackets.c.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t && %run %t | FileCheck %s
// CHECK: attacks-share-brackets: ok
#include "Inputs/check.h"

#include <stdint.h>

/* runtime/share.c's key-0 per-thread word: where to look for the
 * thread's records (per compartment). The brackets and the log of the
 * thread's longjmps are on each policy compartment's key. */
extern __thread uintptr_t hint[15] __asm__("bh_share_hint")
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
  char *p = vault_copy();
  CHECK(p && page_pkey(p) == bulkhead_compartment_pkey("vault"));

  /* The attack: every key-0 word of share.c for compartment 0 (the only
   * one) forged. When the brackets were these words, one that no stack
   * position could close. */
  hint[0] = 1;
  char *q = vault_copy();
  hint[0] = 0;
  CHECK(q);
  int key = page_pkey(q);
  if (key != bulkhead_compartment_pkey("vault"))
    fprintf(stderr, "attacks-share-brackets: the vault's block %p is on key %d\n",
            (void *)q, key);
  CHECK(key == bulkhead_compartment_pkey("vault"));
  struct outcome o = run_in_child(read_block, q);
  CHECK(o.signo == SIGSEGV && o.code == SEGV_PKUERR &&
        o.pkey == bulkhead_compartment_pkey("vault"));
  printf("attacks-share-brackets: ok\n");
  return 0;
}
