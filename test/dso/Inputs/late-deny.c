/* The program of late-deny-name.test: a hardened program with a
 * compartment of its own dlopens libvault.so (argv[1]) and has its vault
 * make a call the supervisor denies (or, with argv[2] "trap", one the
 * filter traps). */
#include "../../runtime/Inputs/check.h"
#include <dlfcn.h>

BULKHEAD_DATA(local) static char local_secret[32] = "LOCAL";
BULKHEAD_ENTRY(local) int local_get(void) { return local_secret[0]; }

int main(int argc, char **argv) {
  CHECK(argc > 1);
  printf("local: %d\n", local_get());
  void *h = dlopen(argv[1], RTLD_NOW);
  if (!h) {
    printf("dlopen refused: %s\n", dlerror());
    return 2;
  }
  long (*denied)(void *) = (long (*)(void *))dlsym(h, "vault_denied_call");
  long (*trapped)(void) = (long (*)(void))dlsym(h, "vault_trapped_call");
  const void *(*key_address)(void) =
      (const void *(*)(void))dlsym(h, "vault_key_address");
  CHECK(denied && trapped && key_address);
  void *page = (void *)((uintptr_t)key_address() & ~(uintptr_t)4095);
  printf("calling\n");
  fflush(stdout);
  long r = argc > 2 && !strcmp(argv[2], "trap") ? trapped() : denied(page);
  printf("not stopped: %ld\n", r);
  return 0;
}
