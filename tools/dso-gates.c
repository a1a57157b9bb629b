/*
 * dso-gates.c: see dso-gates.h.
 *
 * Only a listed entry whose bytes are a WRPKRU in executable code is
 * rewritten (and its entry cleared); anything else in the manifest is left
 * for the link-time scan to report. The trap has the WRPKRU's length, so
 * nothing moves.
 */
#define _GNU_SOURCE
#include "dso-gates.h"
#include "dso-inert.h"

#include "../include/bulkhead/abi.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int pread_all(int fd, void *buf, size_t len, uint64_t at) {
  return pread(fd, buf, len, (off_t)at) == (ssize_t)len ? 0 : -1;
}

static int pwrite_all(int fd, const void *buf, size_t len, uint64_t at) {
  return pwrite(fd, buf, len, (off_t)at) == (ssize_t)len ? 0 : -1;
}

/* The file offset of the 3 bytes at address A, in an executable section
 * with contents; 0 if none holds them. */
static uint64_t code_offset(const Elf64_Shdr *sh, int n, uint64_t a) {
  for (int i = 0; i < n; i++)
    if (sh[i].sh_type == SHT_PROGBITS && sh[i].sh_flags & SHF_EXECINSTR &&
        a >= sh[i].sh_addr && sh[i].sh_size >= 3 &&
        a - sh[i].sh_addr <= sh[i].sh_size - 3)
      return sh[i].sh_offset + (a - sh[i].sh_addr);
  return 0;
}

/* Whether section SH is named WANT (LEN bytes with its NUL). */
static int named(int fd, const Elf64_Shdr *sh, const Elf64_Shdr *names,
                 const char *want, size_t len) {
  char name[64];
  return len <= sizeof name && sh->sh_name < names->sh_size &&
         names->sh_size - sh->sh_name >= len &&
         !pread_all(fd, name, len, names->sh_offset + sh->sh_name) &&
         !memcmp(name, want, len);
}

static int disarm(int fd, const char *path) {
  Elf64_Ehdr eh;
  if (pread_all(fd, &eh, sizeof eh, 0) || memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
      eh.e_ident[EI_CLASS] != ELFCLASS64 ||
      eh.e_ident[EI_DATA] != ELFDATA2LSB || eh.e_machine != EM_X86_64 ||
      eh.e_shentsize != sizeof(Elf64_Shdr) || eh.e_shnum == 0 ||
      eh.e_shstrndx >= eh.e_shnum)
    return 0; /* not ours to read: the scan judges it */
  Elf64_Shdr *sh = calloc(eh.e_shnum, sizeof *sh);
  if (!sh || pread_all(fd, sh, eh.e_shnum * sizeof *sh, eh.e_shoff)) {
    free(sh);
    return 0;
  }
  const Elf64_Shdr *names = &sh[eh.e_shstrndx];
  int err = 0;
  /* An object with compartments keeps its gates: the executable's runtime
   * registers it and they run (docs/shared-objects.md), its code made
   * executable only then (dso-inert.h). */
  for (int i = 0; i < eh.e_shnum; i++)
    if (sh[i].sh_type == SHT_NOTE &&
        named(fd, &sh[i], names, BH_SECTION_NOTE, sizeof BH_SECTION_NOTE)) {
      free(sh);
      return dso_make_inert(fd, path);
    }
  for (int i = 0; i < eh.e_shnum && !err; i++) {
    if (sh[i].sh_type != SHT_PROGBITS ||
        !named(fd, &sh[i], names, BH_SECTION_GATES, sizeof BH_SECTION_GATES))
      continue;
    for (uint64_t off = 0; off + 8 <= sh[i].sh_size && !err; off += 8) {
      uint64_t a, zero = 0, at = sh[i].sh_offset + off, code;
      uint8_t b[3];
      static const uint8_t wrpkru[3] = {0x0f, 0x01, 0xef},
                           trap[3] = {0x0f, 0x0b, 0xcc}; /* ud2; int3 */
      if (pread_all(fd, &a, 8, at)) {
        err = 1;
        break;
      }
      if (a == 0 || a == ~(uint64_t)0 ||
          !(code = code_offset(sh, eh.e_shnum, a)) ||
          pread_all(fd, b, 3, code) || memcmp(b, wrpkru, 3))
        continue;
      err = pwrite_all(fd, trap, 3, code) || pwrite_all(fd, &zero, 8, at);
    }
  }
  free(sh);
  if (err)
    fprintf(stderr,
            "bulkhead-clang: error: cannot rewrite the gates of %s as traps: "
            "%s\n",
            path, strerror(errno ? errno : EIO));
  return err ? -1 : 0;
}

int dso_disarm_gates(const char *path) {
  int fd = open(path, O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    fprintf(stderr, "bulkhead-clang: error: cannot open %s: %s\n", path,
            strerror(errno));
    return -1;
  }
  int r = disarm(fd, path);
  if (close(fd) && !r) {
    fprintf(stderr, "bulkhead-clang: error: cannot write %s: %s\n", path,
            strerror(errno));
    r = -1;
  }
  return r;
}
