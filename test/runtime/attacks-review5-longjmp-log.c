// Review 5 (attacker A), confirming an open item of the threat model
// ("Sharing-policy key-0 words", "by reading the code; no test"): a
// longjmp out of a function of the sharing policy (libpng's png_error
// style: the library calls the caller's error callback, which longjmps to
// the caller's setjmp) only logs its target in key-0 TLS
// (bh_share_jumps, bh_share_jump_to); the vault applies the log the next
// time it looks. The default domain, after its setjmp returns, takes the
// jump back out of the log (bh_share_jumps - 1), so the bracket the vault
// opened stays open: every later allocation of the vault on this thread
// below that frame (any ordinary entry, as the vault's stack starts at
// the same top) comes from the shared heap, and the default domain reads
// the vault's secret from its own malloc'd copy. Without the rewind the
// same sequence keeps the block private (checked first). Reproduced in
// the QEMU guest. Fixed so: the interposed longjmp writes the log into the
// vault's record itself, through gates of the runtime's into each policy
// compartment (runtime/share.c, note_jump); there is no key-0 log left to
// rewind, and the attack rewinds one only where the runtime still has it
// (checked: against the runtime before the fix, this test fails). It
// also points the key-0 hint at every record in turn.
// REQUIRES: pku
// RUN: rm -rf %t && mkdir -p %t
// RUN: echo "vault_parse" > %t/policy
// RUN: %bulkhead_clang -fpkey-compartments -fpkey-share=%t/policy -O2 %s -o %t/a
// RUN: %run %t/a | FileCheck %s
// CHECK: private after a logged longjmp
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: attacks-review5-longjmp-log: ok
#include "Inputs/tls-words.h"

#include <setjmp.h>

#define SECRET "the vault's secret 0123456789"
BULKHEAD_DATA(vault) static char secret[32] = SECRET;

BULKHEAD_ENTRY(vault) char *vault_copy(void) {
  char *p = malloc(sizeof secret);
  if (p)
    memcpy(p, secret, sizeof secret);
  return p;
}

/* Named by the policy: its state is shared with the caller, and a bad
 * input ends in the caller's error callback, which does not return. */
BULKHEAD_ENTRY(vault) void *vault_parse(const char *in, void (*error)(void *)) {
  char *state = malloc(64);
  if (state && in[0] != 'x')
    error(state);
  return state;
}

/* ------------------------------------------------- the default domain */

static jmp_buf env;
static void on_error(void *state) {
  free(state);
  longjmp(env, 1);
}

/* Whether the executable has thread-local symbol name. */
static int has_tls(const char *name) {
  struct tls_lookup l = {name, 0, 0};
  each_tls_symbol(tls_lookup_one, &l);
  return l.found;
}

/* One parse that fails; rewind: take the longjmp out of the log, if the
 * runtime keeps one in key-0 memory, and send the hint to record k. */
static char *after_failed_parse(int rewind, int k) {
  if (!setjmp(env)) {
    vault_parse("bad", on_error);
    CHECK(!"vault_parse returned");
  }
  if (rewind && has_tls("bh_share_jumps"))
    --*tls_word("bh_share_jumps");
  if (rewind)
    tls_word("bh_share_hint")[0] = (uintptr_t)k + 1;
  return vault_copy();
}

static int attack(void) {
  int vault_key = bulkhead_compartment_pkey("vault");
  CHECK(vault_key > 0);
  char *q = after_failed_parse(0, 0);
  CHECK(q && page_pkey(q) == vault_key);
  printf("private after a logged longjmp\n");
  fflush(stdout);
  for (int k = 0; k < 97; k++) {
    q = after_failed_parse(1, k);
    CHECK(q);
    if (page_pkey(q) == vault_key)
      continue;
    char stolen[33] = {0};
    for (int j = 0; j < 32; j++)
      stolen[j] = ((volatile char *)q)[j];
    printf("ATTACK SUCCEEDED (hint %d): the vault's block %p is on key %d "
           "and reads \"%s\"\n",
           k, (void *)q, page_pkey(q), stolen);
    return 1;
  }
  printf("attack failed: the vault's block stayed on its key\n");
  return 0;
}

int main(void) {
  int r = attack_in_child("attacks-review5-longjmp-log", attack);
  if (r == 0)
    printf("attacks-review5-longjmp-log: ok\n");
  return r;
}
