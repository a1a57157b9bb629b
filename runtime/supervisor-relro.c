/*
 * supervisor-relro.c - piece 6's look at a registered object's RELRO
 * (docs/shared-objects.md, step 6, piece 6; review 14b, GOT): the GOT and
 * .data.rel.ro that ld.so relocated in key-0 memory, outside every filter
 * range until the object's own filter, and that its compartments trust
 * (a call of strcmp goes where the JUMP_SLOT word says). Before the code
 * becomes executable, every byte of PT_GNU_RELRO must be what ld.so would
 * have written, computed from the object's file (never from the
 * process's memory):
 *   - the RELRO pages are private and readable only, so nothing changes
 *     them after this look (the object's filter refuses mprotect, mmap
 *     and mremap in its span but piece 6's PROT_READ | PROT_EXEC);
 *   - a word no relocation writes is the file's (zeros past its bytes),
 *     except in PT_DYNAMIC, which ld.so adjusts and which no compartment
 *     code reads;
 *   - R_X86_64_RELATIVE: base + addend;
 *   - GLOB_DAT, JUMP_SLOT, 64: the address ld.so's lookup gives. The
 *     global scope (the program and what it loaded at start-up, in load
 *     order) is the supervisor's own: a fork of the program after
 *     start-up, so its dlvsym/dlsym (IFUNCs resolved on the same CPU)
 *     answers as the program's ld.so did. A name it lacks: the object's
 *     own definition; if the object has none, refused (review 15: a
 *     definition "in some mapped file" was the attacker's to map, and an
 *     object loaded after start-up has no protected range). 0 for a weak
 *     undefined symbol;
 *     So the object reaches no code of a library loaded with it, whose
 *     code and GOT lie in no protected range (review 15, dep-got);
 *   - a GLOB_DAT or JUMP_SLOT word outside RELRO (a writable GOT: -z
 *     norelro, -z lazy) is refused: key-0 writes would redirect it;
 *   - TPOFF64: of the object's own TLS, one module offset for all of them,
 *     which must be that of a stack slot publish checked
 *     (supervisor-publish.c); of a start-up object's, its offset in the
 *     supervisor's static TLS (the program's layout);
 *   - any other type (IRELATIVE, DTPMOD64, TLSDESC, COPY, ...), DT_REL or
 *     DT_RELR: refused, with one line naming the object and the type.
 * Relocated words outside RELRO (writable data) are not looked at here.
 */
#define _GNU_SOURCE
#include "syscalls.h"

#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

extern char bh_index_words[] __asm__(BH_SYM_INDEX_TABLE) BH_HIDDEN;

/* An ELF shared object's file, mapped read-only in the supervisor. */
struct elf {
  const unsigned char *p;
  size_t size;
  const ElfW(Phdr) * ph;
  int phnum;
  uint64_t symtab, versym; /* link-time addresses */
  size_t nsym;             /* 0 if unknown: no name look-up */
  const char *str;
  size_t strsz;
  uint64_t verneed, verdef; /* link-time addresses, or 0 */
  uint64_t rela, relasz, jmprel, pltrelsz;
  int other_relocs; /* DT_REL, DT_RELR, non-RELA PLT */
};

/* The file's bytes at link-time address v, len of them, or NULL. */
static const void *at(const struct elf *e, uint64_t v, uint64_t len) {
  for (int i = 0; i < e->phnum; i++) {
    const ElfW(Phdr) *p = &e->ph[i];
    if (p->p_type == PT_LOAD && v >= p->p_vaddr && len <= p->p_filesz &&
        v - p->p_vaddr <= p->p_filesz - len && p->p_offset <= e->size &&
        (v - p->p_vaddr) + len <= e->size - p->p_offset)
      return e->p + p->p_offset + (v - p->p_vaddr);
  }
  return NULL;
}

static void elf_close(struct elf *e) {
  if (e->p)
    munmap((void *)e->p, e->size);
  e->p = NULL;
}

/* Maps and reads the open file fd: 0, or -1 if it is no x86-64 ELF
 * object with a dynamic section. */
