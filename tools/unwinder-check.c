/*
 * unwinder-check.c: refuses an output with compartments that carries its
 * own copy of libgcc's unwinder (unwinder-check.h). Decided on the final
 * symbol table, so every way of linking libgcc_eh.a is seen alike.
 */
#include "unwinder-check.h"

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../include/bulkhead/abi.h"

/* Defined only by libgcc's unwinder (libgcc_eh.a, libgcc_s.so.1). */
static const char *const unwinder_names[] = {
    "_Unwind_Find_FDE", "__register_frame_info", "_Unwind_RaiseException"};

static const char *own_unwinder_name(Elf *elf, Elf_Scn *symtab) {
  GElf_Shdr sh;
  Elf_Data *data;
  if (!gelf_getshdr(symtab, &sh) || !sh.sh_entsize ||
      !(data = elf_getdata(symtab, NULL)))
    return NULL;
  for (size_t i = 0; i < sh.sh_size / sh.sh_entsize; i++) {
    GElf_Sym sym;
    const char *name;
    if (!gelf_getsym(data, (int)i, &sym) || sym.st_shndx == SHN_UNDEF ||
        GELF_ST_TYPE(sym.st_info) != STT_FUNC ||
        !(name = elf_strptr(elf, sh.sh_link, sym.st_name)))
      continue;
    for (size_t k = 0; k < sizeof unwinder_names / sizeof *unwinder_names;
         k++)
      if (!strcmp(name, unwinder_names[k]))
        return unwinder_names[k];
  }
  return NULL;
}

int check_own_unwinder(const char *path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return 0;
  elf_version(EV_CURRENT);
  Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
  size_t shstrndx = 0;
  bool has_gates = false;
  Elf_Scn *symtab = NULL;
  if (elf && elf_getshdrstrndx(elf, &shstrndx) == 0)
    for (Elf_Scn *scn = NULL; (scn = elf_nextscn(elf, scn)) != NULL;) {
      GElf_Shdr sh;
      const char *name;
      if (!gelf_getshdr(scn, &sh))
        continue;
      if (sh.sh_type == SHT_SYMTAB && !symtab)
        symtab = scn;
      has_gates |= (name = elf_strptr(elf, shstrndx, sh.sh_name)) &&
                   !strcmp(name, BH_SECTION_GATES);
    }
  const char *own = has_gates && symtab ? own_unwinder_name(elf, symtab) : NULL;
  if (own)
    fprintf(stderr,
            "bulkhead-clang: error: %s defines %s itself: it carries its own "
            "copy of libgcc's unwinder (libgcc_eh.a, linked statically), "
            "which follows key-0 unwind records with a compartment's rights; "
            "link libgcc_s.so.1 and libstdc++.so instead "
            "(docs/threat-model.md)\n",
            path, own);
  if (elf)
    elf_end(elf);
  close(fd);
  return own != NULL;
}
