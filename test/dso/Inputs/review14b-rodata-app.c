/* attacks-review14b-rodata.test: a hardened program with a compartment of
 * its own dlopens the vault object (argv[1]), whose dependency rewrote the
 * vault's password in its read-only data before registration; then tries
 * the password it chose. */
#define _GNU_SOURCE
#include <bulkhead.h>
#include <dlfcn.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

BULKHEAD_DATA(local) static int local_value = 7;
BULKHEAD_ENTRY(local) int local_get(void) { return local_value; }

static char out[64];

/* With "nobody" among the arguments, run as nobody, not root, whose
 * CAP_DAC_OVERRIDE passes piece 6's file rule for any file. */
static void as_nobody(int argc, char **argv) {
  for (int i = 2; i < argc; i++)
    if (!strcmp(argv[i], "nobody") && geteuid() == 0 &&
        (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
         setresuid(65534, 65534, 65534))) {
      perror("setresuid");
      _exit(2);
    }
}

int main(int argc, char **argv) {
  if (argc < 2)
    return 2;
  as_nobody(argc, argv);
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