static int elf_open(int fd, struct elf *e) {
  struct stat st;
  memset(e, 0, sizeof *e);
  if (fstat(fd, &st) || st.st_size < (off_t)sizeof(ElfW(Ehdr)))
    return -1;
  void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (m == MAP_FAILED)
    return -1;
  e->p = m, e->size = (size_t)st.st_size;
  const ElfW(Ehdr) *eh = m;
  if (memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
      eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_machine != EM_X86_64 ||
      eh->e_phentsize != sizeof(ElfW(Phdr)) || eh->e_phoff > e->size ||
      eh->e_phnum * sizeof(ElfW(Phdr)) > e->size - eh->e_phoff)
    goto bad;
  e->ph = (const ElfW(Phdr) *)(e->p + eh->e_phoff), e->phnum = eh->e_phnum;
  const ElfW(Dyn) *dyn = NULL;
  size_t ndyn = 0;
  for (int i = 0; i < e->phnum; i++)
    if (e->ph[i].p_type == PT_DYNAMIC) {
      dyn = at(e, e->ph[i].p_vaddr, e->ph[i].p_filesz);
      ndyn = e->ph[i].p_filesz / sizeof *dyn;
    }
  if (!dyn)
    goto bad;
  uint64_t strtab = 0;
  for (size_t k = 0; k < ndyn && dyn[k].d_tag != DT_NULL; k++) {
    uint64_t v = dyn[k].d_un.d_val;
    switch (dyn[k].d_tag) {
    case DT_SYMTAB:
      e->symtab = v;
      break;
    case DT_STRTAB:
      strtab = v;
      break;
    case DT_STRSZ:
      e->strsz = v;
      break;
    case DT_VERSYM:
      e->versym = v;
      break;
    case DT_VERNEED:
      e->verneed = v;
      break;
    case DT_VERDEF:
      e->verdef = v;
      break;
    case DT_RELA:
      e->rela = v;
      break;
    case DT_RELASZ:
      e->relasz = v;
      break;
    case DT_JMPREL:
      e->jmprel = v;
      break;
    case DT_PLTRELSZ:
      e->pltrelsz = v;
      break;
    case DT_PLTREL:
      e->other_relocs |= v != DT_RELA;
      break;
    case DT_REL:
    case DT_RELR:
      e->other_relocs = 1;
      break;
    case DT_RELAENT:
      e->other_relocs |= v != sizeof(ElfW(Rela));
      break;
    }
  }
  e->str = at(e, strtab, e->strsz);
  if (!e->str || !e->strsz || e->str[e->strsz - 1] ||
      !at(e, e->symtab, sizeof(ElfW(Sym))))
    goto bad;
  /* The number of dynamic symbols, from the section headers. */
  if (eh->e_shentsize == sizeof(ElfW(Shdr)) && eh->e_shoff < e->size &&
      eh->e_shnum * sizeof(ElfW(Shdr)) <= e->size - eh->e_shoff) {
    const ElfW(Shdr) *sh = (const ElfW(Shdr) *)(e->p + eh->e_shoff);
    for (int i = 0; i < eh->e_shnum; i++)
      if (sh[i].sh_type == SHT_DYNSYM && sh[i].sh_addr == e->symtab &&
          at(e, e->symtab, sh[i].sh_size))
        e->nsym = sh[i].sh_size / sizeof(ElfW(Sym));
  }
  return 0;
bad:
  elf_close(e);
  return -1;
}

/* Dynamic symbol i (copied, unaligned-safe), its name: 0, or -1. */
static int symbol(const struct elf *e, uint64_t i, ElfW(Sym) * s,
                  const char **name) {
  const void *p =
      i < (1u << 24) ? at(e, e->symtab + i * sizeof *s, sizeof *s) : NULL;
  if (!p)
    return -1;
  memcpy(s, p, sizeof *s);
  if (s->st_name >= e->strsz)
    return -1;
  *name = e->str + s->st_name;
  return 0;
}

