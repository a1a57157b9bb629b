// Data-only attack on the per-thread stack state (issue 11, break 4): a
// thread that holds a stack of the vault rewrites, with one key-0 store,
// the runtime's TLS record of which stack it holds, so that its exit
// "releases" (maps PROT_NONE, key 0, over) a MiB of the vault's heap
// region instead. Before the fix the vault's heap block lost its key; now
// a thread releases only stacks the read-only owner table says it holds.
// The block must keep the vault's key and contents.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t && %run %t
#include "Inputs/check.h"
#include <pthread.h>

/* The layout of runtime/stacks.c's per-thread state (public: it is in the
 * binary). */
struct stack_tls {
  void **slot[15];
  int index[15];
  int dtor;
};
extern __thread struct stack_tls stack_tls __asm__("__bulkhead_stack_tls")
    __attribute__((visibility("hidden")));

#define MIB (1ul << 20)

BULKHEAD_DATA(vault) static char secret[32] = "the vault's secret";

BULKHEAD_ENTRY(vault) char *vault_copy(void) {
  char *p = malloc(sizeof secret);
  if (p)
    memcpy(p, secret, sizeof secret);
  return p;
}
BULKHEAD_ENTRY(vault) int vault_check(const char *p) { return !memcmp(p, secret, sizeof secret); }
BULKHEAD_ENTRY(vault) void vault_touch(void) {}
BULKHEAD_ENTRY(vault) uintptr_t vault_sp(void) {
  return (uintptr_t)__builtin_frame_address(0);
}

/* The start of the mapping holding a, from /proc/self/maps. */
static uintptr_t mapping_start(uintptr_t a) {
  FILE *f = fopen("/proc/self/maps", "r");
  CHECK(f);
  unsigned long lo, hi, found = 0;
  char line[256];
  while (fgets(line, sizeof line, f))
    if (sscanf(line, "%lx-%lx", &lo, &hi) == 2 && a >= lo && a < hi)
      found = lo;
  fclose(f);
  CHECK(found);
  return found;
}

static char *block;

static void *attacker(void *unused) {
  (void)unused;
  uintptr_t sp = vault_sp(); /* takes a vault stack */
  int n = stack_tls.index[0];
  CHECK(n > 0);
  /* The arena's start: stack n - 1 is mapped from one page above its
   * start (its guard page) to the next stack's guard page. */
  uintptr_t lo = mapping_start(sp) - 4096 - (uintptr_t)(n - 1) * MIB;
  /* The "stack" whose MiB holds the vault's block. */
  long k = (long)(((uintptr_t)block - lo) / MIB);
  if ((uintptr_t)block < lo)
    k = -(long)((lo - (uintptr_t)block + MIB - 1) / MIB);
  stack_tls.index[0] = (int)(k + 1); /* the attack */
  return NULL;                       /* exit: the runtime releases "it" */
}

int main(void) {
  block = vault_copy();
  CHECK(block && page_pkey(block) == bulkhead_compartment_pkey("vault"));
  pthread_t t;
  CHECK(pthread_create(&t, NULL, attacker, NULL) == 0);
  CHECK(pthread_join(t, NULL) == 0);
  int key = page_pkey(block);
  if (key != bulkhead_compartment_pkey("vault"))
    fprintf(stderr, "attacks-stack-owner: the vault's block %p is now on key %d\n",
            (void *)block, key);
  CHECK(key == bulkhead_compartment_pkey("vault"));
  CHECK(vault_check(block));
  /* New threads still get stacks, and the freed one is reused. */
  for (int i = 0; i < 4; i++) {
    CHECK(pthread_create(&t, NULL, (void *(*)(void *))vault_touch, NULL) == 0);
    CHECK(pthread_join(t, NULL) == 0);
  }
  printf("attacks-stack-owner: ok\n");
  return 0;
}
