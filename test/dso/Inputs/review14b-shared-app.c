/* attacks-review14b-shared-data.test: a hardened program with a
 * compartment of its own dlopens the vault object (argv[1]), whose
 * dependency put the page of the vault's data on a shared memfd before
 * registration, keeping a second view of it (review14b_spy, key 0). If
 * registration went on, the spy would show the vault's key and its
 * changes. */
#include "review14b-app.h"

int main(int argc, char **argv) {
  void *h = open_vault(argc, argv, 2);
  void (*rekey)(void) = (void (*)(void))dlsym(h, "vault_rekey");
  char **spy = (char **)dlsym(h, "review14b_spy");
  if (!rekey || !spy)
    return 2;
  rekey();
  if (*spy && (*spy)[0] == 'X')
    printf("ATTACK SUCCEEDED: the vault's key seen from key-0 memory: %s\n",
           *spy);
  else
    printf("registered, spy blind\n");
  return 0;
}
