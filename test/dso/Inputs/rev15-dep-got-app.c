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
#include <elf.h>
#include <grp.h>
#include <link.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

BULKHEAD_DATA(local) static int local_value = 7;
BULKHEAD_ENTRY(local) int local_get(void) { return local_value; }

static char guess[64] = "a guess";

/* The GOT slot (JUMP_SLOT or GLOB_DAT) of strcmp in librev15-dep.so. */
static int find_slot(struct dl_phdr_info *info, size_t size, void *arg) {
  (void)size;
  if (!info->dlpi_name || !strstr(info->dlpi_name, "librev15-dep.so"))
    return 0;
  uintptr_t base = info->dlpi_addr;
  const ElfW(Dyn) *dyn = NULL;
  for (int i = 0; i < info->dlpi_phnum; i++)
    if (info->dlpi_phdr[i].p_type == PT_DYNAMIC)
      dyn = (const ElfW(Dyn) *)(base + info->dlpi_phdr[i].p_vaddr);
  const ElfW(Sym) *sym = NULL;
  const char *str = NULL;
  const ElfW(Rela) *rel[2] = {NULL, NULL};
  size_t sz[2] = {0, 0};
  for (; dyn && dyn->d_tag != DT_NULL; dyn++) {
    uintptr_t v = dyn->d_un.d_ptr < base ? dyn->d_un.d_ptr + base : dyn->d_un.d_ptr;
    if (dyn->d_tag == DT_SYMTAB)
      sym = (const ElfW(Sym) *)v;
    else if (dyn->d_tag == DT_STRTAB)
      str = (const char *)v;
    else if (dyn->d_tag == DT_JMPREL)
      rel[0] = (const ElfW(Rela) *)v;
    else if (dyn->d_tag == DT_PLTRELSZ)
      sz[0] = dyn->d_un.d_val;
    else if (dyn->d_tag == DT_RELA)
      rel[1] = (const ElfW(Rela) *)v;
    else if (dyn->d_tag == DT_RELASZ)
      sz[1] = dyn->d_un.d_val;
  }
  for (int t = 0; t < 2 && sym && str; t++)
    for (size_t k = 0; rel[t] && k < sz[t] / sizeof *rel[t]; k++) {
      unsigned type = ELF64_R_TYPE(rel[t][k].r_info);
      if ((type == R_X86_64_JUMP_SLOT || type == R_X86_64_GLOB_DAT) &&
          !strcmp(str + sym[ELF64_R_SYM(rel[t][k].r_info)].st_name, "strcmp"))
        *(uintptr_t *)arg = base + rel[t][k].r_offset;
    }
  return 1;
}

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
  uintptr_t slot = 0;
  dl_iterate_phdr(find_slot, &slot);
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
