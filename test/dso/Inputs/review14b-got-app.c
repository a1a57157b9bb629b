/* attacks-review14b-got.test: a hardened program with a compartment of its
 * own dlopens the vault object (argv[1]), whose dependency rewrote the
 * vault's GOT before registration; then asks the vault to check a guess
 * held in the program's memory. With strcmp's slot pointing at strcpy,
 * the vault copies its key over the guess, with its own rights. */
#include <bulkhead.h>
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

BULKHEAD_DATA(local) static int local_value = 7;
BULKHEAD_ENTRY(local) int local_get(void) { return local_value; }

static char guess[64] = "a guess";

int main(int argc, char **argv) {
  if (argc < 2)
    return 2;
  printf("local: %d\n", local_get());
  fflush(stdout);
  void *h = dlopen(argv[1], RTLD_NOW);
  if (!h) {
    printf("dlopen refused: %s\n", dlerror());
    return 2;
  }
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
