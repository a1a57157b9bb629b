/*
 * unwinder-check.c: refuses an output with compartments that carries its
 * own copy of libgcc's unwinder, or whose personality words stay writable
 * (unwinder-check.h). Decided on the final symbol table and program
 * headers, so every way of linking is seen alike.
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

static bool is_unwinder_name(const char *name) {
  for (size_t k = 0; k < sizeof unwinder_names / sizeof *unwinder_names; k++)
    if (!strcmp(name, unwinder_names[k]))
      return true;
  return false;
}

/* Whether the word at ADDR is read-only once ld.so has relocated it: in
 * PT_GNU_RELRO, or in a segment loaded without write permission. */
static bool read_only_after_startup(Elf *elf, GElf_Addr addr) {
  size_t n = 0;
  if (elf_getphdrnum(elf, &n) != 0)
    return false;
  for (size_t i = 0; i < n; i++) {
    GElf_Phdr ph;
    if (!gelf_getphdr(elf, (int)i, &ph) || addr < ph.p_vaddr ||
        addr + 8 > ph.p_vaddr + ph.p_memsz)
      continue;
    if (ph.p_type == PT_GNU_RELRO ||
        (ph.p_type == PT_LOAD && !(ph.p_flags & PF_W)))
      return true;
  }
  return false;
}

/* Prints one error for each failed check among SYMTAB's symbols; returns
 * whether any failed. */
static bool check_symbols(const char *path, Elf *elf, Elf_Scn *symtab) {
  GElf_Shdr sh;
  Elf_Data *data;
  if (!gelf_getshdr(symtab, &sh) || !sh.sh_entsize ||
      !(data = elf_getdata(symtab, NULL)))
    return false;
  const char *own = NULL, *writable = NULL;
  for (size_t i = 0; i < sh.sh_size / sh.sh_entsize; i++) {
    GElf_Sym sym;
    const char *name;
    if (!gelf_getsym(data, (int)i, &sym) || sym.st_shndx == SHN_UNDEF ||
        !(name = elf_strptr(elf, sh.sh_link, sym.st_name)))
      continue;
    if (!own && GELF_ST_TYPE(sym.st_info) == STT_FUNC && is_unwinder_name(name))
      own = name;
    if (!writable && !strncmp(name, "DW.ref.", 7) &&
        !read_only_after_startup(elf, sym.st_value))
      writable = name;
  }
  if (own)
    fprintf(stderr,
            "bulkhead-clang: error: %s defines %s itself: it carries its own "
            "copy of libgcc's unwinder (libgcc_eh.a, linked statically), "
            "which follows key-0 unwind records with a compartment's rights; "
            "link libgcc_s.so.1 and libstdc++.so instead "
            "(docs/threat-model.md)\n",
            path, own);
  if (writable)
    fprintf(stderr,
            "bulkhead-clang: error: %s keeps %s writable after start-up (not "
            "in RELRO): one key-0 store there would choose the code a "
            "compartment's throw runs; link with GNU ld or lld without a "
            "linker script of your own, or put .data.DW.ref.* and "
            ".data.rel.local.DW.ref.* into your script's .data.rel.ro "
            "(docs/driver.md)\n",
            path, writable);
  return own || writable;
}

int check_unwinding(const char *path) {
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
  bool bad = has_gates && symtab && check_symbols(path, elf, symtab);
  if (elf)
    elf_end(elf);
  close(fd);
  return bad;
}
