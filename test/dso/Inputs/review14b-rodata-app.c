/* attacks-review14b-rodata.test: a hardened program with a compartment of
 * its own dlopens the vault object (argv[1]), whose dependency rewrote the
 * vault's password in its read-only data before registration; then tries
 * the password it chose. */
#include <bulkhead.h>
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

BULKHEAD_DATA(local) static int local_value = 7;
BULKHEAD_ENTRY(local) int local_get(void) { return local_value; }

static char out[64];

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
