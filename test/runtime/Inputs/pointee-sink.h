/* pointee-sink.h - the records the padding attacks pass out of the vault
 * by value, and the default domain's callees of Inputs/pointee-sink.c,
 * which keep what they were passed in a global. */
#ifndef BULKHEAD_TEST_POINTEE_SINK_H
#define BULKHEAD_TEST_POINTEE_SINK_H

struct small { char check; int n; };        /* bytes 1-3 padding */
struct mid { int x; char check; int y; };   /* bytes 5-7 padding */
extern unsigned char seen_small[sizeof(struct small)],
    seen_mid[sizeof(struct mid)];
void keep_small(struct small s);
void keep_mid(struct mid m);

#ifdef BULKHEAD_TEST_VAULT_WORD_H
/* The attacker's side, in a test (after Inputs/vault-word.h): prints the
 * record keep_small (keep_mid) got last, "WHAT: check C n N" ("WHAT: x X
 * check C y Y"), and returns 1 if its padding holds the vault's key bits.
 * forget_seen clears both, so a call that passed nothing shows. */
static inline int report_small(const char *what) {
  int n;
  memcpy(&n, seen_small + 4, 4);
  printf("%s: check %d n %#x\n", what, seen_small[0], n);
  return key_bits_in(what, seen_small, 1, 4, 0xff);
}

static inline int report_mid(const char *what) {
  int x, y;
  memcpy(&x, seen_mid, 4);
  memcpy(&y, seen_mid + 8, 4);
  printf("%s: x %#x check %d y %#x\n", what, x, seen_mid[4], y);
  return key_bits_in(what, seen_mid, 5, 8, 0xff);
}

static inline void forget_seen(void) {
  memset(seen_small, 0, sizeof seen_small);
  memset(seen_mid, 0, sizeof seen_mid);
}
#endif

#endif