/* The version name symbol i has or needs, or NULL (none, or the base). */
static const char *version(const struct elf *e, uint64_t i) {
  const unsigned char *v = e->versym ? at(e, e->versym + 2 * i, 2) : NULL;
  if (!v)
    return NULL;
  unsigned ndx = (unsigned)(v[0] | v[1] << 8) & 0x7fff;
  if (ndx < 2)
    return NULL;
  for (uint64_t a = e->verneed; a;) { /* what it needs from others */
    const ElfW(Verneed) *n = at(e, a, sizeof *n);
    if (!n)
      return NULL;
    for (uint64_t x = a + n->vn_aux, k = 0; k < n->vn_cnt; k++) {
      const ElfW(Vernaux) *u = at(e, x, sizeof *u);
      if (!u)
        return NULL;
      if (u->vna_other == ndx)
        return u->vna_name < e->strsz ? e->str + u->vna_name : NULL;
      x += u->vna_next;
    }
    a = n->vn_next ? a + n->vn_next : 0;
  }
  for (uint64_t a = e->verdef; a;) { /* what it defines */
    const ElfW(Verdef) *d = at(e, a, sizeof *d);
    if (!d)
      return NULL;
    const ElfW(Verdaux) *u = at(e, a + d->vd_aux, sizeof *u);
    if (d->vd_ndx == ndx)
      return u && u->vda_name < e->strsz ? e->str + u->vda_name : NULL;
    a = d->vd_next ? a + d->vd_next : 0;
  }
  return NULL;
}

/* Whether the object file mapped at base in the supervisor defines name
 * without a version (which ld.so takes for any version asked). */
static int unversioned(const void *base, const char *name) {
  const char *why;
  int fd = bh_object_file_open(getpid(), (uintptr_t)base, &why), r = 0;
  struct elf e;
  if (fd >= 0 && !elf_open(fd, &e)) {
    for (uint64_t i = 1; !r && i < e.nsym; i++) {
      ElfW(Sym) s;
      const char *n;
      r = !symbol(&e, i, &s, &n) && s.st_shndx != SHN_UNDEF &&
          !strcmp(n, name) && !version(&e, i);
    }
    elf_close(&e);
  }
  if (fd >= 0)
    close(fd);
  return r;
}

/* The global scope's definition of name (ver): the supervisor's own
 * look-up, which is the program's at start-up. ld.so takes the first
 * object of the scope that defines name@ver, or name without a version;
 * dlvsym only the first: so the first object that defines name at all
 * (dlsym) when that definition has no version. NULL if none. */
static void *global(const char *name, const char *ver) {
  void *any = dlsym(RTLD_DEFAULT, name);
  if (!ver)
    return any;
  void *exact = dlvsym(RTLD_DEFAULT, name, ver);
  Dl_info a, x;
  if (!any || any == exact || !dladdr(any, &a) ||
      (exact && dladdr(exact, &x) && x.dli_fbase == a.dli_fbase))
    return exact;
  return unversioned(a.dli_fbase, name) ? any : exact;
}

/* The path of the file mapped at base in process tgid, for messages. */
struct name_at {
  uintptr_t base;
  char *out;
  size_t cap;
};

static int name_line(const struct bh_map *m, void *arg) {
  struct name_at *n = arg;
  if (m->lo != n->base || m->path[0] != '/')
    return 0;
  snprintf(n->out, n->cap, "%s", m->path);
  return 1;
}

static void file_name(pid_t tgid, uintptr_t base, char *out, size_t cap) {
  char path[64];
  struct name_at n = {base, out, cap};
  snprintf(out, cap, "the object at 0x%lx", (unsigned long)base);
  snprintf(path, sizeof path, "/proc/%d/maps", (int)tgid);
  bh_each_map(path, name_line, &n);
}

