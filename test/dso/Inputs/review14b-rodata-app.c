/* attacks-review14b-rodata.test: a hardened program with a compartment of
 * its own dlopens the vault object (argv[1]), whose dependency rewrote the
 * vault's password in its read-only data before registration; then tries
 * the password it chose. */
#include "review14b-app.h"

static char out[64];

int main(int argc, char **argv) {
  void *h = open_vault(argc, argv, 2);
  int (*unlock)(const char *, char *) =
      (int (*)(const char *, char *))dlsym(h, "vault_unlock");
  if (!unlock)
    return 2;
  if (unlock("let-me-in!!", out) && strstr(out, "TOP-SECRET"))
    printf("ATTACK SUCCEEDED: the vault opened to a password the default "
           "domain chose: %s\n",
           out);
  else
    printf("the vault stays shut\n");
  return 0;
}
