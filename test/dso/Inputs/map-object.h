/* map-object.h - a shared object's file mapped as ld.so maps it, for
 * tests that drive registration's requests by hand (key-grant.c) or judge
 * a mapping (object-code.c): code readable only (it is inert until
 * registered), its relocations applied as ld.so would (symbols by the
 * program's dlsym; the object's own TLS words left to the caller, who
 * knows its slots: tls_value gives what they are relative to) and its
 * RELRO then read-only, its descriptors', copies' and imports' sections
 * found by name. Exits 3 on failure. */
#include "../../../include/bulkhead/abi.h"
#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static uintptr_t base, desc, copies, imports_lo, imports_hi;
static uintptr_t data_rel_ro; /* its .data.rel.ro section, if any */

/* The words its symbol relocations wrote: where, and the symbol. */
static uintptr_t named_at[64];
static const char *named[64];
static int named_n;
static uintptr_t symbol_word(const char *name) {
  for (int k = 0; k < named_n; k++)
    if (!strcmp(named[k], name))
      return named_at[k];
  exit(3);
}

/* The object's own TLS words (TPOFF64 of its own symbols): where, and
 * their symbol's value plus addend; ld.so writes each as that minus one
 * offset of the object's TLS block. */
static uintptr_t tls_at[16];
static long tls_v[16];
static int tls_n;
static long tls_value(uintptr_t at) {
  for (int k = 0; k < tls_n; k++)
    if (tls_at[k] == at)
      return tls_v[k];
  exit(3);
}

/* Relocation r of the object at b (dynamic symbols sym, names str). */
static void relocate(char *b, const Elf64_Rela *r, const Elf64_Sym *sym,
                     const char *str) {
  unsigned type = ELF64_R_TYPE(r->r_info);
  const Elf64_Sym *s = &sym[ELF64_R_SYM(r->r_info)];
  void *at = b + r->r_offset;
  uintptr_t v;
  if (type == R_X86_64_RELATIVE)
    v = (uintptr_t)b + (uintptr_t)r->r_addend;
  else if (type == R_X86_64_TPOFF64 &&
           (!ELF64_R_SYM(r->r_info) || s->st_shndx != SHN_UNDEF)) {
    if (tls_n == 16)
      exit(3);
    tls_at[tls_n] = (uintptr_t)at;
    tls_v[tls_n++] = (long)(s->st_value + (uint64_t)r->r_addend);
    return;
  } else if (type == R_X86_64_TPOFF64) {
    char *tp, *g = dlsym(RTLD_DEFAULT, str + s->st_name);
    __asm__("movq %%fs:0, %0" : "=r"(tp));
    if (!g)
      return;
    v = (uintptr_t)(g - tp) + (uintptr_t)r->r_addend;
  } else if (type == R_X86_64_GLOB_DAT || type == R_X86_64_JUMP_SLOT ||
             type == R_X86_64_64) {
    char *g = dlsym(RTLD_DEFAULT, str + s->st_name);
    if (!g && s->st_shndx != SHN_UNDEF)
      g = b + s->st_value;
    if (!g)
      return;
    v = (uintptr_t)g + (uintptr_t)r->r_addend;
    if (named_n < 64)
      named_at[named_n] = (uintptr_t)at, named[named_n++] = str + s->st_name;
  } else
    return;
  if (mprotect((void *)((uintptr_t)at & ~4095ul), 4096,
               PROT_READ | PROT_WRITE) == 0)
    memcpy(at, &v, sizeof v);
}

/* The ELF header and (at most 32) program headers of the file at fd;
 * exits with 3 if they cannot be read. */
static void read_headers(int fd, Elf64_Ehdr *eh, Elf64_Phdr ph[32]) {
  if (fd < 0 || pread(fd, eh, sizeof *eh, 0) != sizeof *eh || eh->e_phnum > 32 ||
      pread(fd, ph, eh->e_phnum * sizeof *ph, (off_t)eh->e_phoff) < 0)
    exit(3);
}

/* The pages [*lo, *hi) of segment ph of the object mapped at base. */
static void load_pages(const Elf64_Phdr *ph, uintptr_t *lo, uintptr_t *hi) {
  *lo = base + (ph->p_vaddr & ~4095ul);
  *hi = base + ((ph->p_vaddr + ph->p_memsz + 4095) & ~4095ul);
}

static void map_object(const char *path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  Elf64_Ehdr eh;
  Elf64_Phdr ph[32];
  read_headers(fd, &eh, ph);
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
    uintptr_t rela = 0, relasz = 0, jmprel = 0, pltrelsz = 0, symtab = 0,
              strtab = 0;
    for (; d->d_tag != DT_NULL; d++)
      if (d->d_tag == DT_RELA)
        rela = d->d_un.d_ptr;
      else if (d->d_tag == DT_RELASZ)
        relasz = d->d_un.d_val;
      else if (d->d_tag == DT_JMPREL)
        jmprel = d->d_un.d_ptr;
      else if (d->d_tag == DT_PLTRELSZ)
        pltrelsz = d->d_un.d_val;
      else if (d->d_tag == DT_SYMTAB)
        symtab = d->d_un.d_ptr;
      else if (d->d_tag == DT_STRTAB)
        strtab = d->d_un.d_ptr;
    const Elf64_Sym *sym = (const Elf64_Sym *)(b + symtab);
    for (Elf64_Rela *r = (Elf64_Rela *)(b + rela);
         (char *)r < b + rela + relasz; r++)
      relocate(b, r, sym, b + strtab);
    for (Elf64_Rela *r = (Elf64_Rela *)(b + jmprel);
         (char *)r < b + jmprel + pltrelsz; r++)
      relocate(b, r, sym, b + strtab);
  }
  /* RELRO read-only, as ld.so leaves it */
  for (int i = 0; i < eh.e_phnum; i++)
    if (ph[i].p_type == PT_GNU_RELRO &&
        mprotect(b + (ph[i].p_vaddr & ~4095ul),
                 ((ph[i].p_vaddr + ph[i].p_memsz + 4095) & ~4095ul) -
                     (ph[i].p_vaddr & ~4095ul),
                 PROT_READ))
      exit(3);
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
             !strcmp(names + sh[i].sh_name, ".data.rel.ro"))
      data_rel_ro = base + sh[i].sh_addr;
    else if (sh[i].sh_name < sizeof names &&
             !strcmp(names + sh[i].sh_name, BH_SECTION_IMPORTS))
      imports_lo = base + sh[i].sh_addr,
      imports_hi = imports_lo + sh[i].sh_size;
  close(fd);
  if (!desc || !copies || !imports_lo)
    exit(3);
}