static const char *type_name(unsigned t) {
  static const char *const n[] = {[R_X86_64_64] = "R_X86_64_64",
                                  [R_X86_64_COPY] = "R_X86_64_COPY",
                                  [R_X86_64_GLOB_DAT] = "R_X86_64_GLOB_DAT",
                                  [R_X86_64_JUMP_SLOT] = "R_X86_64_JUMP_SLOT",
                                  [R_X86_64_RELATIVE] = "R_X86_64_RELATIVE",
                                  [R_X86_64_DTPMOD64] = "R_X86_64_DTPMOD64",
                                  [R_X86_64_DTPOFF64] = "R_X86_64_DTPOFF64",
                                  [R_X86_64_TPOFF64] = "R_X86_64_TPOFF64",
                                  [R_X86_64_TLSDESC] = "R_X86_64_TLSDESC",
                                  [R_X86_64_IRELATIVE] = "R_X86_64_IRELATIVE"};
  return t < sizeof n / sizeof *n && n[t] ? n[t] : "an unknown type";
}

/* One check of the RELRO of the object at base in process tgid. */
struct look {
  pid_t tgid, tid;
  uintptr_t base;
  const struct elf *e;
  uint64_t lo, hi;            /* RELRO, link-time */
  unsigned char *seen, *want; /* its bytes in memory; as they should be */
  char *line;                 /* why not, when it fails */
  size_t cap;
  int have_local;              /* a TPOFF64 of the object's own TLS seen */
  int64_t module;              /* then its module offset */
  int pinned;                  /* one of them a slot publish checked */
  long slot[BH_INDEX_ENTRIES]; /* those slots: the object's compartments' */
  int slots;
};

static int fail(struct look *k, const char *fmt, ...) {
  char obj[512];
  file_name(k->tgid, k->base, obj, sizeof obj);
  int n = snprintf(k->line, k->cap,
                   "bulkhead: refused to make the code of "
                   "%s executable: ",
                   obj);
  va_list ap;
  va_start(ap, fmt);
  if (n >= 0 && (size_t)n < k->cap)
    n += vsnprintf(k->line + n, k->cap - (size_t)n, fmt, ap);
  va_end(ap);
  if (n >= 0 && (size_t)n + 2 <= k->cap)
    memcpy(k->line + n, "\n", 2);
  else
    k->line[k->cap - 2] = '\n', k->line[k->cap - 1] = 0;
  return -1;
}

/* The word relocation r writes, or -1 with the line said. */
static int relocated(struct look *k, const ElfW(Rela) * r, uint64_t *word) {
  unsigned type = ELF64_R_TYPE(r->r_info);
  uint64_t got;
  memcpy(&got, k->seen + (r->r_offset - k->lo), sizeof got);
  if (type == R_X86_64_RELATIVE) {
    *word = k->base + (uint64_t)r->r_addend;
    return 0;
  }
  ElfW(Sym) s;
  const char *name;
  if (type != R_X86_64_GLOB_DAT && type != R_X86_64_JUMP_SLOT &&
      type != R_X86_64_64 && type != R_X86_64_TPOFF64)
    return fail(k,
                "a %s relocation in its RELRO (offset 0x%lx), which the "
                "supervisor cannot check",
                type_name(type), (unsigned long)r->r_offset);
  if (symbol(k->e, ELF64_R_SYM(r->r_info), &s, &name))
    return fail(k, "a relocation names no symbol of its file");
  const char *ver = version(k->e, ELF64_R_SYM(r->r_info));
  int own = ELF64_R_SYM(r->r_info) == 0 || s.st_shndx != SHN_UNDEF;
  int weak = ELF64_ST_BIND(s.st_info) == STB_WEAK && s.st_shndx == SHN_UNDEF;
  if (type == R_X86_64_TPOFF64 && own) {
    /* ld.so: st_value + addend - the module's offset, the same for all. */
    int64_t m = (int64_t)(s.st_value + (uint64_t)r->r_addend - got);
    if (k->have_local && m != k->module)
      return fail(k,
                  "its R_X86_64_TPOFF64 words (offset 0x%lx) disagree on "
                  "where its TLS block is",
                  (unsigned long)r->r_offset);
    k->have_local = 1, k->module = m;
    for (int i = 0; i < k->slots; i++)
      k->pinned |= (uint64_t)k->slot[i] == got;
    *word = got;
    return 0;
  }
  if (own && ELF64_ST_TYPE(s.st_info) == STT_GNU_IFUNC)
    return fail(k,
                "%s (offset 0x%lx) names its own IFUNC %s, which the "
                "supervisor cannot check",
                type_name(type), (unsigned long)r->r_offset, name);
  void *g = ELF64_R_SYM(r->r_info) ? global(name, ver) : NULL;
  if (type == R_X86_64_TPOFF64) {
    /* Another object's: in a start-up object's static TLS, whose offset
     * is the supervisor's too. */
    char *tp;
    __asm__("movq %%fs:0, %0" : "=r"(tp));
    if (g) {
      *word = (uint64_t)((char *)g - tp) + (uint64_t)r->r_addend;
      return 0;
    }
  } else if (g) {
    *word = (uint64_t)(uintptr_t)g + (uint64_t)r->r_addend;
    return 0;
  } else if (own) {
    *word = k->base + s.st_value + (uint64_t)r->r_addend;
    return 0;
  }
  if (weak && !got) {
    *word = 0;
    return 0;
  }
  return fail(k,
              "its %s word for %s%s%s (offset 0x%lx) is 0x%lx, and neither "
              "the object nor what the program loaded at start-up defines "
              "that name (a compartment object calls only into itself and "
              "objects loaded at start-up: link its dependencies into the "
              "program)",
              type_name(type), name, ver ? "@" : "", ver ? ver : "",
              (unsigned long)r->r_offset, (unsigned long)got);
}

