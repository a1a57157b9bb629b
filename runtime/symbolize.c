/*
 * symbolize.c - names code addresses in reports: the loaded object and the
 * offset in it, and the function from that object's ELF symbol table.
 * Reports are written from signal handlers, so the list of objects is taken
 * before main (dl_iterate_phdr takes the loader's lock), and symbols are
 * read from the file with plain system calls. File and line need DWARF,
 * which is llvm-symbolizer's job: reports print the command that gives them.
 */
#define _GNU_SOURCE
#include "internal.h"

#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_MODULES 64

static struct module {
  uintptr_t base, lo, hi; /* load bias; extent of its executable segments */
  char path[240];
} modules[MAX_MODULES];
static int n_modules;

static int add_module(struct dl_phdr_info *info, size_t size, void *arg) {
  (void)size, (void)arg;
  if (n_modules == MAX_MODULES)
    return 1;
  struct module *m = &modules[n_modules];
  m->base = info->dlpi_addr, m->lo = UINTPTR_MAX, m->hi = 0;
  for (int j = 0; j < info->dlpi_phnum; j++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[j];
    if (ph->p_type != PT_LOAD ||
        !(ph->p_flags & (PF_X | BH_PF_EXEC_AFTER_REGISTRATION)))
      continue;
    uintptr_t a = info->dlpi_addr + ph->p_vaddr;
    if (a < m->lo)
      m->lo = a;
    if (a + ph->p_memsz > m->hi)
      m->hi = a + ph->p_memsz;
  }
  const char *name = info->dlpi_name;
  if (!name || !*name) { /* the executable */
    ssize_t k = readlink("/proc/self/exe", m->path, sizeof m->path - 1);
    m->path[k > 0 ? k : 0] = 0;
  } else {
    strncpy(m->path, name, sizeof m->path - 1);
  }
  if (m->hi && m->path[0])
    n_modules++;
  return 0;
}

/* After the heap's set-up (101), which loads objects of its own. */
__attribute__((constructor(102))) static void take_modules(void) {
  dl_iterate_phdr(add_module, NULL);
}

int bh_code_module(uintptr_t pc, const char **path, uintptr_t *offset) {
  for (int k = 0; k < n_modules; k++)
    if (pc >= modules[k].lo && pc < modules[k].hi) {
      *path = modules[k].path;
      *offset = pc - modules[k].base;
      return 1;
    }
  return 0;
}

/* The function of the ELF file at path whose code holds address off (in the
 * file's own addresses): .symtab, else .dynsym (stripped libraries). */
static const char *function_at(const char *base, size_t len, uintptr_t off,
                               uintptr_t *start) {
  const ElfW(Ehdr) *eh = (const void *)base;
  if (len < sizeof *eh || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
      eh->e_ident[EI_CLASS] != ELFCLASS64 ||
      eh->e_shentsize != sizeof(ElfW(Shdr)) ||
      eh->e_shoff + (uint64_t)eh->e_shnum * sizeof(ElfW(Shdr)) > len)
    return NULL;
  const ElfW(Shdr) *sh = (const void *)(base + eh->e_shoff);
  for (int want = SHT_SYMTAB; want; want = want == SHT_SYMTAB ? SHT_DYNSYM : 0)
    for (int s = 0; s < eh->e_shnum; s++) {
      if (sh[s].sh_type != (unsigned)want || sh[s].sh_link >= eh->e_shnum)
        continue;
      const ElfW(Shdr) *str = &sh[sh[s].sh_link];
      if (sh[s].sh_offset + sh[s].sh_size > len ||
          str->sh_offset + str->sh_size > len)
        continue;
      const ElfW(Sym) *sym = (const void *)(base + sh[s].sh_offset);
      size_t n = sh[s].sh_size / sizeof *sym;
      for (size_t k = 0; k < n; k++) {
        int type = ELF64_ST_TYPE(sym[k].st_info);
        if ((type != STT_FUNC && type != STT_GNU_IFUNC) || !sym[k].st_size ||
            off < sym[k].st_value || off - sym[k].st_value >= sym[k].st_size ||
            sym[k].st_name >= str->sh_size)
          continue;
        *start = sym[k].st_value;
        return base + str->sh_offset + sym[k].st_name;
      }
    }
  return NULL;
}

void bh_write_code_address(uintptr_t pc) {
  const char *path;
  uintptr_t off;
  if (!bh_code_module(pc, &path, &off)) {
    bh_write("0x");
    bh_write_num(pc, 16);
    return;
  }
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  void *map = MAP_FAILED;
  if (fd >= 0 && !fstat(fd, &st) && st.st_size > 0)
    map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (fd >= 0)
    close(fd);
  uintptr_t start;
  const char *fn = map == MAP_FAILED
                       ? NULL
                       : function_at(map, (size_t)st.st_size, off, &start);
  if (fn) {
    bh_write(fn);
    bh_write("+0x");
    bh_write_num(off - start, 16);
    bh_write(" (");
  }
  bh_write(path);
  bh_write("+0x");
  bh_write_num(off, 16);
  if (fn)
    bh_write(")");
  if (map != MAP_FAILED)
    munmap(map, (size_t)st.st_size);
}
