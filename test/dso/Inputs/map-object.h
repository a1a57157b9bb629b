/* map-object.h - a shared object's file mapped as ld.so maps it, for
 * tests that drive registration's requests by hand (key-grant.c) or judge
 * a mapping (object-code.c): code readable only (it is inert until
 * registered), its RELATIVE relocations applied, its descriptors',
 * copies' and imports' sections found by name. Exits 3 on failure. */
#include "../../../include/bulkhead/abi.h"
#include <elf.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static uintptr_t base, desc, copies, imports_lo, imports_hi;

static void map_object(const char *path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  Elf64_Ehdr eh;
  Elf64_Phdr ph[32];
  if (fd < 0 || pread(fd, &eh, sizeof eh, 0) != sizeof eh || eh.e_phnum > 32 ||
      pread(fd, ph, eh.e_phnum * sizeof *ph, eh.e_phoff) < 0)
    exit(3);
  uintptr_t span = 0;
  for (int i = 0; i < eh.e_phnum; i++)
    if (ph[i].p_type == PT_LOAD && ph[i].p_vaddr + ph[i].p_memsz > span)
      span = ph[i].p_vaddr + ph[i].p_memsz;
  span = (span + 4095) & ~4095ul;
  char *b = mmap(NULL, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (b == MAP_FAILED)
    exit(3);
  base = (uintptr_t)b;
  for (int i = 0; i < eh.e_phnum; i++) {
    if (ph[i].p_type != PT_LOAD)
      continue;
    uintptr_t pg = ph[i].p_vaddr & ~4095ul, off = ph[i].p_offset & ~4095ul;
    uintptr_t end = (ph[i].p_vaddr + ph[i].p_memsz + 4095) & ~4095ul;
    int w = ph[i].p_flags & PF_W;
    int prot = PROT_READ | (w ? PROT_WRITE : 0);
    if (mmap(b + pg, end - pg, prot, MAP_PRIVATE | MAP_FIXED, fd, off) ==
        MAP_FAILED)
      exit(3);
    if (w && ph[i].p_memsz > ph[i].p_filesz) { /* .bss: zeros */
      size_t fend = ph[i].p_vaddr + ph[i].p_filesz;
      size_t pend = (fend + 4095) & ~4095ul;
      memset(b + fend, 0, pend - fend);
      if (end > pend &&
          mmap(b + pend, end - pend, prot,
               MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS, -1, 0) == MAP_FAILED)
        exit(3);
    }
  }
  for (int i = 0; i < eh.e_phnum; i++) {
    if (ph[i].p_type != PT_DYNAMIC)
      continue;
    Elf64_Dyn *d = (Elf64_Dyn *)(b + ph[i].p_vaddr);
    uintptr_t rela = 0, relasz = 0;
    for (; d->d_tag != DT_NULL; d++)
      if (d->d_tag == DT_RELA)
        rela = d->d_un.d_ptr;
      else if (d->d_tag == DT_RELASZ)
        relasz = d->d_un.d_val;
    for (Elf64_Rela *r = (Elf64_Rela *)(b + rela);
         (char *)r < b + rela + relasz; r++)
      if (ELF64_R_TYPE(r->r_info) == R_X86_64_RELATIVE) {
        uintptr_t v = base + (uintptr_t)r->r_addend;
        void *at = b + r->r_offset;
        if (mprotect((void *)((uintptr_t)at & ~4095ul), 4096,
                     PROT_READ | PROT_WRITE) == 0)
          memcpy(at, &v, sizeof v);
      }
  }
  Elf64_Shdr sh[64];
  if (eh.e_shnum > 64 ||
      pread(fd, sh, eh.e_shnum * sizeof *sh, eh.e_shoff) < 0)
    exit(3);
  char names[8192];
  if (pread(fd, names, sizeof names, sh[eh.e_shstrndx].sh_offset) < 0)
    exit(3);
  for (int i = 0; i < eh.e_shnum; i++)
    if (sh[i].sh_name < sizeof names &&
        !strcmp(names + sh[i].sh_name, BH_SECTION_DOMAINS))
      desc = base + sh[i].sh_addr;
    else if (sh[i].sh_name < sizeof names &&
             !strcmp(names + sh[i].sh_name, BH_SECTION_COPIES))
      copies = base + sh[i].sh_addr;
    else if (sh[i].sh_name < sizeof names &&
             !strcmp(names + sh[i].sh_name, BH_SECTION_IMPORTS))
      imports_lo = base + sh[i].sh_addr,
      imports_hi = imports_lo + sh[i].sh_size;
  close(fd);
  if (!desc || !copies || !imports_lo)
    exit(3);
}
