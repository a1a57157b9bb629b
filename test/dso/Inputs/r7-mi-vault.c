/* attacks-review7-mimalloc-api.test: a vault in a shared object that grows
 * a caller's string with libmimalloc's mi_realloc. */
#include <bulkhead.h>
#include <stddef.h>
#include <string.h>
void *mi_realloc(void *p, size_t n);
void *mi_reallocf(void *p, size_t n);
#ifndef REALLOC
#define REALLOC mi_realloc /* -DREALLOC=mi_reallocf: not the runtime's */
#endif
static const char original[32] = "vault master key 0123456789abcd";
BULKHEAD_DATA(vault) static char master[32] = "vault master key 0123456789abcd";
BULKHEAD_ENTRY(vault) char *vault_sign(char *s) {
  size_t n = strlen(s);
  char *t = REALLOC(s, n + 8);
  if (t)
    memcpy(t + n, "-signed", 8);
  return t;
}
BULKHEAD_ENTRY(vault) int vault_key_intact(void) {
  return !memcmp(master, original, sizeof master);
}
/* The address is no secret (the object's symbol table and its load
 * address); an entry gives it here for brevity. */
BULKHEAD_ENTRY(vault) void *vault_master(void) { return master; }
