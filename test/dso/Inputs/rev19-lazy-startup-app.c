/* attacks-rev19-lazy-startup-dep.test: a hardened program linked with
 * librev19-lazy.so (a library without compartments, loaded at start-up,
 * linked with -z lazy: its JUMP_SLOT words are in .got.plt, outside
 * RELRO) dlopens the vault object (argv[1], Inputs/rev15-vault.c), whose
 * entry calls rev15_compare of that library. Then, as the default domain,
 * it stores libc's strcpy into the library's GOT slot of strcmp: one
 * key-0 store, no system call (attacker model A). Then it asks the vault
 * to check a guess held in its memory. With "control" the slot is left
 * alone; with "nobody" it runs as nobody. */
#define _GNU_SOURCE
#include <bulkhead.h>
#include <dlfcn.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
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
  uintptr_t slot = got_slot("librev19-lazy.so", "strcmp");
  if (!slot) {
    puts("no GOT slot of strcmp in librev19-lazy.so");
    return 2;
  }
  if (!has_arg(argc, argv, "control")) {
    *(void **)slot = (void *)&strcpy;
    puts("librev19-lazy.so's GOT slot of strcmp now points at strcpy");
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
