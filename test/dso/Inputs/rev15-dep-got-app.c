/* attacks-rev15-dep-got.test, attacks-rev19-lazy-startup-dep.test: a
 * hardened program dlopens the vault object (argv[1]) and lets its
 * registration complete. Then, as default-domain code, it points the GOT
 * slot of strcmp in DEP (the library whose rev15_compare the vault calls:
 * librev15-dep.so unless the build says otherwise) at libc's strcpy: with
 * "store" among the arguments by one key-0 store (attacker model A: a
 * slot outside RELRO), else by making its page writable with a plain
 * mprotect and read-only again (model B). Then it asks the vault to check
 * a guess held in its memory: the vault's call of rev15_compare runs DEP's
 * code with the vault's rights, and its strcmp is strcpy(guess, key).
 * With "control" the slot is left alone; with "nobody" it runs as nobody.
 * Exits 0 only if the key reached the program's memory. */
#define _GNU_SOURCE
#include <bulkhead.h>
#include <dlfcn.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "attack-args.h"
#include "got-slot.h"

#ifndef DEP
#define DEP "librev15-dep.so"
#endif

BULKHEAD_DATA(local) static int local_value = 7;
BULKHEAD_ENTRY(local) int local_get(void) { return local_value; }

static char guess[64] = "a guess";

int main(int argc, char **argv) {
  if (argc < 2)
    return 2;
  become_nobody_if_asked(argc, argv);
  printf("local: %d\n", local_get());
  fflush(stdout);
  void *h = dlopen(argv[1], RTLD_NOW);
  int (*check)(char *) = h ? (int (*)(char *))dlsym(h, "vault_check") : NULL;
  if (!check) {
    printf("dlopen refused: %s\n", dlerror());
    return 2;
  }
  printf("registered; check: %d\n", check(guess));
  uintptr_t slot = got_slot(DEP, "strcmp");
  if (!slot) {
    puts("no GOT slot of strcmp in " DEP);
    return 2;
  }
  int store = has_arg(argc, argv, "store");
  if (!has_arg(argc, argv, "control")) {
    void *page = (void *)(slot & ~(uintptr_t)4095);
    if (!store && mprotect(page, 4096, PROT_READ | PROT_WRITE)) {
      perror("mprotect of " DEP "'s GOT");
      return 1;
    }
    *(void **)slot = (void *)&strcpy;
    if (!store)
      mprotect(page, 4096, PROT_READ);
    puts(DEP "'s GOT slot of strcmp now points at strcpy");
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
