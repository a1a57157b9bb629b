/* attacks-rev15-decoy.test: review14b-got-app.c's program (it dlopens the
 * vault object, argv[1], and asks it to check a guess held in the
 * program's memory), which first makes /tmp/rev15 world-writable with the
 * sticky bit, as /tmp is on a real system (the guest's /tmp is not
 * writable for nobody): the dependency writes its decoy there. */
#define _GNU_SOURCE
#include <bulkhead.h>
#include <dlfcn.h>
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "attack-args.h"

BULKHEAD_DATA(local) static int local_value = 7;
BULKHEAD_ENTRY(local) int local_get(void) { return local_value; }

static char guess[64] = "a guess";


int main(int argc, char **argv) {
  if (argc < 2)
    return 2;
  if (geteuid() == 0 && ((mkdir("/tmp/rev15", 01777) && errno != EEXIST) ||
                         chmod("/tmp/rev15", 01777))) {
    perror("/tmp/rev15");
    return 2;
  }
  /* root's CAP_DAC_OVERRIDE passes piece 6's file rule for any file */
  become_nobody_if_asked(argc, argv);
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
