/* attacks-rev15-decoy.test: a library without compartments that the vault
 * object needs (Inputs/rev15-decoy-vault.c). It defines rev15_compare,
 * which the vault calls. Its constructor runs in the default domain
 * (attacker model B) after ld.so relocated both objects and before the
 * vault's registration:
 *   - it writes a decoy file: a copy of this library whose .dynsym entry
 *     for rev15_compare holds the value that, with the copy mapped where
 *     it is, lands on libc's strcpy;
 *   - maps the decoy read-only (not executable: nothing of it runs);
 *   - points the vault's GOT slot of rev15_compare at strcpy (a plain
 *     mprotect: the object is outside every filter range until its own).
 * The RELRO look (runtime/supervisor-relro.c) finds no global definition
 * of rev15_compare and none in the vault, so it accepts any mapped
 * file's definition at the slot's value: the decoy's. With "no-decoy"
 * among the program's arguments the decoy is written but not mapped (the
 * control: the look then refuses the slot). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "got-slot.h"

int rev15_compare(const char *a, const char *b) { return strcmp(a, b); }

/* Sets the value of dynamic symbol name in the ELF file image p. */
static int set_value(unsigned char *p, size_t n, const char *name,
                     uint64_t value) {
  const ElfW(Ehdr) *eh = (const ElfW(Ehdr) *)p;
  if (eh->e_shoff + eh->e_shnum * sizeof(ElfW(Shdr)) > n)
    return -1;
  const ElfW(Shdr) *sh = (const ElfW(Shdr) *)(p + eh->e_shoff);
  for (int i = 0; i < eh->e_shnum; i++) {
    if (sh[i].sh_type != SHT_DYNSYM || sh[i].sh_link >= eh->e_shnum)
      continue;
    const char *str = (const char *)p + sh[sh[i].sh_link].sh_offset;
    ElfW(Sym) *s = (ElfW(Sym) *)(p + sh[i].sh_offset);
    for (size_t k = 0; k < sh[i].sh_size / sizeof *s; k++)
      if (!strcmp(str + s[k].st_name, name)) {
        s[k].st_value = value;
        return 0;
      }
  }
  return -1;
}

/* Whether the program was given the argument MODE. */
static int mode_is(const char *mode) {
  char buf[4096];
  FILE *f = fopen("/proc/self/cmdline", "r");
  size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
  if (f)
    fclose(f);
  buf[n] = 0;
  for (size_t i = 0; i < n; i += strlen(buf + i) + 1)
    if (!strcmp(buf + i, mode))
      return 1;
  return 0;
}

static void say(const char *what) {
  puts(what);
  fflush(stdout);
}

__attribute__((constructor)) static void decoy(void) {
  uintptr_t slot = got_slot("rev15-decoy-vault", "rev15_compare");
  Dl_info self;
  if (!slot || !dladdr((void *)&rev15_compare, &self) || !self.dli_fname)
    return say("dep: the vault's slot or this library's file not found");
  /* The decoy: this library's bytes, in a file of the attacker's. */
  int in = open(self.dli_fname, O_RDONLY);
  struct stat st;
  if (in < 0 || fstat(in, &st))
    return say("dep: cannot read this library");
  size_t n = (size_t)st.st_size;
  unsigned char *img = malloc(n);
  if (!img || pread(in, img, n, 0) != (ssize_t)n)
    return say("dep: cannot read this library");
  close(in);
  /* A directory the process may write in (Inputs/rev15-decoy-app.c). */
  static const char *const dirs[] = {"/tmp/rev15", "/tmp"};
  int fd = -1;
  for (size_t i = 0; fd < 0 && i < sizeof dirs / sizeof *dirs; i++) {
    char path[64];
    snprintf(path, sizeof path, "%s/rev15-decoy-XXXXXX", dirs[i]);
    fd = mkstemp(path);
    if (fd < 0)
      fprintf(stderr, "dep: %s: %m\n", path);
  }
  if (fd < 0 || write(fd, img, n) != (ssize_t)n)
    return say("dep: cannot write the decoy");
  /* "no-decoy": the control, the slot forged without the decoy mapped. */
  unsigned char *lo = mode_is("no-decoy")
                          ? (unsigned char *)0x10000
                          : mmap(NULL, n, PROT_READ, MAP_PRIVATE, fd, 0);
  if (lo == MAP_FAILED)
    return say("dep: cannot map the decoy");
  /* Its first PT_LOAD is at 0: the value lo + value = strcpy. */
  void *to = (void *)&strcpy;
  if (set_value(img, n, "rev15_compare", (uintptr_t)to - (uintptr_t)lo) ||
      pwrite(fd, img, n, 0) != (ssize_t)n)
    return say("dep: cannot write the decoy's symbol");
  close(fd);
  void *page = (void *)(slot & ~(uintptr_t)4095);
  if (mprotect(page, 4096, PROT_READ | PROT_WRITE))
    return say("dep: mprotect of the vault's GOT refused");
  *(void **)slot = to;
  mprotect(page, 4096, PROT_READ);
  say(mode_is("no-decoy")
          ? "dep: the vault's GOT slot of rev15_compare now points at strcpy"
          : "dep: the vault's GOT slot of rev15_compare now points at strcpy, "
            "a decoy file mapped read-only defines it there");
}