/* Every relocation of one table (link-time address a, sz bytes) that
 * writes into RELRO: its word into want, checked against seen. */
static int table(struct look *k, uint64_t a, uint64_t sz) {
  if (!sz)
    return 0;
  const ElfW(Rela) *rel = at(k->e, a, sz);
  if (!rel || sz % sizeof *rel)
    return fail(k, "its relocation table is not in its file");
  for (uint64_t i = 0; i < sz / sizeof *rel; i++) {
    ElfW(Rela) r;
    memcpy(&r, &rel[i], sizeof r);
    if (ELF64_R_TYPE(r.r_info) == R_X86_64_NONE || r.r_offset + 8 <= k->lo ||
        r.r_offset >= k->hi)
      continue; /* not this look's (writable data: not checked here) */
    if (r.r_offset < k->lo || r.r_offset + 8 > k->hi)
      return fail(k, "a relocation straddles the end of its RELRO");
    uint64_t w, got;
    if (relocated(k, &r, &w))
      return -1;
    memcpy(&got, k->seen + (r.r_offset - k->lo), sizeof got);
    if (got != w) {
      ElfW(Sym) s;
      const char *name = "";
      symbol(k->e, ELF64_R_SYM(r.r_info), &s, &name);
      return fail(k, "its %s word%s%s (offset 0x%lx) is 0x%lx, not 0x%lx",
                  type_name(ELF64_R_TYPE(r.r_info)), *name ? " for " : "", name,
                  (unsigned long)r.r_offset, (unsigned long)got,
                  (unsigned long)w);
    }
    memcpy(k->want + (r.r_offset - k->lo), &w, sizeof w);
  }
  return 0;
}

/* Whether every GOT word (GLOB_DAT, JUMP_SLOT) of a relocation table
 * lies in RELRO: one outside (-z norelro, -z lazy) stays writable key-0
 * memory that decides where the object's calls go. */
static int got_in_relro(struct look *k, uint64_t a, uint64_t sz) {
  const ElfW(Rela) *rel = sz ? at(k->e, a, sz) : NULL;
  if (sz && (!rel || sz % sizeof *rel))
    return fail(k, "its relocation table is not in its file");
  for (uint64_t i = 0; i < sz / sizeof *rel; i++) {
    ElfW(Rela) r;
    memcpy(&r, &rel[i], sizeof r);
    unsigned t = ELF64_R_TYPE(r.r_info);
    if ((t == R_X86_64_GLOB_DAT || t == R_X86_64_JUMP_SLOT) &&
        (r.r_offset < k->lo || r.r_offset + 8 > k->hi))
      return fail(k,
                  "its %s word at offset 0x%lx is outside RELRO, writable "
                  "by the default domain (link it with -z relro -z now)",
                  type_name(t), (unsigned long)r.r_offset);
  }
  return 0;
}

