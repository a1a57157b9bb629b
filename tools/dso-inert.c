/*
 * dso-inert.c: see dso-inert.h.
 */
#define _GNU_SOURCE
#include "dso-inert.h"

#include "../include/bulkhead/abi.h"

#include <elf.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int fail(const char *path, const char *why) {
  fprintf(stderr,
          "bulkhead-clang: error: cannot make the code of %s wait "
          "for its registration: %s\n",
          path, why);
  return -1;
}

/* Whether the dynamic section at file offset OFF (SIZE bytes) has
 * DT_INIT; -1 if it cannot be read. */
static int has_init(int fd, uint64_t off, uint64_t size) {
  for (uint64_t at = 0; at + sizeof(Elf64_Dyn) <= size;
       at += sizeof(Elf64_Dyn)) {
    Elf64_Dyn d;
    if (pread(fd, &d, sizeof d, (off_t)(off + at)) != (ssize_t)sizeof d)
      return -1;
    if (d.d_tag == DT_NULL)
      return 0;
    if (d.d_tag == DT_INIT)
      return 1;
  }
  return 0;
}

int dso_make_inert(int fd, const char *path) {
  Elf64_Ehdr eh;
  if (pread(fd, &eh, sizeof eh, 0) != (ssize_t)sizeof eh ||
      eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0)
    return fail(path, "its program headers cannot be read");
  size_t len = (size_t)eh.e_phnum * sizeof(Elf64_Phdr);
  Elf64_Phdr *ph = malloc(len);
  if (!ph || pread(fd, ph, len, (off_t)eh.e_phoff) != (ssize_t)len) {
    free(ph);
    return fail(path, "its program headers cannot be read");
  }
  int err = 0;
  for (int i = 0; i < eh.e_phnum && !err; i++) {
    if (ph[i].p_type == PT_DYNAMIC) {
      int init = has_init(fd, ph[i].p_offset, ph[i].p_filesz);
      if (init)
        err = fail(path, init < 0 ? "its dynamic section cannot be read"
                                  : "it has DT_INIT (an -init= option?), "
                                    "which ld.so would run first");
    }
    if (ph[i].p_type == PT_LOAD && ph[i].p_flags & PF_X)
      ph[i].p_flags =
          (ph[i].p_flags & ~(uint32_t)PF_X) | BH_PF_EXEC_AFTER_REGISTRATION;
  }
  if (!err && pwrite(fd, ph, len, (off_t)eh.e_phoff) != (ssize_t)len)
    err = fail(path, strerror(errno ? errno : EIO));
  free(ph);
  return err;
}
