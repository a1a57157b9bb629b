/* attacks-review14b-late-free.test: a hardened program dlopens libvault.so
 * (argv[1]); the vault's first malloc gives its prepared heap its region.
 * Then the default domain hands the vault's block to the heap functions
 * (argv[2]: free, realloc or usable), as attacker B may: the runtime must
 * find the block's owner through the key's slot and refuse, not pass it
 * to the default domain's allocator or the vault's copy. */
#include "review14b-app.h"
#include <malloc.h>

int main(int argc, char **argv) {
  void *h = open_vault(argc, argv, 3);
  int (*sign)(int) = (int (*)(int))dlsym(h, "vault_sign");
  void *(*heap_address)(void) = (void *(*)(void))dlsym(h, "vault_heap_address");
  if (!sign || !heap_address)
    return 2;
  sign(1);
  void *p = heap_address();
  printf("vault block: %s\n", p ? "allocated" : "none");
  fflush(stdout);
  if (!strcmp(argv[2], "free"))
    free(p);
  else if (!strcmp(argv[2], "realloc"))
    p = realloc(p, 4096);
  else
    printf("usable: %zu\n", malloc_usable_size(p));
  printf("ATTACK SUCCEEDED: %s of the vault's block went through\n", argv[2]);
  return 0;
}
