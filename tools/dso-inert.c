/*
 * dso-inert.c: see dso-inert.h.
 */
#define _GNU_SOURCE
#include "dso-inert.h"

#include "../include/bulkhead/abi.h"

#include <gelf.h>
#include <stdint.h>
#include <stdio.h>

static int fail(const char *path, const char *why) {
  fprintf(stderr,
          "bulkhead-clang: error: cannot make the code of %s wait "
          "for its registration: %s\n",
          path, why);
  return -1;
}

/* Whether the dynamic section has DT_INIT; -1 if it cannot be read. */
static int has_init(Elf *e) {
  for (Elf_Scn *s = elf_nextscn(e, NULL); s; s = elf_nextscn(e, s)) {
    GElf_Shdr sh;
    if (!gelf_getshdr(s, &sh))
      return -1;
    if (sh.sh_type != SHT_DYNAMIC)
      continue;
    Elf_Data *d = elf_getdata(s, NULL);
    GElf_Dyn dyn;
    for (int i = 0; d && gelf_getdyn(d, i, &dyn); i++) {
      if (dyn.d_tag == DT_NULL)
        return 0;
      if (dyn.d_tag == DT_INIT)
        return 1;
    }
    return d ? 0 : -1;
  }
  return 0;
}

int dso_make_inert(Elf *e, const char *path) {
  size_t n;
  if (elf_getphdrnum(e, &n) || n == 0)
    return fail(path, "its program headers cannot be read");
  int init = has_init(e);
  if (init)
    return fail(path, init < 0 ? "its dynamic section cannot be read"
                               : "it has DT_INIT (an -init= option?), "
                                 "which ld.so would run first");
  for (size_t i = 0; i < n; i++) {
    GElf_Phdr ph;
    if (!gelf_getphdr(e, (int)i, &ph))
      return fail(path, "its program headers cannot be read");
    if (ph.p_type != PT_LOAD || !(ph.p_flags & PF_X))
      continue;
    ph.p_flags = (ph.p_flags & ~(uint32_t)PF_X) | BH_PF_EXEC_AFTER_REGISTRATION;
    if (!gelf_update_phdr(e, (int)i, &ph))
      return fail(path, elf_errmsg(-1));
  }
  return 0;
}
