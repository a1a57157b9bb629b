/* attacks-rev15-dep-got.test: a hardened program dlopens the vault object
 * (argv[1]) and lets its registration complete. Then, as default-domain
 * code (attacker model B), it makes the page of the GOT slot of strcmp in
 * librev15-dep.so (the vault's dependency, loaded with it: no protected
 * range, no filter of its own) writable with a plain mprotect, points the
 * slot at libc's strcpy and makes it read-only again. Then it asks the
 * vault to check a guess held in its memory: the vault's call of
 * rev15_compare runs the dependency's code with the vault's rights, and its
 * strcmp is strcpy(guess, key). With "control" among the arguments the
 * slot is left alone. With "nobody", it runs as nobody. Exits 0 only if
 * the key reached the program's memory. */
#define _GNU_SOURCE
#include <bulkhead.h>
#include <dlfcn.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "got-slot.h"

BULKHEAD_DATA(local) static int local_value = 7;
BULKHEAD_ENTRY(local) int local_get(void) { return local_value; }

static char guess[64] = "a guess";

static int has_arg(int argc, char **argv, const char *a) {
  for (int i = 2; i < argc; i++)
    if (!strcmp(argv[i], a))
      return 1;
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2)
    return 2;
  if (has_arg(argc, argv, "nobody") && geteuid() == 0 &&
      (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
       setresuid(65534, 65534, 65534))) {
    perror("setresuid");
    return 2;
  }
  printf("local: %d\n", local_get());
  fflush(stdout);
  void *h = dlopen(argv[1], RTLD_NOW);
  int (*check)(char *) = h ? (int (*)(char *))dlsym(h, "vault_check") : NULL;
  if (!check) {
    printf("dlopen refused: %s\n", dlerror());
    return 2;
  }
  printf("registered; check: %d\n", check(guess));
  uintptr_t slot = got_slot("librev15-dep.so", "strcmp");
  if (!slot) {
    puts("no GOT slot of strcmp in librev15-dep.so");
    return 2;
  }
  if (!has_arg(argc, argv, "control")) {
    void *page = (void *)(slot & ~(uintptr_t)4095);
    if (mprotect(page, 4096, PROT_READ | PROT_WRITE)) {
      perror("mprotect of librev15-dep.so's GOT");
      return 1;
    }
    *(void **)slot = (void *)&strcpy;
    mprotect(page, 4096, PROT_READ);
    puts("librev15-dep.so's GOT slot of strcmp now points at strcpy");
  }
  fflush(stdout);
  printf("check: %d\n", check(guess));
  if (strstr(guess, "TOP-SECRET")) {
    printf("ATTACK SUCCEEDED: the vault's key in the program's memory: %s\n",
           guess);
    return 0;
  }
  printf("guess kept: %s\n", guess);
  return 1;
}
