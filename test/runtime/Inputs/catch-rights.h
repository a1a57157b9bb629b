/* catch-rights.h - what the review-59 tests of a catch's rights share:
 * rights() (whether RDPKRU holds the default domain's word), peek() (plain
 * default-domain code that copies the vault's key: it faults with the
 * default domain's rights), the `armed`/`nopeek` switches and guard_extern,
 * the control: a try/catch in an external function, whose pad gates into
 * the default domain. Include it after vault-key.h. */
#ifndef BULKHEAD_TEST_CATCH_RIGHTS_H
#define BULKHEAD_TEST_CATCH_RIGHTS_H
#include <stdint.h>
#include <stdio.h>

static uint32_t default_word(void) {
  const uint32_t *d;
  __asm__("leaq __bulkhead_domain0(%%rip), %0" : "=r"(d));
  return *d;
}

static uint32_t rdpkru(void) {
  uint32_t eax, edx;
  __asm__ volatile(".byte 0x0f, 0x01, 0xee" : "=a"(eax), "=d"(edx) : "c"(0));
  return eax;
}

static const char *rights(void) {
  return rdpkru() == default_word() ? "default domain's rights"
                                    : "the vault's rights";
}

/* Plain default-domain code: copies the vault's key into a key-0 buffer
 * (with the default domain's rights it faults). */
static char copy[32];
extern "C" __attribute__((noinline)) void peek(void) {
  volatile const char *k = vault_key;
  for (int i = 0; i < 31 && k[i]; i++)
    copy[i] = k[i];
  printf("ATTACK SUCCEEDED: %s\n", copy);
}

static int armed, nopeek;

extern "C" __attribute__((noinline)) long guard_extern(long code) {
  try {
    vault_throw(code);
  } catch (E &e) {
    printf("extern catch: %s, code %ld\n", rights(), e.v);
    return e.v;
  }
  return 0;
}
#endif
