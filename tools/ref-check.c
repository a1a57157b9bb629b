/*
 * ref-check.c: see ref-check.h.
 *
 * The linker's trace (-t -t) names every input it used: a file, or an
 * archive member as `archive(member)` (lld) or `(archive)member` (GNU ld).
 * Only those are read, so an archive counts by the members the link pulled
 * in. Shared objects and bitcode (compiled by the pass at an LTO link) are
 * not relocatable ELF and are skipped.
 */
#define _GNU_SOURCE
#include "ref-check.h"

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../include/bulkhead/abi.h"

struct names {
  char **v;
  size_t n, cap;
};

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool add(struct names *s, const char *name) {
  if (s->n == s->cap) {
    size_t cap = s->cap ? 2 * s->cap : 64;
    char **v = realloc(s->v, cap * sizeof *v);
    if (!v)
      return false;
    s->v = v;
    s->cap = cap;
  }
  return (s->v[s->n] = strdup(name)) != NULL && ++s->n;
}

static bool has(const struct names *s, const char *name) {
  return s->n && bsearch(&name, s->v, s->n, sizeof *s->v, by_name);
}

static void clear(struct names *s) {
  for (size_t i = 0; i < s->n; i++)
    free(s->v[i]);
  free(s->v);
}

/* The symbol table of ELF, or NULL. */
static Elf_Scn *symtab_of(Elf *elf, GElf_Shdr *sh) {
  for (Elf_Scn *scn = NULL; (scn = elf_nextscn(elf, scn)) != NULL;)
    if (gelf_getshdr(scn, sh) && sh->sh_type == SHT_SYMTAB &&
        sh->sh_entsize != 0)
      return scn;
  return NULL;
}

/* The marked functions the output defines (markers as alias-check.c reads
 * them), and whether it has a compartment. False if it cannot be read. */
static bool read_output(const char *path, struct names *marked,
                        bool *compartments) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
  GElf_Shdr sh;
  Elf_Scn *scn = elf ? symtab_of(elf, &sh) : NULL;
  Elf_Data *data = scn ? elf_getdata(scn, NULL) : NULL;
  struct names markers = {0}, funcs = {0};
  size_t plen = strlen(BH_SYM_DEFAULT_MARK_PREFIX);
  bool ok = data != NULL;
  for (size_t i = 0; ok && i < sh.sh_size / sh.sh_entsize; i++) {
    GElf_Sym sym;
    const char *name;
    if (!gelf_getsym(data, (int)i, &sym) || sym.st_shndx == SHN_UNDEF ||
        !(name = elf_strptr(elf, sh.sh_link, sym.st_name)))
      continue;
    if (!strncmp(name, BH_SYM_DEFAULT_MARK_PREFIX, plen))
      ok = add(&markers, name + plen);
    else if (GELF_ST_TYPE(sym.st_info) == STT_FUNC &&
             GELF_ST_BIND(sym.st_info) != STB_LOCAL)
      ok = add(&funcs, name);
    *compartments |= !strncmp(name, BH_SYM_DOMAIN_PREFIX,
                              strlen(BH_SYM_DOMAIN_PREFIX));
  }
  qsort(markers.v, markers.n, sizeof *markers.v, by_name);
  for (size_t i = 0; ok && i < funcs.n; i++)
    if (has(&markers, funcs.v[i]))
      ok = add(marked, funcs.v[i]);
  qsort(marked->v, marked->n, sizeof *marked->v, by_name);
  clear(&markers);
  clear(&funcs);
  if (elf)
    elf_end(elf);
  close(fd);
  return ok;
}

/* Startup files: code before main, which refers to main. */
static bool startup_file(const char *path) {
  const char *b = strrchr(path, '/');
  b = b ? b + 1 : path;
  static const char *const crt[] = {"crt1.o",  "Scrt1.o", "rcrt1.o",
                                    "gcrt1.o", "grcrt1.o", "Mcrt1.o",
                                    "crti.o",  "crtn.o",  NULL};
  for (const char *const *c = crt; *c; c++)
    if (!strcmp(b, *c))
      return true;
  return !strncmp(b, "crtbegin", 8) || !strncmp(b, "crtend", 6);
}

/* Checks one relocatable object (FILE, or MEMBER of it): 0 if the pass
 * compiled it or it refers to no marked function, else the number of
 * marked functions it refers to (each reported). */
