/* got-slot.h - for attacks on a loaded object's relocated words: where
 * ld.so put the object's GOT slot of a function (its JUMP_SLOT or
 * GLOB_DAT word), or a symbol the object defines, read from the object's
 * dynamic section in memory. The object is the first loaded one whose
 * path contains the given part. */
#ifndef BULKHEAD_TEST_GOT_SLOT_H
#define BULKHEAD_TEST_GOT_SLOT_H
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <elf.h>
#include <link.h>
#include <stdint.h>
#include <string.h>

struct got_look {
  const char *object, *name;
  int data;     /* 1: the symbol's address; 0: its GOT slot */
  uintptr_t at; /* what was found, or 0 */
};

/* The value of the object's dynamic tag TAG (PTR: a pointer, relocated if
 * ld.so left it as linked); 0 if it has none. */
static inline uintptr_t got_dyn(const struct dl_phdr_info *info, long tag,
                                int ptr) {
  const ElfW(Dyn) *d = NULL;
  for (int i = 0; i < info->dlpi_phnum; i++)
    if (info->dlpi_phdr[i].p_type == PT_DYNAMIC)
      d = (const ElfW(Dyn) *)(info->dlpi_addr + info->dlpi_phdr[i].p_vaddr);
  for (; d && d->d_tag != DT_NULL; d++)
    if (d->d_tag == tag)
      return ptr && d->d_un.d_ptr < info->dlpi_addr
                 ? d->d_un.d_ptr + info->dlpi_addr
                 : d->d_un.d_ptr;
  return 0;
}

/* How many dynamic symbols a DT_GNU_HASH table covers. */
static inline size_t got_gnu_hash_symbols(const uint32_t *h) {
  uint32_t nbuckets = h[0], first = h[1], bloom = h[2], max = 0;
  const uint32_t *buckets = h + 4 + bloom * (sizeof(ElfW(Addr)) / 4);
  const uint32_t *chain = buckets + nbuckets;
  for (uint32_t b = 0; b < nbuckets; b++)
    if (buckets[b] > max)
      max = buckets[b];
  if (max < first)
    return first;
  while (!(chain[max - first] & 1))
    max++;
  return max + 1;
}

static inline int got_look_at(struct dl_phdr_info *info, size_t size,
                              void *arg) {
  struct got_look *l = arg;
  (void)size;
  if (!info->dlpi_name || !strstr(info->dlpi_name, l->object))
    return 0;
  uintptr_t base = info->dlpi_addr;
  const ElfW(Dyn) *dyn = NULL;
  for (int i = 0; i < info->dlpi_phnum; i++)
    if (info->dlpi_phdr[i].p_type == PT_DYNAMIC)
      dyn = (const ElfW(Dyn) *)(base + info->dlpi_phdr[i].p_vaddr);
  const ElfW(Sym) *sym = NULL;
  const char *str = NULL;
  const uint32_t *hash = NULL;
  const ElfW(Rela) *rel[2] = {NULL, NULL};
  size_t sz[2] = {0, 0};
  for (; dyn && dyn->d_tag != DT_NULL; dyn++) {
    /* ld.so relocates l_ld's pointers */
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
    else if (dyn->d_tag == DT_GNU_HASH)
      hash = (const uint32_t *)v;
  }
  if (l->data) {
    size_t nsyms = hash ? got_gnu_hash_symbols(hash) : 0;
    for (const ElfW(Sym) *s = sym; sym && str && s < sym + nsyms; s++)
      if (s->st_name && s->st_shndx && !strcmp(str + s->st_name, l->name))
        l->at = base + s->st_value;
    return 1;
  }
  for (int t = 0; t < 2 && sym && str; t++)
    for (size_t k = 0; rel[t] && k < sz[t] / sizeof *rel[t]; k++) {
      unsigned type = ELF64_R_TYPE(rel[t][k].r_info);
      if ((type == R_X86_64_JUMP_SLOT || type == R_X86_64_GLOB_DAT) &&
          !strcmp(str + sym[ELF64_R_SYM(rel[t][k].r_info)].st_name, l->name))
        l->at = base + rel[t][k].r_offset;
    }
  return 1;
}

/* The address of object's GOT slot (JUMP_SLOT or GLOB_DAT) of the
 * function name; 0 if none. */
static inline uintptr_t got_slot(const char *object, const char *name) {
  struct got_look l = {object, name, 0, 0};
  dl_iterate_phdr(got_look_at, &l);
  return l.at;
}

/* The address of the symbol name that object defines (its .dynsym, as
 * far as DT_GNU_HASH covers it); 0 if none. */
static inline uintptr_t got_object_symbol(const char *object, const char *name) {
  struct got_look l = {object, name, 1, 0};
  dl_iterate_phdr(got_look_at, &l);
  return l.at;
}
#endif
