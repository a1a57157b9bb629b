/* vault-key.h - the vault of the attacks on a compartment's unwinding
 * (reviews 53, 55): its key, the exception its throw raises, what a
 * request left in the key, and an uninstrumented library's function that
 * calls a pointer it is given (a tail call, no frame of its own: the
 * vault's call through it is a run-time-chosen call out). The test
 * defines the rest of the vault and the program. */
#ifndef VAULT_KEY_H
#define VAULT_KEY_H
#include <bulkhead.h>
#include <stdio.h>
#include <string.h>

BULKHEAD_DATA(vault) char vault_key[32] = "TOP-SECRET-VAULT-KEY";

struct E {
  long v;
};

extern "C" BULKHEAD_ENTRY(vault) void vault_throw(long code) {
  throw E{code};
}

extern "C" BULKHEAD_ENTRY(vault) int vault_key_intact(void) {
  return strcmp(vault_key, "TOP-SECRET-VAULT-KEY") == 0;
}

extern "C" BULKHEAD_ENTRY(vault) int vault_key_begins(long word) {
  return memcmp(vault_key, &word, sizeof word) == 0;
}

static const long POWNED = 0x2144454e574f50; /* "POWNED!" */

/* What the vault's key says after the request. */
static void report(int failed, long status) {
  printf("request failed: %d, status %#lx\n", failed, status);
  if (vault_key_begins(POWNED))
    printf("ATTACK SUCCEEDED: the vault's key now begins \"POWNED!\"\n");
  else if (!vault_key_intact())
    printf("ATTACK SUCCEEDED: the vault's key was overwritten\n");
  else
    printf("vault key intact\n");
}

extern "C" void lib_apply(void (*f)(void));
__asm__(".text\n.globl lib_apply\n.type lib_apply,@function\nlib_apply:\n"
        "\tjmp *%rdi\n.size lib_apply, .-lib_apply\n");
#endif
