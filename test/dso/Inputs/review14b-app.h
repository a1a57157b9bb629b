/* What review 14b's programs share: a compartment of their own (the
 * program is one with compartments before its dlopen), running as nobody
 * on request, and the dlopen of the vault object argv[1]. */
#define _GNU_SOURCE
#include <bulkhead.h>
#include <dlfcn.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

BULKHEAD_DATA(local) static int local_value = 7;
BULKHEAD_ENTRY(local) int local_get(void) { return local_value; }

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

/* Exits with 2 if there are fewer than nargs arguments, or if the dlopen
 * is refused (after saying so). */
static void *open_vault(int argc, char **argv, int nargs) {
  if (argc < nargs)
    exit(2);
  as_nobody(argc, argv);
  printf("local: %d\n", local_get());
  fflush(stdout);
  void *h = dlopen(argv[1], RTLD_NOW);
  if (!h) {
    printf("dlopen refused: %s\n", dlerror());
    exit(2);
  }
  return h;
}
