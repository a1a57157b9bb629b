/* attacks-review14b-got.test: a hardened program with a compartment of its
 * own dlopens the vault object (argv[1]), whose dependency rewrote the
 * vault's GOT before registration; then asks the vault to check a guess
 * held in the program's memory. With strcmp's slot pointing at strcpy,
 * the vault copies its key over the guess, with its own rights. */
#include "review14b-app.h"

static char guess[64] = "a guess";

int main(int argc, char **argv) {
  void *h = open_vault(argc, argv, 2);
  int (*check)(char *) = (int (*)(char *))dlsym(h, "vault_check");
  if (!check)
    return 2;
  int r = check(guess);
  printf("check: %d\n", r);
  if (strstr(guess, "TOP-SECRET"))
    printf("ATTACK SUCCEEDED: the vault's key in the program's memory: %s\n",
           guess);
  else
    printf("guess kept: %s\n", guess);
  return 0;
}