/* The stack slots publish checked (supervisor-publish.c) for the
 * object's compartments, as the gate table holds them: the module offset
 * of the object's own TLS must be one of theirs (its TPOFF64 words all
 * agree on it, and a slot word is among them). */
static int published_slots(struct look *k) {
  uintptr_t note[BH_NOTE_DESC_SIZE / 8];
  long slots[BH_INDEX_ENTRIES];
  const char *why;
  if (bh_object_file_note(k->tgid, k->base, note, &why) ||
      bh_task_read(k->tid, (uintptr_t)bh_index_words + BH_INDEX_SLOT_TPOFF,
                   slots, sizeof slots))
    return fail(k, "cannot read its note or the gate table");
  for (uintptr_t d = note[BH_NOTE_DOMAINS_START / 8];
       d < note[BH_NOTE_DOMAINS_STOP / 8] && k->slots < BH_INDEX_ENTRIES;
       d += BH_DOMAIN_SIZE) {
    const struct bh_registered *r = bh_registered_find(k->tgid, d);
    if (r && r->index >= 0 && r->index < BH_INDEX_ENTRIES)
      k->slot[k->slots++] = slots[r->index];
  }
  return 0;
}

static int look(struct look *k, const struct elf *e) {
  uint64_t n = k->hi - k->lo;
  /* The file's bytes, zeros past them. */
  memset(k->want, 0, n);
  for (int i = 0; i < e->phnum; i++) {
    const ElfW(Phdr) *p = &e->ph[i];
    if (p->p_type != PT_LOAD)
      continue;
    uint64_t a = p->p_vaddr > k->lo ? p->p_vaddr : k->lo,
             b = p->p_vaddr + p->p_filesz < k->hi ? p->p_vaddr + p->p_filesz
                                                  : k->hi;
    const void *src = a < b ? at(e, a, b - a) : NULL;
    if (src)
      memcpy(k->want + (a - k->lo), src, b - a);
  }
  /* PT_DYNAMIC: ld.so adds the base to some of its words in place. */
  for (int i = 0; i < e->phnum; i++)
    if (e->ph[i].p_type == PT_DYNAMIC) {
      uint64_t a = e->ph[i].p_vaddr > k->lo ? e->ph[i].p_vaddr : k->lo,
               b = e->ph[i].p_vaddr + e->ph[i].p_memsz;
      b = b < k->hi ? b : k->hi;
      if (a < b)
        memcpy(k->want + (a - k->lo), k->seen + (a - k->lo), b - a);
    }
  if (e->other_relocs)
    return fail(k, "relocations other than RELA (DT_REL, DT_RELR), which the "
                   "supervisor cannot check");
  if (published_slots(k) || table(k, e->rela, e->relasz) ||
      table(k, e->jmprel, e->pltrelsz))
    return -1;
  if (k->have_local && !k->pinned)
    return fail(k, "its R_X86_64_TPOFF64 words are no stack slot's the "
                   "supervisor checked");
  for (uint64_t i = 0; i < n; i++)
    if (k->seen[i] != k->want[i])
      return fail(k,
                  "its RELRO byte at offset 0x%lx, which no relocation "
                  "writes, is not its file's",
                  (unsigned long)(k->lo + i));
  return 0;
}

