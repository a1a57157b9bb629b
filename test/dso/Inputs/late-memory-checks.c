/* The program of late-memory-checks.test: a hardened program (the
 * system-call filter on) with a compartment of its own, `local`, dlopens
 * libvault.so (argv[1]), whose vault compartment is registered under the
 * filter. Then it asks the runtime's in-process checks (domain.c, heap.c,
 * spawn.c), which paths steered by key-0 values rely on (thread-exit
 * teardown's munmap, the allocator hooks' rule outside a region, the
 * shared heap's returned-block check), about the vault's memory and about
 * the heap region and stack arena reserved for a compartment not
 * registered yet. Each must count as compartment memory: not to be
 * unmapped, not a shared block. */
#include "../../runtime/Inputs/check.h"
#include "../../runtime/internal.h"
#include <dlfcn.h>

int bh_outside_compartments(const char *p, size_t n) BH_HIDDEN;

BULKHEAD_DATA(local) static char local_secret[32] = "LOCAL";
BULKHEAD_ENTRY(local) int local_get(void) { return local_secret[0]; }

static void ask(const char *what, const void *p) {
  const char *page = (const char *)((uintptr_t)p & ~(uintptr_t)4095);
  printf("%s: %s, %s\n", what,
         bh_may_unmap(page, 4096) ? "may be unmapped" : "kept",
         bh_outside_compartments(p, 1) ? "outside compartments"
                                       : "compartment memory");
}

int main(int argc, char **argv) {
  CHECK(argc > 1);
  printf("local: %d\n", local_get());
  ask("local data", local_secret);
  void *h = dlopen(argv[1], RTLD_NOW);
  if (!h) {
    printf("dlopen refused: %s\n", dlerror());
    return 2;
  }
  int (*sign)(int) = (int (*)(int))dlsym(h, "vault_sign");
  const void *(*key_address)(void) =
      (const void *(*)(void))dlsym(h, "vault_key_address");
  const void *(*heap_address)(void) =
      (const void *(*)(void))dlsym(h, "vault_heap_address");
  CHECK(sign && key_address && heap_address);
  printf("sign: %d\n", sign(1)); /* its first malloc: the heap secret */
  int key = bulkhead_compartment_pkey("vault");
  const char *vault_key = key_address(), *vault_block = heap_address();
  CHECK(key > 0 && page_pkey(vault_key) == key &&
        page_pkey(vault_block) == key);
  ask("vault data", vault_key);
  ask("vault heap", vault_block);
  /* The region prepared for the next reserved key (slot 1: the vault has
   * slot 0's), given to no compartment yet. */
  uintptr_t lo, hi;
  bh_heap_reserved_slot(1, &lo, &hi);
  CHECK(hi > lo && (uintptr_t)vault_block < lo);
  ask("next region", (const void *)lo);
  CHECK(bh_state->reserved_keys > 1);
  ask("next arena", (const void *)(bh_state->arena_lo + BH_ARENA_SIZE));
  return 0;
}
