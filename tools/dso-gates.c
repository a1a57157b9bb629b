/*
 * dso-gates.c: see dso-gates.h.
 *
 * Only a listed entry whose bytes are a WRPKRU in executable code is
 * rewritten (and its entry cleared); anything else in the manifest is left
 * for the link-time scan to report. The trap has the WRPKRU's length, so
 * nothing moves. The file is read and written with libelf, its layout kept
 * (ELF_F_LAYOUT).
 */
#define _GNU_SOURCE
#include "dso-gates.h"
#include "dso-inert.h"

#include "../include/bulkhead/abi.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The section named NAME, or NULL. */
static Elf_Scn *section_named(Elf *e, size_t names, const char *name) {
  for (Elf_Scn *s = elf_nextscn(e, NULL); s; s = elf_nextscn(e, s)) {
    GElf_Shdr sh;
    const char *n;
    if (gelf_getshdr(s, &sh) && (n = elf_strptr(e, names, sh.sh_name)) &&
        !strcmp(n, name))
      return s;
  }
  return NULL;
}

/* The 3 bytes at address A in an executable section with contents (their
 * section's data marked dirty when returned), or NULL. */
static unsigned char *code_at(Elf *e, uint64_t a) {
  for (Elf_Scn *s = elf_nextscn(e, NULL); s; s = elf_nextscn(e, s)) {
    GElf_Shdr sh;
    Elf_Data *d;
    if (gelf_getshdr(s, &sh) && sh.sh_type == SHT_PROGBITS &&
        sh.sh_flags & SHF_EXECINSTR && a >= sh.sh_addr &&
        a - sh.sh_addr + 3 <= sh.sh_size && (d = elf_getdata(s, NULL)) &&
        d->d_buf && a - sh.sh_addr + 3 <= d->d_size) {
      elf_flagdata(d, ELF_C_SET, ELF_F_DIRTY);
      return (unsigned char *)d->d_buf + (a - sh.sh_addr);
    }
  }
  return NULL;
}

/* Rewrites each WRPKRU that section GATES lists as a trap; whether any. */
static int disarm(Elf *e, Elf_Scn *gates) {
  static const unsigned char wrpkru[3] = {0x0f, 0x01, 0xef},
                             trap[3] = {0x0f, 0x0b, 0xcc}; /* ud2; int3 */
  Elf_Data *d = elf_getdata(gates, NULL);
  int changed = 0;
  for (size_t off = 0; d && d->d_buf && off + 8 <= d->d_size; off += 8) {
    uint64_t a;
    memcpy(&a, (char *)d->d_buf + off, 8);
    unsigned char *code;
    if (a == 0 || a == ~(uint64_t)0 || !(code = code_at(e, a)) ||
        memcmp(code, wrpkru, 3))
      continue;
    memcpy(code, trap, 3);
    memset((char *)d->d_buf + off, 0, 8);
    changed = 1;
  }
  if (changed)
    elf_flagdata(d, ELF_C_SET, ELF_F_DIRTY);
  return changed;
}

int dso_disarm_gates(const char *path) {
  int fd = open(path, O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    fprintf(stderr, "bulkhead-clang: error: cannot open %s: %s\n", path,
            strerror(errno));
    return -1;
  }
  elf_version(EV_CURRENT);
  Elf *e = elf_begin(fd, ELF_C_RDWR, NULL);
  GElf_Ehdr eh;
  size_t names;
  int r = 0, changed = 0;
  /* Not a 64-bit x86 ELF file, or one whose sections cannot be read:
   * not ours to change; the scan judges it. */
  if (e && elf_kind(e) == ELF_K_ELF && gelf_getclass(e) == ELFCLASS64 &&
      gelf_getehdr(e, &eh) && eh.e_machine == EM_X86_64 &&
      !elf_getshdrstrndx(e, &names)) {
    Elf_Scn *gates;
    /* An object with compartments keeps its gates: the executable's
     * runtime registers it and they run (docs/shared-objects.md), its code
     * made executable only then (dso-inert.h). */
    if (section_named(e, names, BH_SECTION_NOTE))
      r = dso_make_inert(e, path), changed = !r;
    else if ((gates = section_named(e, names, BH_SECTION_GATES)))
      changed = disarm(e, gates);
  }
  elf_flagelf(e, ELF_C_SET, ELF_F_LAYOUT);
  if (changed && elf_update(e, ELF_C_WRITE) < 0) {
    fprintf(stderr, "bulkhead-clang: error: cannot rewrite %s: %s\n", path,
            elf_errmsg(-1));
    r = -1;
  }
  elf_end(e);
  if (close(fd) && !r) {
    fprintf(stderr, "bulkhead-clang: error: cannot write %s: %s\n", path,
            strerror(errno));
    r = -1;
  }
  return r;
}