static int check_object(Elf *elf, const char *file, const char *member,
                        const char *output, const struct names *marked) {
  GElf_Ehdr eh;
  GElf_Shdr sh, st;
  Elf_Scn *symscn;
  Elf_Data *syms;
  if (!gelf_getehdr(elf, &eh) || eh.e_type != ET_REL ||
      !(symscn = symtab_of(elf, &st)) || !(syms = elf_getdata(symscn, NULL)))
    return 0;
  size_t count = st.sh_size / st.sh_entsize;
  for (size_t i = 0; i < count; i++) {
    GElf_Sym sym;
    const char *name;
    if (gelf_getsym(syms, (int)i, &sym) && sym.st_shndx != SHN_UNDEF &&
        (name = elf_strptr(elf, st.sh_link, sym.st_name)) &&
        !strcmp(name, BH_SYM_COMPILED))
      return 0;
  }
  /* Each marked name once. */
  bool *seen = calloc(count + 1, sizeof *seen);
  int refused = 0;
  for (Elf_Scn *scn = NULL; seen && (scn = elf_nextscn(elf, scn)) != NULL;) {
    GElf_Shdr target;
    Elf_Scn *tscn;
    Elf_Data *rel;
    if (!gelf_getshdr(scn, &sh) ||
        (sh.sh_type != SHT_RELA && sh.sh_type != SHT_REL) ||
        sh.sh_link != elf_ndxscn(symscn) || sh.sh_entsize == 0 ||
        !(tscn = elf_getscn(elf, sh.sh_info)) || !gelf_getshdr(tscn, &target) ||
        !(target.sh_flags & SHF_ALLOC) || !(rel = elf_getdata(scn, NULL)))
      continue; /* debug information refers to everything; it runs nothing */
    for (size_t r = 0; r < sh.sh_size / sh.sh_entsize; r++) {
      GElf_Rela ra;
      GElf_Rel rl;
      size_t idx;
      if (sh.sh_type == SHT_RELA ? !gelf_getrela(rel, (int)r, &ra)
                                 : !gelf_getrel(rel, (int)r, &rl))
        continue;
      idx = GELF_R_SYM(sh.sh_type == SHT_RELA ? ra.r_info : rl.r_info);
      GElf_Sym sym;
      const char *name;
      if (idx >= count || seen[idx] || !gelf_getsym(syms, (int)idx, &sym) ||
          sym.st_shndx != SHN_UNDEF ||
          !(name = elf_strptr(elf, st.sh_link, sym.st_name)) ||
          !has(marked, name))
        continue;
      seen[idx] = true;
      fprintf(stderr,
              "bulkhead-clang: error: %s: %s%s%s%s refers to '%s', "
              "default-domain code, but Bulkhead did not compile it (an "
              "assembly file, or a library built without bulkhead-clang?): "
              "a compartment's call into it would run '%s' with the "
              "compartment's rights. Build it with bulkhead-clang "
              "-fpkey-compartments, in C (docs/driver.md)\n",
              output, file, member ? "(" : "", member ? member : "",
              member ? ")" : "", name, name);
      refused++;
    }
  }
  free(seen);
  return refused;
}

/* Checks FILE, or its members named MEMBER (an archive may hold several
 * of one name; each is checked). */
static int check_input(const char *file, const char *member,
                       const char *output, const struct names *marked) {
  int fd = open(file, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return 0;
  int refused = 0;
  Elf *ar = elf_begin(fd, ELF_C_READ, NULL);
  if (ar && member && elf_kind(ar) == ELF_K_AR) {
    Elf *m;
    while ((m = elf_begin(fd, ELF_C_READ, ar)) != NULL) {
      Elf_Arhdr *h = elf_getarhdr(m);
      if (h && h->ar_name && !strcmp(h->ar_name, member))
        refused += check_object(m, file, member, output, marked);
      elf_next(m);
      elf_end(m);
    }
  } else if (ar && !member && elf_kind(ar) == ELF_K_ELF) {
    refused += check_object(ar, file, NULL, output, marked);
  }
  if (ar)
    elf_end(ar);
  close(fd);
  return refused;
}

static bool is_file(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Splits a trace line into FILE and MEMBER (NULL for a file); false if it
 * names no input. Writes into LINE. */
static bool trace_input(char *line, char **file, char **member) {
  size_t n = strlen(line);
  *member = NULL;
  if (is_file(line)) {
    *file = line;
    return true;
  }
  char *close;
  if (line[0] == '(' && (close = strchr(line, ')'))) { /* (archive)member */
    *close = '\0';
    if (is_file(line + 1) && close[1]) {
      *file = line + 1;
      *member = close + 1;
      return true;
    }
    *close = ')';
    return false;
  }
  char *open = strrchr(line, '(');
  if (n > 2 && line[n - 1] == ')' && open && open > line) { /* a(member) */
    *open = '\0';
    line[n - 1] = '\0';
    if (is_file(line)) {
      *file = line;
      *member = open + 1;
      return true;
    }
    *open = '(';
    line[n - 1] = ')';
  }
  return false;
}

static bool exempt(const char *file, const char *const *exempt_archives) {
  char real[4096], other[4096];
  if (startup_file(file))
    return true;
  if (!realpath(file, real))
    return false;
  for (const char *const *e = exempt_archives; e && *e; e++)
    if (realpath(*e, other) && !strcmp(real, other))
      return true;
  return false;
}

int check_unseen_references(const char *output, const char *trace,
                            bool forward, const char *const *exempt_archives) {
  elf_version(EV_CURRENT);
  FILE *f = fopen(trace, "r");
  if (!f) {
    fprintf(stderr, "bulkhead-clang: error: cannot read the link's trace %s\n",
            trace);
    return 1;
  }
  struct names marked = {0};
  bool compartments = false;
  /* alias-check.c reports an output it cannot read; the linker's output
   * is still shown. */
  if (output && !read_output(output, &marked, &compartments))
    compartments = false;
  int refused = 0;
  char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  struct names done = {0}; /* GNU ld names an input again on a rescan */
  while ((len = getline(&line, &cap, f)) > 0) {
    char *file, *member;
    if (line[len - 1] == '\n')
      line[--len] = '\0';
    if (forward)
      puts(line);
    bool known = false;
    for (size_t i = 0; i < done.n && !known; i++)
      known = !strcmp(done.v[i], line);
    if (!known && !add(&done, line)) {
      fputs("bulkhead-clang: error: out of memory\n", stderr);
      refused++;
      break;
    }
    if (!trace_input(line, &file, &member)) {
      /* The linker's own output, or an input gone since: the object clang
       * made of a source in this command, in TMPDIR, removed after the
       * link (not checked: docs/threat-model.md). */
      if (!forward && line[0] != '/')
        puts(line);
      continue;
    }
    if (!known && compartments && marked.n && !exempt(file, exempt_archives))
      refused += check_input(file, member, output, &marked);
  }
  clear(&done);
  free(line);
  fclose(f);
  clear(&marked);
  return refused != 0;
}
