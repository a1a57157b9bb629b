// Review 58, attacker model A (key-0 loads only; the vault's API used as
// it is meant to be, from main). A compartment's C++ exception block
// (runtime/exceptions.c, block()) is whole pages of its heap:
// bh_heap_exc_alloc(len), len the record, libstdc++'s header and the object
// rounded up to a page multiple, but block() clears only those `size`
// bytes, not the rest of the pages. The hand-over (bh_exception_arrives,
// give_locked) re-tags all len bytes to the catcher's key, key 0 for the
// default domain: whatever the vault's heap last kept in the tail of those
// pages (mimalloc does not clear freed memory) becomes readable by every
// domain. Here the vault signs the caller's message with its key in an
// 8 KiB scratch buffer of its heap (message || key, freed without being
// cleared, as most code does), and refuses an unlock with an exception
// main catches. The block's allocation (4 KiB aligned to 4 KiB: mimalloc
// over-allocates 8191 bytes, its 8 KiB size class) reuses the freed
// scratch buffer within a few rounds (mimalloc's free lists), and main
// finds the vault's key in the exception's first page, past the
// 196 bytes cleared, at the offset its message length chose (ATTACK
// SUCCEEDED). No vault address is guessed: main searches the page of the
// object it caught. The control signs nothing: the same pages, readable,
// hold no key.
// Seen in the guest (review 58, main at 74af11a, LLVM 19, -O2): ATTACK
// SUCCEEDED 3 of 3 (round 2, the key at +1024 of the exception's page);
// the control 3 of 3 as its CONTROL lines say.
// Suggested fix: clear the whole block when it is allocated (block():
// memset(r, 0, len), not size), so that nothing but the record, the header
// and the thrown object is ever handed over. (The same tail reaches
// another compartment a block is given to.)
// Fixed so: block() clears all len bytes; 3 of 3 pass in the guest.
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 %s -o %t
// RUN: %run %t control | FileCheck %s --check-prefix=CONTROL
// RUN: %run %t | FileCheck %s
// CONTROL: signed: 0
// CONTROL: caught in main: denied 7, exception pages key-0 readable
// CONTROL: the vault's key is not in them
// CONTROL: done
// CHECK: signed: {{[0-9a-f]+}}
// CHECK: caught in main: denied 7, exception pages key-0 readable
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: done
#include <bulkhead.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

BULKHEAD_DATA(vault) char vault_key[32] = "TOP-SECRET-VAULT-KEY";

struct Denied {
  int code;
};

/* A keyed hash of the caller's message: message || key in a scratch
 * buffer of the vault's heap (a message of up to 8 KiB less the key), freed after use
 * without being cleared, as most code does. */
extern "C" BULKHEAD_ENTRY(vault) unsigned long vault_sign(const char *msg,
                                                         size_t n) {
  if (n > 8192 - sizeof vault_key)
    return 0;
  unsigned char *work = (unsigned char *)malloc(8192);
  if (!work)
    return 0;
  memcpy(work, msg, n);
  memcpy(work + n, vault_key, sizeof vault_key);
  unsigned long h = 1469598103934665603ul;
  for (size_t i = 0; i < n + sizeof vault_key; i++)
    h = (h ^ work[i]) * 1099511628211ul;
  free(work);
  return h;
}

/* A request the vault refuses: its error goes to the caller. */
extern "C" BULKHEAD_ENTRY(vault) void vault_unlock(int pin) {
  if (pin != 4711)
    throw Denied{7};
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int control = argc > 1 && !strcmp(argv[1], "control");
  /* The message's length places the key past the exception's header. */
  static char msg[1024];
  memset(msg, 'm', sizeof msg);
  int found = 0;
  for (int round = 0; round < 16 && !found; round++) {
    unsigned long h = control ? 0 : vault_sign(msg, sizeof msg);
    if (round == 0)
      printf("signed: %lx\n", h);
    try {
      vault_unlock(1);
    } catch (Denied &e) {
      /* The block's first page: the record, libstdc++'s header, the
       * object, and what the vault's heap left after them. */
      const char *page = (const char *)((uintptr_t)&e & ~(uintptr_t)4095);
      if (round == 0)
        printf("caught in main: denied %d, exception pages key-0 readable\n",
               e.code);
      const char *hit = (const char *)memmem(page, 4096, "TOP-SECRET", 10);
      if (hit) {
        printf("ATTACK SUCCEEDED: round %d, the vault's key at +%ld of the "
               "exception's page: %.20s\n",
               round, (long)(hit - page), hit);
        found = 1;
      }
    }
  }
  if (!found)
    puts("the vault's key is not in them");
  puts("done");
  return 0;
}
