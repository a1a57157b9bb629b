/* attacks-lazy-got.test: a hardened program dlopens the vault object
 * (argv[1], Inputs/review14b-got-vault.c) and, as the default domain,
 * looks for its GOT slot of strcmp among the object's writable words (a
 * word holding libc's strcmp) and stores libc's strcpy there: one key-0
 * store, no system call (attacker model A). Then it asks the vault to
 * check a guess held in its memory: the vault's strcmp(guess, key) would
 * be strcpy(guess, key). */
#include "review14b-app.h"

#include <link.h>

static char guess[64] = "a guess";

/* The first word of the vault's writable segments that holds target. */
static int find_word(struct dl_phdr_info *info, size_t size, void *arg) {
  (void)size;
  void ***slot = arg;
  if (!info->dlpi_name || !strstr(info->dlpi_name, "liblazy"))
    return 0;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *p = &info->dlpi_phdr[i];
    if (p->p_type != PT_LOAD || !(p->p_flags & PF_W))
      continue;
    void **w = (void **)(info->dlpi_addr + p->p_vaddr);
    for (size_t k = 0; k < p->p_memsz / sizeof *w; k++)
      if (w[k] == **slot) {
        *slot = &w[k];
        return 1;
      }
  }
  return 1;
}

int main(int argc, char **argv) {
  void *h = open_vault(argc, argv, 2);
  int (*check)(char *) = (int (*)(char *))dlsym(h, "vault_check");
  void *strcmp_address = dlsym(RTLD_DEFAULT, "strcmp");
  void **slot = &strcmp_address;
  if (!check || !strcmp_address)
    return 2;
  dl_iterate_phdr(find_word, &slot);
  if (slot == &strcmp_address) {
    puts("no writable word holds strcmp");
    return 2;
  }
  *slot = (void *)&strcpy;
  puts("the vault's GOT slot of strcmp now points at strcpy");
  printf("check: %d\n", check(guess));
  if (strstr(guess, "TOP-SECRET"))
    printf("ATTACK SUCCEEDED: the vault's key in the program's memory: %s\n",
           guess);
  else
    printf("guess kept: %s\n", guess);
  return 0;
}
