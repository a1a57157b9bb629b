/* got-slot.h - the GOT word (JUMP_SLOT or GLOB_DAT relocation) through
 * which a loaded object reaches a symbol, found in its dynamic relocations
 * as a reader of the binary would, and the end of its PT_GNU_RELRO. */
#include <elf.h>
#include <link.h>
#include <string.h>

struct got_slot {
  const char *object; /* a part of the object's path; NULL: the program */
  const char *symbol;
  void **slot;          /* found: the word */
  uintptr_t relro_end;  /* found: PT_GNU_RELRO's end, or 0 */
};

static int got_slot_find(struct dl_phdr_info *info, size_t size, void *arg) {
  (void)size;
  struct got_slot *g = arg;
  if (g->object ? !strstr(info->dlpi_name, g->object) : info->dlpi_name[0] != 0)
    return 0; /* the program comes first, with no name */
  const ElfW(Dyn) *d = NULL;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    if (ph->p_type == PT_DYNAMIC)
      d = (const ElfW(Dyn) *)(info->dlpi_addr + ph->p_vaddr);
    if (ph->p_type == PT_GNU_RELRO)
      g->relro_end = info->dlpi_addr + ph->p_vaddr + ph->p_memsz;
  }
  const ElfW(Rela) *rel[2] = {0, 0};
  size_t n[2] = {0, 0};
  const ElfW(Sym) *sym = NULL;
  const char *str = NULL;
  for (; d && d->d_tag != DT_NULL; d++) {
    uintptr_t v = d->d_un.d_ptr;
    if (d->d_tag == DT_JMPREL)
      rel[0] = (const ElfW(Rela) *)v;
    if (d->d_tag == DT_PLTRELSZ)
      n[0] = d->d_un.d_val / sizeof(ElfW(Rela));
    if (d->d_tag == DT_RELA)
      rel[1] = (const ElfW(Rela) *)v;
    if (d->d_tag == DT_RELASZ)
      n[1] = d->d_un.d_val / sizeof(ElfW(Rela));
    if (d->d_tag == DT_SYMTAB)
      sym = (const ElfW(Sym) *)v;
    if (d->d_tag == DT_STRTAB)
      str = (const char *)v;
  }
  for (int t = 0; t < 2 && sym && str; t++)
    for (size_t i = 0; rel[t] && i < n[t]; i++) {
      size_t s = ELF64_R_SYM(rel[t][i].r_info);
      if (s && !strcmp(str + sym[s].st_name, g->symbol))
        g->slot = (void **)(info->dlpi_addr + rel[t][i].r_offset);
    }
  return 1;
}