int bh_relro_check(pid_t tgid, pid_t tid, uintptr_t base) {
  static char line[1024];
  const char *why = "cannot open its file";
  struct look k = {
      .tgid = tgid, .tid = tid, .base = base, .line = line, .cap = sizeof line};
  struct elf e = {0};
  int fd = bh_object_file_open(tgid, base, &why), r = -1;
  if (fd < 0 || elf_open(fd, &e)) {
    fail(&k, "its file cannot be read (%s)", fd < 0 ? why : "not ELF");
    goto out;
  }
  k.e = &e;
  for (int i = 0; i < e.phnum; i++)
    if (e.ph[i].p_type == PT_GNU_RELRO)
      k.lo = e.ph[i].p_vaddr, k.hi = e.ph[i].p_vaddr + e.ph[i].p_memsz;
  if (got_in_relro(&k, e.rela, e.relasz) ||
      got_in_relro(&k, e.jmprel, e.pltrelsz))
    goto out;
  if (k.hi <= k.lo) {
    r = 0; /* nothing relocated is read-only */
    goto out;
  }
  uintptr_t plo = base + (k.lo & ~(uint64_t)(BH_PAGE - 1)),
            phi = base + ((k.hi + BH_PAGE - 1) & ~(uint64_t)(BH_PAGE - 1));
  if (k.hi - k.lo > ((uint64_t)1 << 30) ||
      !bh_readonly_private(tgid, plo, phi)) {
    fail(&k, "its RELRO pages are not private and readable only");
    goto out;
  }
  size_t n = (size_t)(k.hi - k.lo);
  void *m = mmap(NULL, 2 * n, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED) {
    fail(&k, "no memory to look at its RELRO");
    goto out;
  }
  k.seen = m, k.want = k.seen + n;
  if (bh_task_read(tid, base + k.lo, k.seen, n))
    fail(&k, "cannot read its RELRO");
  else
    r = look(&k, &e);
  munmap(m, 2 * n);
out:
  if (r)
    bh_supervisor_say(tid, -1, 0, line, strlen(line));
  elf_close(&e);
  if (fd >= 0)
    close(fd);
  return r;
}

/* The word one RELA table (link-time address a, sz bytes) writes at each
 * of w's n places (run-time addresses of the object at base) into its
 * value; a place it writes with a type other than RELATIVE, 64 or
 * GLOB_DAT, or for a symbol neither start-up nor the object defines (weak
 * ones too), gets at 0 (no value). */
static void table_values(struct look *k, uint64_t a, uint64_t sz,
                         struct bh_unwind_word *w, size_t n,
                         unsigned char *done) {
  const ElfW(Rela) *rel = sz ? at(k->e, a, sz) : NULL;
  for (uint64_t i = 0; rel && i < sz / sizeof *rel; i++) {
    ElfW(Rela) r;
    memcpy(&r, &rel[i], sizeof r);
    unsigned t = ELF64_R_TYPE(r.r_info);
    for (size_t j = 0; j < n; j++) {
      if (!w[j].at || w[j].at - k->base != r.r_offset)
        continue;
      /* Never the word in memory: relocated() gives a weak name no one
       * defines 0 when the word there is 0, and the default domain may
       * store 0, a catch-all (review 76b,
       * dso/attacks-rev76b-weak-type-zero.test). Not 0: no value. */
      uint64_t v, now = ~(uint64_t)0;
      k->seen = (unsigned char *)&now, k->lo = r.r_offset;
      if ((t != R_X86_64_RELATIVE && t != R_X86_64_64 &&
           t != R_X86_64_GLOB_DAT) ||
          relocated(k, &r, &v))
        w[j].at = 0;
      else
        w[j].value = v, done[j] = 1;
    }
  }
}

int bh_relocated_values(pid_t tgid, pid_t tid, uintptr_t base,
                        struct bh_unwind_word *w, size_t n) {
  static char line[1024];
  static unsigned char done[1 << 16];
  const char *why;
  struct look k = {
      .tgid = tgid, .tid = tid, .base = base, .line = line, .cap = sizeof line};
  struct elf e = {0};
  int fd = bh_object_file_open(tgid, base, &why);
  if (n > sizeof done || fd < 0 || elf_open(fd, &e) || e.other_relocs) {
    elf_close(&e);
    if (fd >= 0)
      close(fd);
    return -1;
  }
  k.e = &e;
  memset(done, 0, n);
  table_values(&k, e.rela, e.relasz, w, n, done);
  table_values(&k, e.jmprel, e.pltrelsz, w, n, done);
  for (size_t j = 0; j < n; j++) /* no relocation writes it: no value */
    if (!done[j])
      w[j].at = 0;
  elf_close(&e);
  close(fd);
  return 0;
}
