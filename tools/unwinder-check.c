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

#define PAGE 4096u

/* Whether the word at ADDR is read-only once ld.so has relocated it: in
 * PT_GNU_RELRO's whole pages (ld.so protects no partial last page), or in
 * a segment loaded without write permission. */
static bool read_only_after_startup(Elf *elf, GElf_Addr addr) {
  size_t n = 0;
  if (elf_getphdrnum(elf, &n) != 0)
    return false;
  for (size_t i = 0; i < n; i++) {
    GElf_Phdr ph;
    if (!gelf_getphdr(elf, (int)i, &ph))
      continue;
    GElf_Addr end = ph.p_vaddr + ph.p_memsz;
    if (ph.p_type == PT_GNU_RELRO)
      end &= ~(GElf_Addr)(PAGE - 1);
    if (addr < ph.p_vaddr || addr + 8 > end)
      continue;
    if (ph.p_type == PT_GNU_RELRO ||
        (ph.p_type == PT_LOAD && !(ph.p_flags & PF_W)))
      return true;
  }
  return false;
}

/* The end of PT_GNU_RELRO if it is not on a page boundary, else 0: its
 * last page, the GOT's tail with it, would stay writable (review 28). */
static GElf_Addr partial_relro_end(Elf *elf) {
  size_t n = 0;
  GElf_Phdr ph;
  for (size_t i = 0; elf_getphdrnum(elf, &n) == 0 && i < n; i++)
    if (gelf_getphdr(elf, (int)i, &ph) && ph.p_type == PT_GNU_RELRO &&
        (ph.p_vaddr + ph.p_memsz) % PAGE)
      return ph.p_vaddr + ph.p_memsz;
  return 0;
}

/* The first library ELF's dynamic section needs that is another unwinder
 * (review 30b): LLVM's libunwind.so.1 or the nongnu libunwind.so.8. Needed
 * before libgcc_s, its _Unwind_RaiseException is the one a throw calls,
 * and it never asks the runtime's _Unwind_Find_FDE. NULL if none. */
static const char *other_unwinder(Elf *elf) {
  for (Elf_Scn *scn = NULL; (scn = elf_nextscn(elf, scn)) != NULL;) {
    GElf_Shdr sh;
    Elf_Data *data;
    if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_DYNAMIC ||
        !sh.sh_entsize || !(data = elf_getdata(scn, NULL)))
      continue;
    for (size_t i = 0; i < sh.sh_size / sh.sh_entsize; i++) {
      GElf_Dyn d;
      const char *name;
      if (gelf_getdyn(data, (int)i, &d) && d.d_tag == DT_NEEDED &&
          (name = elf_strptr(elf, sh.sh_link, d.d_un.d_val)) &&
          !strncmp(name, "libunwind.so", 12))
        return name;
    }
  }
  return NULL;
}

/* Prints one error for each failed check among SYMTAB's symbols (the
 * personality words' only if WORDS); returns whether any failed. */
static bool check_symbols(const char *path, Elf *elf, Elf_Scn *symtab,
                          bool words) {
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
    if (words && !writable && !strncmp(name, "DW.ref.", 7) &&
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
  /* A partial RELRO page is reported once, not again for its words. */
  GElf_Addr relro_end = has_gates ? partial_relro_end(elf) : 0;
  bool bad =
      has_gates && symtab && check_symbols(path, elf, symtab, !relro_end);
  if (relro_end)
    fprintf(stderr,
            "bulkhead-clang: error: %s's RELRO ends inside a page (at 0x%llx; "
            "-z common-page-size or max-page-size below 4096?): ld.so leaves "
            "that page writable, the GOT's last words with it, so one key-0 "
            "store there would redirect a compartment's call "
            "(docs/driver.md)\n",
            path, (unsigned long long)relro_end);
  bad = bad || relro_end;
  const char *needed = has_gates ? other_unwinder(elf) : NULL;
  if (needed)
    fprintf(stderr,
            "bulkhead-clang: error: %s needs %s, an unwinder other than "
            "libgcc_s.so.1: its _Unwind_RaiseException would follow key-0 "
            "unwind records with a compartment's rights; link without it "
            "(docs/threat-model.md)\n",
            path, needed);
  bad = bad || needed;
  if (elf)
    elf_end(elf);
  close(fd);
  return bad;
}
