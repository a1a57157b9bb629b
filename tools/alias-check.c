/*
 * alias-check.c: refuses a link in which a global name for default-domain
 * code has no default-domain marker (alias-check.h). Decided by address,
 * on the final symbol table, so every way of making a name is seen alike:
 * --defsym, a linker script, a .s file, .symver.
 */
#define _GNU_SOURCE
#include "alias-check.h"

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../include/bulkhead/abi.h"

struct range {
  GElf_Addr start, end;
  const char *name;
};

static int by_name(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool marked(const char **names, size_t n, const char *name) {
  return bsearch(&name, names, n, sizeof *names, by_name) != NULL;
}

static bool defined(const GElf_Sym *sym) {
  return sym->st_shndx != SHN_UNDEF && GELF_ST_TYPE(sym->st_info) != STT_FILE &&
         GELF_ST_TYPE(sym->st_info) != STT_SECTION &&
         GELF_ST_TYPE(sym->st_info) != STT_TLS;
}

/* Checks the symbols of one symbol table; returns the number refused.
 * HAS_GATES: the output holds compartment code. */
static int check_table(Elf *elf, Elf_Data *data, size_t link, size_t count,
                       const char *path, bool has_gates) {
  const char *prefix = BH_SYM_DEFAULT_MARK_PREFIX;
  size_t plen = strlen(prefix);
  const char **names = calloc(count + 1, sizeof *names);
  struct range *ranges = calloc(count + 1, sizeof *ranges);
  /* The ifuncs the pass saw (BH_SYM_IFUNC_MARK_PREFIX). */
  const char *iprefix = BH_SYM_IFUNC_MARK_PREFIX;
  size_t iplen = strlen(iprefix);
  const char **ifuncs = calloc(count + 1, sizeof *ifuncs);
  size_t nifuncs = 0;
  if (!names || !ranges || !ifuncs) {
    free(names);
    free(ranges);
    free(ifuncs);
    fprintf(stderr, "bulkhead-clang: error: out of memory\n");
    return 1;
  }
  size_t nnames = 0, nranges = 0;
  bool kept = false; /* the runtime's hidden symbol, which every
                        compartment's module refers to */
  bool compartments = false; /* a compartment's descriptor */
  GElf_Sym sym;
  /* The markers this output defines (a compartment's test of a name is
   * an undefined weak reference to its marker). */
  for (size_t i = 0; i < count; i++) {
    const char *name;
    if (!gelf_getsym(data, (int)i, &sym) || sym.st_shndx == SHN_UNDEF ||
        !(name = elf_strptr(elf, link, sym.st_name)))
      continue;
    if (strncmp(name, prefix, plen) == 0)
      names[nnames++] = name + plen;
    if (strncmp(name, iprefix, iplen) == 0)
      ifuncs[nifuncs++] = name + iplen;
    kept |= strcmp(name, BH_SYM_RUNTIME_REQUIRED) == 0;
    compartments |= strncmp(name, BH_SYM_DOMAIN_PREFIX,
                            strlen(BH_SYM_DOMAIN_PREFIX)) == 0;
  }
  /* Markers are hidden, local in the output, like that symbol: a link
   * that left them out (--retain-symbols-file) left it out too, and would
   * pass with nothing to check (review 13a). Instrumented code without a
   * compartment (an object built with the flag) has markers but not the
   * symbol; compartment code alone, the symbol but no marker. */
  if (has_gates && !kept && nnames == 0) {
    fprintf(stderr,
            "bulkhead-clang: error: %s: the link left the local symbols out "
            "of the symbol table (-Wl,--retain-symbols-file?), so its names "
            "for default-domain code cannot be checked (docs/driver.md); link "
            "without that option (-s given to bulkhead-clang strips after "
            "the check)\n",
            path);
    free(names);
    free(ranges);
    free(ifuncs);
    return 1;
  }
  qsort(names, nnames, sizeof *names, by_name);
  qsort(ifuncs, nifuncs, sizeof *ifuncs, by_name);
  /* Default-domain code: the marked names' functions. */
  for (size_t i = 0; i < count; i++) {
    const char *name;
    if (gelf_getsym(data, (int)i, &sym) && defined(&sym) &&
        GELF_ST_TYPE(sym.st_info) == STT_FUNC &&
        (name = elf_strptr(elf, link, sym.st_name)) &&
        marked(names, nnames, name))
      ranges[nranges++] = (struct range){
          sym.st_value, sym.st_value + (sym.st_size ? sym.st_size : 1), name};
  }
  int refused = 0;
  for (size_t i = 0; i < count; i++) {
    const char *name;
    unsigned bind;
    if (!gelf_getsym(data, (int)i, &sym) || !defined(&sym) ||
        !(name = elf_strptr(elf, link, sym.st_name)) || !*name)
      continue;
    bind = GELF_ST_BIND(sym.st_info);
    /* A local name binds no caller in another object. A versioned name
     * (.symver, `f@VER`) is not checked: a library's compatibility names
     * are that (docs/threat-model.md, still open). */
    if (bind == STB_LOCAL || strchr(name, '@') || marked(names, nnames, name))
      continue;
    /* An ifunc's address is its resolver's; the code a call of it runs is
     * whatever the resolver returns, which no check can tell at link time.
     * The pass marks every C ifunc it compiles; any other (an assembly
     * file's, a library's built without Bulkhead) could return
     * default-domain code for a compartment's plain call (review 13a:
     * attacks-review13a-ifunc-alias.c). glibc's own live in libc.so. */
    if (GELF_ST_TYPE(sym.st_info) == STT_GNU_IFUNC && compartments &&
        !marked(ifuncs, nifuncs, name)) {
      fprintf(stderr,
              "bulkhead-clang: error: %s: '%s' is an ifunc that no module "
              "marked (from an assembly file or a library built without "
              "Bulkhead?): its resolver may pick default-domain code, which "
              "a compartment's call of it would run with the compartment's "
              "rights. Define it in C, built with bulkhead-clang\n",
              path, name);
      refused++;
      continue;
    }
    for (size_t r = 0; r < nranges; r++) {
      if (sym.st_value < ranges[r].start || sym.st_value >= ranges[r].end)
        continue;
      fprintf(stderr,
              "bulkhead-clang: error: %s: '%s' names default-domain code "
              "('%s'+%#llx) but no module marked it (a linker --defsym, "
              "linker-script assignment or assembly-file alias?): a "
              "compartment's call of it would run that code with the "
              "compartment's rights. Define it in C (an alias attribute) or "
              "call '%s'\n",
              path, name, ranges[r].name,
              (unsigned long long)(sym.st_value - ranges[r].start),
              ranges[r].name);
      refused++;
      break;
    }
  }
  free(names);
  free(ranges);
  free(ifuncs);
  return refused;
}

int check_default_aliases(const char *path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    fprintf(stderr,
            "bulkhead-clang: error: cannot open %s to check its "
            "names for default-domain code\n",
            path);
    return 1;
  }
  elf_version(EV_CURRENT);
  Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
  int refused = -1;
  size_t shstrndx = 0;
  bool has_gates = false;
  Elf_Scn *symtab = NULL;
  GElf_Shdr sh;
  if (elf && elf_getshdrstrndx(elf, &shstrndx) != 0)
    elf_end(elf), elf = NULL;
  for (Elf_Scn *scn = NULL; elf && (scn = elf_nextscn(elf, scn)) != NULL;) {
    const char *name;
    if (!gelf_getshdr(scn, &sh))
      continue;
    if (sh.sh_type == SHT_SYMTAB && sh.sh_entsize != 0 && !symtab)
      symtab = scn;
    has_gates |= (name = elf_strptr(elf, shstrndx, sh.sh_name)) &&
                 strcmp(name, BH_SECTION_GATES) == 0;
  }
  Elf_Data *data;
  if (symtab && gelf_getshdr(symtab, &sh) &&
      (data = elf_getdata(symtab, NULL)))
    refused = check_table(elf, data, sh.sh_link, sh.sh_size / sh.sh_entsize,
                          path, has_gates);
  if (elf)
    elf_end(elf);
  close(fd);
  /* Without its symbol table (-s) the markers are gone: fail closed. */
  if (refused < 0)
    fprintf(stderr,
            "bulkhead-clang: error: %s has no symbol table to check its names "
            "for default-domain code against (docs/design.md, Aliases): the "
            "linker was told to strip it; give -s to bulkhead-clang itself, "
            "not in -Wl, or a response file (it strips after the check)\n",
            path);
  return refused != 0;
}
