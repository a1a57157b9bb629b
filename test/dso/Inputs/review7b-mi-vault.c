/* attacks-review7b-mi-malloc.test: a vault compartment in a shared object
 * that keeps a copy of each note its caller hands it, in a block of
 * libmimalloc's own API (mi_malloc; -DALLOC=bulkhead_shared_malloc for the
 * runtime's checked way to the same heap), and a key in its data. */
#include <bulkhead.h>
#include <stddef.h>
#include <string.h>

void *mi_malloc(size_t n);
#ifndef ALLOC
#define ALLOC mi_malloc
#endif

BULKHEAD_DATA(vault) static char master[32] = "vault master key 0123456789abcd";
BULKHEAD_DATA(vault) static char *last_note;

BULKHEAD_ENTRY(vault) int vault_note(const char *s, size_t n) {
  char *p = ALLOC(n);
  if (!p)
    return 0;
  memcpy(p, s, n);
  last_note = p;
  return 1;
}

BULKHEAD_ENTRY(vault) int vault_key_intact(void) {
  return !memcmp(master, "vault master key 0123456789abcd", sizeof master);
}

/* Where the key is (an address, which the attacker knows anyway). */
const void *vault_key_address(void) { return master; }
