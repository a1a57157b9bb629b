// Data-only attack on thread-exit teardown (issue 11, break 4): the
// runtime unmaps a thread's alternate signal stack and its runtime stack
// at exit, found through key-0 memory (a TLS pointer; libc's list of TLS
// destructors). A thread points its key-0 record of the alternate stack
// into the vault's data with one store; before the fix its exit unmapped
// the vault's data. The vault's data must stay mapped, on its key.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t && %run %t
#include "Inputs/check.h"
#include <pthread.h>

extern __thread char *alt_stack __asm__("__bulkhead_sigstack")
    __attribute__((visibility("hidden")));

/* Larger than the alternate stack and its guard page (256 KiB + 4 KiB). */
#define BIG (512 << 10)
BULKHEAD_DATA(vault) static char big[BIG] = "the vault's secret";

BULKHEAD_ENTRY(vault) char *vault_big(void) { return big; }
BULKHEAD_ENTRY(vault) int vault_check(void) { return !strcmp(big, "the vault's secret"); }

static void *attacker(void *unused) {
  (void)unused;
  CHECK(alt_stack); /* the runtime gave this thread its alternate stack */
  uintptr_t page = ((uintptr_t)vault_big() + 4095) & ~(uintptr_t)4095;
  alt_stack = (char *)page; /* the attack: one key-0 store */
  return NULL;
}

int main(void) {
  char *b = vault_big();
  CHECK(page_pkey(b) == bulkhead_compartment_pkey("vault"));
  pthread_t t;
  CHECK(pthread_create(&t, NULL, attacker, NULL) == 0);
  CHECK(pthread_join(t, NULL) == 0);
  char *page = (char *)(((uintptr_t)b + 4095) & ~(uintptr_t)4095);
  for (char *p = page; p < page + (264 << 10); p += 4096) {
    int key = page_pkey(p);
    if (key != bulkhead_compartment_pkey("vault"))
      fprintf(stderr, "attacks-exit-unmap: the vault's data at %p is %s\n", (void *)p,
              key < 0 ? "unmapped" : "on another key");
    CHECK(key == bulkhead_compartment_pkey("vault"));
  }
  CHECK(vault_check());
  printf("attacks-exit-unmap: ok\n");
  return 0;
}
