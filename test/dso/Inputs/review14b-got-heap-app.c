/* attacks-review14b-got.test (heap): a hardened program dlopens libvault
 * (vault.c, argv[1]), whose dependency pointed the vault's GOT slot of
 * malloc at the default domain's mi_malloc before registration. The
 * vault's first vault_sign allocates its secret block; the program then
 * reads the block: a fault with the vault's key if the block is on the
 * vault's heap, its contents if it is key-0 memory. */
#include "review14b-app.h"
#include <signal.h>

static void faulted(int sig) {
  (void)sig;
  static const char m[] = "heap block: faults from the program\n";
  (void)!write(1, m, sizeof m - 1);
  _exit(0);
}

int main(int argc, char **argv) {
  void *h = open_vault(argc, argv, 2);
  int (*sign)(int) = (int (*)(int))dlsym(h, "vault_sign");
  const char *(*heap_address)(void) =
      (const char *(*)(void))dlsym(h, "vault_heap_address");
  if (!sign || !heap_address)
    return 2;
  sign(1);
  const volatile char *p = heap_address();
  signal(SIGSEGV, faulted);
  char copy[16] = {0};
  for (int i = 0; i < 11; i++)
    copy[i] = p[i];
  printf("ATTACK SUCCEEDED: the vault's heap block read from the program: "
         "%s\n",
         copy);
  return 0;
}
