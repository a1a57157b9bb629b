/* domain.c - the table of compartments, and which domain a PKRU value or
 * an address belongs to. Applied to the running thread's PKRU, the answer
 * cannot be forged: only a gate can install a domain's PKRU. */
#define _GNU_SOURCE
#include "gate.h"
#include "internal.h"

#include <link.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>

/* The compartment descriptors the pass emitted, one page each; read only
 * here, to fill the table. */
extern struct bulkhead_domain __start_bulkhead_domains[] __attribute__((weak))
BH_HIDDEN;
extern struct bulkhead_domain __stop_bulkhead_domains[] __attribute__((weak))
BH_HIDDEN;

/* An empty part of the section, so that the executable defines its
 * __start_ and __stop_ even without compartments of its own: the linker
 * must not take those of a shared object that lists them (GNU ld puts a
 * shared object's hidden __start_ symbols in its dynamic symbol table). */
__asm__(".pushsection " BH_SECTION_DOMAINS ",\"aw\"\n.popsection");
/* Likewise the names of the program's default-domain functions (the pass's
 * and mimalloc-api.c's), read-only data of the executable. */
__asm__(".pushsection " BH_SECTION_DEFAULTS ",\"a\"\n.popsection");
extern const char __start_bulkhead_defaults[] __attribute__((weak)) BH_HIDDEN;
extern const char __stop_bulkhead_defaults[] __attribute__((weak)) BH_HIDDEN;
/* The executable's imports (pass/CallGates.cpp): each module's part ends
 * with a page of its own, so they are whole pages, which
 * bh_domain_table_init fills and makes read-only before any code of the
 * program runs; the gates never read them writable. This empty part
 * defines the executable's bounds even without imports (as above), also
 * under --gc-sections (retained: lld's start-stop-gc). */
__asm__(".pushsection " BH_SECTION_IMPORTS ",\"awR\",@progbits\n"
        ".p2align " BH_STR(BH_PAGE_SHIFT) "\n"
        ".popsection");
extern char __start_bulkhead_imports[] BH_HIDDEN;
extern char __stop_bulkhead_imports[] BH_HIDDEN;
_Static_assert(sizeof BH_SECTION_IMPORTS == sizeof "bulkhead_imports",
               "the names above are BH_SECTION_IMPORTS's");
_Static_assert(sizeof BH_SECTION_DEFAULTS == sizeof "bulkhead_defaults",
               "the names above are BH_SECTION_DEFAULTS's");

/* Key-0 memory of the executable until bh_domain_table_init makes it
 * read-only, at the start of start-up, before any code of the program or
 * of its libraries' constructors; the system-call filter then refuses an
 * mprotect of the executable's pages (threat-model.md, "Runtime state"). */
union bh_domain_table_page bh_domain_table
    __attribute__((aligned(BH_PAGE))) = {.t = {.count = 0}};

const char *bh_loaded_compartments(const struct bh_domain_table *t, char *buf,
                                   size_t cap) {
  size_t n = 0;
  buf[0] = 0;
  for (size_t i = 0; i < t->count && n < cap; i++)
    n += bh_format(buf + n, cap - n, "%s%s (%s)", i ? ", " : " ",
                   t->domain[i]->name,
                   t->object[i] ? t->object[i] : "the executable");
  return buf;
}

static void add_domain(struct bh_domain_table *t, struct bulkhead_domain *d,
                       const char *object) {
  if (t->count >= BH_MAX_COMPARTMENTS) {
    char list[1024];
    bh_fatal("the program and its shared objects have more than %d "
             "compartments, but a process has at most %d protection keys "
             "(at '%s' of %s); merge compartments; loaded:%s",
             BH_MAX_COMPARTMENTS, BH_MAX_COMPARTMENTS, d->name,
             object ? object : "the executable",
             bh_loaded_compartments(t, list, sizeof list));
  }
  t->domain[t->count] = d;
  t->object[t->count] = object;
  t->count++;
}

/* Whether [a, a + len) lies in one PT_LOAD of the object whose write
 * permission is W. */
static int in_segment(const struct dl_phdr_info *info, uintptr_t a, size_t len,
                      int w) {
  for (int j = 0; j < info->dlpi_phnum; j++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[j];
    uintptr_t lo = info->dlpi_addr + ph->p_vaddr;
    if (ph->p_type == PT_LOAD && !!(ph->p_flags & PF_W) == w && a >= lo &&
        a + len >= a && a + len <= lo + ph->p_memsz &&
        (w || a + len <= lo + ph->p_filesz))
      return 1;
  }
  return 0;
}

/* After start-up (LATE: dlopen.c) ld.so's list of objects, which
 * dl_iterate_phdr reads, is key-0 memory: what it says of an object (its
 * program headers, its base) is checked against the kernel's mappings. */
static int in_mapping(int late, uintptr_t a, size_t len, int w) {
  return !late || bh_mapped_as(a, len, w);
}

/* What find_object works on: on the stack, not in a global another
 * thread could rewrite. */
struct scan {
  struct bh_domain_table *t;
  int late;
};

/* Whether the object's dynamic section, read-only since ld.so relocated
 * it (-z now, RELRO), has DF_1_NODELETE. */
static int never_unloaded(const struct dl_phdr_info *info) {
  for (int j = 0; j < info->dlpi_phnum; j++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[j];
    if (ph->p_type != PT_DYNAMIC)
      continue;
    const ElfW(Dyn) *d = (const ElfW(Dyn) *)(info->dlpi_addr + ph->p_vaddr);
    size_t n = ph->p_memsz / sizeof *d;
    if (!in_mapping(1, (uintptr_t)d, ph->p_memsz, 0))
      return 0;
    for (size_t k = 0; k < n && d[k].d_tag != DT_NULL; k++)
      if (d[k].d_tag == DT_FLAGS_1 && (d[k].d_un.d_val & DF_1_NODELETE))
        return 1;
  }
  return 0;
}

static const char *name_of(const struct dl_phdr_info *info) {
  return info->dlpi_name && info->dlpi_name[0] ? info->dlpi_name
                                               : "the executable";
}

/* Whether [LO, HI) is an array of 32-bit words, perhaps empty, in the
 * object's read-only file mapping. */
static int read_only_words(const struct dl_phdr_info *info, int late,
                           const char *lo, const char *hi) {
  return lo <= hi && (uintptr_t)lo % 4 == 0 && (hi - lo) % 4 == 0 &&
         (hi == lo || (in_segment(info, (uintptr_t)lo, (size_t)(hi - lo), 0) &&
                       in_mapping(late, (uintptr_t)lo, (size_t)(hi - lo), 0)));
}

/* One object's note: trusted only where it lies in the object's read-only
 * file mapping, and only for ranges inside the object's own writable
 * segments. Nothing of the program has run yet (preinit), so what ld.so
 * relocated into the descriptors is the file's. */
static void register_object(struct bh_domain_table *t, int late,
                            const struct dl_phdr_info *info, const char *desc) {
  int64_t off[BH_NOTE_DESC_SIZE / 8];
  memcpy(off, desc, sizeof off);
  char *lo = (char *)desc + off[BH_NOTE_DOMAINS_START / 8];
  char *hi = (char *)desc + off[BH_NOTE_DOMAINS_STOP / 8];
  char *copies = (char *)desc + off[BH_NOTE_COPIES / 8];
  char *im_lo = (char *)desc + off[BH_NOTE_IMPORTS_START / 8];
  char *im_hi = (char *)desc + off[BH_NOTE_IMPORTS_STOP / 8];
  const char *df_lo = desc + off[BH_NOTE_DEFAULTS_START / 8];
  const char *df_hi = desc + off[BH_NOTE_DEFAULTS_STOP / 8];
  const char *share_lo = desc + off[BH_NOTE_SHARE_START / 8];
  const char *share_hi = desc + off[BH_NOTE_SHARE_STOP / 8];
  const char *own_lo = desc + off[BH_NOTE_OWN_CODE_START / 8];
  const char *own_hi = desc + off[BH_NOTE_OWN_CODE_STOP / 8];
  const char *name = name_of(info);
  if (lo > hi || (uintptr_t)lo % BH_PAGE || (hi - lo) % BH_DOMAIN_SIZE ||
      (hi > lo && !in_segment(info, (uintptr_t)lo, (size_t)(hi - lo), 1)) ||
      (uintptr_t)copies % BH_PAGE ||
      !in_segment(info, (uintptr_t)copies, BH_COPY_SIZE, 1) ||
      (hi > lo && !in_mapping(late, (uintptr_t)lo, (size_t)(hi - lo), 1)) ||
      !in_mapping(late, (uintptr_t)copies, BH_COPY_SIZE, 1) || im_lo >= im_hi ||
      (uintptr_t)im_lo % BH_PAGE || (uintptr_t)im_hi % BH_PAGE ||
      !in_segment(info, (uintptr_t)im_lo, (size_t)(im_hi - im_lo), 1) ||
      !in_mapping(late, (uintptr_t)im_lo, (size_t)(im_hi - im_lo), 1) ||
      df_lo > df_hi ||
      (df_hi > df_lo &&
       (!in_segment(info, (uintptr_t)df_lo, (size_t)(df_hi - df_lo), 0) ||
        !in_mapping(late, (uintptr_t)df_lo, (size_t)(df_hi - df_lo), 0) ||
        df_hi[-1])) ||
      !read_only_words(info, late, share_lo, share_hi) ||
      !read_only_words(info, late, own_lo, own_hi))
    bh_fatal("the Bulkhead note of %s does not describe its own memory; "
             "rebuild it with bulkhead-clang",
             name);
  if (t->objects >= BH_MAX_COMPARTMENTS)
    bh_fatal("too many shared objects with compartments (at %s)", name);
  /* Registered for good: unloaded, its descriptors would stay in the table
   * and its keys on pages the kernel may hand out again. */
  if (late && !never_unloaded(info))
    bh_fatal("%s holds compartments but may be unloaded; link it with "
             "-z nodelete (bulkhead-clang -shared does)",
             name);
  for (struct bulkhead_domain *d = (struct bulkhead_domain *)lo;
       d < (struct bulkhead_domain *)hi; d++) {
    if (d->abi_version != BH_ABI_VERSION)
      bh_fatal("compartment descriptor from a different Bulkhead version in "
               "%s; rebuild every object with the same bulkhead-clang",
               name);
    size_t len = (size_t)(d->data_end - d->data_start);
    if (d->data_end < d->data_start ||
        (len && (!in_segment(info, (uintptr_t)d->data_start, len, 1) ||
                 !in_mapping(late, (uintptr_t)d->data_start, len, 1))))
      bh_fatal("compartment '%s' of %s has data outside that object", d->name,
               name);
    add_domain(t, d, name);
  }
  t->obj[t->objects++] = (struct bh_object){.base = info->dlpi_addr,
                                            .copies = copies,
                                            .domains_lo = lo,
                                            .domains_hi = hi,
                                            .imports_lo = im_lo,
                                            .imports_hi = im_hi,
                                            .defaults_lo = df_lo,
                                            .defaults_hi = df_hi,
                                            .share_lo = (const int32_t *)share_lo,
                                            .share_hi = (const int32_t *)share_hi,
                                            .own_lo = (const int32_t *)own_lo,
                                            .own_hi = (const int32_t *)own_hi};
}

/* Each Bulkhead note (abi.h, BH_NOTE_NAME) in the object's PT_NOTE
 * segments to FN, with the note's start, its descriptor and the
 * descriptor's length. */
static void each_bulkhead_note(const struct dl_phdr_info *info,
                               void (*fn)(const char *note, const char *desc,
                                          size_t desc_len, void *arg),
                               void *arg) {
  for (int j = 0; j < info->dlpi_phnum; j++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[j];
    if (ph->p_type != PT_NOTE)
      continue;
    const char *p = (const char *)(info->dlpi_addr + ph->p_vaddr);
    const char *end = p + ph->p_memsz;
    while (end - p >= (ptrdiff_t)sizeof(ElfW(Nhdr))) {
      ElfW(Nhdr) nh;
      memcpy(&nh, p, sizeof nh);
      size_t name_len = (nh.n_namesz + 3) & ~3u;
      size_t desc_len = (nh.n_descsz + 3) & ~3u;
      const char *name = p + sizeof nh, *desc = name + name_len;
      if (name_len > (size_t)(end - name) || desc_len > (size_t)(end - desc))
        break;
      if (nh.n_type == BH_NOTE_TYPE_OBJECT &&
          nh.n_namesz == sizeof BH_NOTE_NAME &&
          !memcmp(name, BH_NOTE_NAME, sizeof BH_NOTE_NAME))
        fn(p, desc, nh.n_descsz, arg);
      p = desc + desc_len;
    }
  }
}

struct found_note {
  const struct scan *sc;
  struct dl_phdr_info *info;
  int n;
};

static void found_note(const char *p, const char *desc, size_t desc_len,
                       void *arg) {
  struct found_note *f = arg;
  size_t len = (size_t)(desc - p) + ((desc_len + 3) & ~(size_t)3);
  if (desc_len != BH_NOTE_DESC_SIZE ||
      !in_segment(f->info, (uintptr_t)p, len, 0) ||
      !in_mapping(f->sc->late, (uintptr_t)p, len, 0) ||
      !in_mapping(f->sc->late, (uintptr_t)f->info->dlpi_phdr,
                  f->info->dlpi_phnum * sizeof(ElfW(Phdr)), 0))
    bh_fatal("the Bulkhead note of %s is not in its read-only file "
             "mapping; rebuild it with bulkhead-clang",
             name_of(f->info));
  if (f->n++)
    bh_fatal("%s holds more than one Bulkhead note", name_of(f->info));
  register_object(f->sc->t, f->sc->late, f->info, desc);
}

/* Every shared object loaded with the program that carries a Bulkhead note
 * (runtime/dso-object.c) and is not in table T yet; the executable's
 * compartments come from its own section. */
static int find_object(struct dl_phdr_info *info, size_t size, void *arg) {
  (void)size;
  const struct scan *sc = arg;
  struct bh_domain_table *t = sc->t;
  if ((uintptr_t)info->dlpi_phdr == getauxval(AT_PHDR) ||
      info->dlpi_addr == getauxval(AT_SYSINFO_EHDR))
    return 0;
  for (size_t k = 0; k < t->objects; k++)
    if (t->obj[k].base == info->dlpi_addr)
      return 0; /* registered (-z nodelete: never unloaded) */
  struct found_note f = {sc, info, 0};
  each_bulkhead_note(info, found_note, &f);
  return 0;
}

/* A compartment belongs to one object (docs/shared-objects.md); from
 * FIRST on, the names are new. */
static void check_names(const struct bh_domain_table *t, size_t first) {
  for (size_t j = first; j < t->count; j++)
    for (size_t i = 0; i < j; i++)
      if (!strcmp(t->domain[i]->name, t->domain[j]->name))
        bh_fatal("compartment '%s' is defined both in %s and in %s; a "
                 "compartment lives in one object",
                 t->domain[i]->name,
                 t->object[i] ? t->object[i] : "the executable",
                 t->object[j] ? t->object[j] : "the executable");
}

void bh_find_objects(struct bh_domain_table *t, size_t first, int after) {
  struct scan sc = {t, after};
  dl_iterate_phdr(find_object, &sc);
  check_names(t, first);
}

static void fill_imports(const struct dl_phdr_info *info,
                         const struct bh_object *o);

/* The executable's compartments call default-domain code of the objects
 * through the same imports as the objects' compartments do: the objects'
 * markers are hidden from the executable. */
static int fill_executable_imports(struct dl_phdr_info *info, size_t size,
                                   void *unused) {
  (void)size, (void)unused;
  if ((uintptr_t)info->dlpi_phdr != getauxval(AT_PHDR))
    return 0;
  struct bh_object o = {.imports_lo = __start_bulkhead_imports,
                        .imports_hi = __stop_bulkhead_imports};
  if (o.imports_hi == o.imports_lo)
    return 1; /* no compartment calls a declaration */
  if (o.imports_hi < o.imports_lo || (uintptr_t)o.imports_lo % BH_PAGE ||
      (uintptr_t)o.imports_hi % BH_PAGE ||
      !in_segment(info, (uintptr_t)o.imports_lo,
                  (size_t)(o.imports_hi - o.imports_lo), 1))
    bh_fatal("the executable's imports are not whole pages of their own; "
             "compile every module with the same bulkhead-clang");
  fill_imports(info, &o);
  return 1;
}

struct exec_scan {
  const struct bh_domain_table *t;
  size_t from;
  int late;
};

static int exec_object(struct dl_phdr_info *info, size_t size, void *arg) {
  (void)size;
  const struct exec_scan *x = arg;
  size_t k = x->from;
  while (k < x->t->objects && x->t->obj[k].base != info->dlpi_addr)
    k++;
  if (k == x->t->objects || (uintptr_t)info->dlpi_phdr == getauxval(AT_PHDR))
    return 0;
  for (int j = 0; j < info->dlpi_phnum; j++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[j];
    if (ph->p_type != PT_LOAD || !(ph->p_flags & BH_PF_EXEC_AFTER_REGISTRATION))
      continue;
    uintptr_t a = info->dlpi_addr + ph->p_vaddr;
    uintptr_t lo = a & ~(uintptr_t)(BH_PAGE - 1);
    uintptr_t hi = (a + ph->p_memsz + BH_PAGE - 1) & ~(uintptr_t)(BH_PAGE - 1);
    /* After start-up the program headers and the base come from ld.so's
     * key-0 list: only the file's bytes, mapped read-only, become code. */
    if (hi <= lo || (x->late && !bh_mapped_as(lo, hi - lo, 0)) ||
        mprotect((void *)lo, hi - lo, PROT_READ | PROT_EXEC))
      bh_fatal("cannot make the code of %s executable", name_of(info));
  }
  return 0;
}

void bh_exec_objects(const struct bh_domain_table *t, size_t from, int late) {
  struct exec_scan x = {t, from, late};
  dl_iterate_phdr(exec_object, &x);
}

void bh_domain_table_init(void) {
  size_t n = (size_t)(__stop_bulkhead_domains - __start_bulkhead_domains);
  if (n > BH_DOMAIN_TABLE_MAX)
    bh_fatal("the program has %zu compartments, but a process has at most %d "
             "protection keys; merge compartments so that at most %d remain",
             n, BH_MAX_COMPARTMENTS, BH_MAX_COMPARTMENTS);
  struct bh_domain_table *t = &bh_domain_table.t;
  if (t->count || t->objects) /* read-only after the first call anyway */
    bh_fatal("the table of compartments is filled once");
  for (size_t i = 0; i < n; i++) {
    t->domain[i] = &__start_bulkhead_domains[i];
    t->object[i] = NULL; /* the executable */
  }
  t->count = n;
  /* ld.so has loaded and relocated them; none of their code has run. */
  bh_find_objects(t, 0, 0);
  /* The names are all known now: the objects' are listed in the table. */
  if (!dl_iterate_phdr(fill_executable_imports, NULL))
    bh_fatal("cannot find the executable among the loaded objects");
  if (mprotect(&bh_domain_table, sizeof bh_domain_table, PROT_READ))
    bh_fatal("cannot make the table of compartments read-only");
  /* Their code, readable only since ld.so mapped it, runs from now on
   * (the slot-address functions first, enter.c); nothing else of the
   * program runs before their words are final, later in start-up. */
  bh_exec_objects(t, 0, 0);
}

/* The runtime's own, whose addresses and contents the objects get. */
#define WORD_DECL(i, name)                                                     \
  extern const char bh_word_##i[] __asm__(name) BH_HIDDEN;
BH_DSO_WORDS(WORD_DECL)
#undef WORD_DECL
extern const char bh_index_table[] __asm__(BH_SYM_INDEX_TABLE) BH_HIDDEN;
extern const char bh_tls_offsets[] __asm__(BH_SYM_TLS_OFFSETS) BH_HIDDEN;

int bh_listed(const char *lo, const char *hi, const char *name) {
  size_t n = strlen(name) + 1;
  for (const char *p = lo; p < hi; p += strlen(p) + 1)
    if ((size_t)(hi - p) >= n && !memcmp(p, name, n))
      return 1;
  return 0;
}

/* Whether the program or a registered object lists NAME as default-domain
 * code. By name, not by what ld.so bound the call to: a name the program
 * defines but did not export gates a call of someone else's function of
 * that name, which only takes rights away. */
static int is_default(const char *name) {
  const struct bh_domain_table *t = &bh_domain_table.t;
  if (bh_listed(__start_bulkhead_defaults, __stop_bulkhead_defaults, name))
    return 1;
  for (size_t k = 0; k < t->objects; k++)
    if (bh_listed(t->obj[k].defaults_lo, t->obj[k].defaults_hi, name))
      return 1;
  return 0;
}

/* Sets each import of one object's compartments (a shared object's, or
 * the executable's) that names default-domain code (pass/CallGates.cpp),
 * so that the call is gated into the default domain, then makes the
 * imports read-only. The name pointers are as ld.so relocated them from
 * the file (nothing of the program has run); one that leaves the object's
 * read-only data stops the process. */
static void fill_imports(const struct dl_phdr_info *info,
                         const struct bh_object *o) {
  for (char *e = o->imports_lo; e + BH_IMPORT_SIZE <= o->imports_hi;
       e += BH_IMPORT_SIZE) {
    const char *name;
    memcpy(&name, e + BH_IMPORT_NAME, sizeof name);
    if (!name)
      continue; /* the end page, and alignment between modules' parts */
    if (!in_segment(info, (uintptr_t)name, 1, 0) ||
        !in_segment(info, (uintptr_t)name, strlen(name) + 1, 0))
      bh_fatal("an import of %s names memory outside its read-only data",
               name_of(info));
    e[BH_IMPORT_ON] = (char)is_default(name);
  }
  if (mprotect(o->imports_lo, (size_t)(o->imports_hi - o->imports_lo),
               PROT_READ))
    bh_fatal("cannot make the imports of %s read-only", name_of(info));
}

static int fill_imports_of(struct dl_phdr_info *info, size_t size,
                           void *from) {
  (void)size;
  const struct bh_domain_table *t = &bh_domain_table.t;
  for (size_t k = *(size_t *)from; k < t->objects; k++)
    if (t->obj[k].base == info->dlpi_addr)
      fill_imports(info, &t->obj[k]);
  return 0;
}

void bh_fill_copies(char *c) {
  bh_build_copies(c);
  if (mprotect(c, BH_COPY_SIZE, PROT_READ))
    bh_fatal("cannot make a shared object's copies of the runtime's words "
             "read-only");
}

void bh_build_copies(char *c) {
  memcpy(c + BH_COPY_DOMAIN0, &__bulkhead_domain0, BH_DOMAIN_HEADER_SIZE);
  uintptr_t *w = (uintptr_t *)(c + BH_COPY_WORDS);
#define WORD_SET(i, name) w[i] = (uintptr_t)bh_word_##i;
  BH_DSO_WORDS(WORD_SET)
#undef WORD_SET
  memcpy(c + BH_COPY_TLS_OFFSETS, bh_tls_offsets, 8 * BH_TLS_ACCESSOR_COUNT);
  memcpy(c + BH_COPY_INDEX_TABLE, bh_index_table, BH_PAGE);
  memcpy(c + BH_COPY_DOMAIN_TABLE, &bh_domain_table, BH_PAGE);
}

void bh_fill_object_copies(void) {
  const struct bh_domain_table *t = &bh_domain_table.t;
  bh_fill_imports(0);
  for (size_t k = 0; k < t->objects; k++)
    bh_fill_copies(t->obj[k].copies);
}

void bh_fill_imports(size_t from) { dl_iterate_phdr(fill_imports_of, &from); }

int bh_object_word(uintptr_t base, uintptr_t a) {
  const struct bh_domain_table *t = &bh_domain_table.t;
  for (size_t k = 0; k < t->objects; k++) {
    const struct bh_object *o = &t->obj[k];
    if (o->base == base &&
        ((a >= (uintptr_t)o->copies &&
          a + 4 <= (uintptr_t)o->copies + BH_COPY_SIZE) ||
         (a >= (uintptr_t)o->domains_lo && a + 4 <= (uintptr_t)o->domains_hi)))
      return 1;
  }
  return 0;
}

const struct bulkhead_domain *bh_domain_of_pkru(uint32_t pkru) {
  if (pkru == __bulkhead_domain0.pkru)
    return &__bulkhead_domain0;
  const struct bulkhead_domain *d;
  bh_for_each_domain(i, d) {
    if (d->pkru == pkru)
      return d;
  }
  return NULL;
}

/* Which compartment's memory holds p: its data, its stacks' arena or its
 * heap; the kind through *what (NULL: not wanted). -1 if none. For choices
 * made from key-0 values, which any domain can set, and for reports. */
int bh_compartment_of(const void *p, const char **what) {
  const char *c = p;
  const struct bulkhead_domain *d;
  bh_for_each_domain(i, d) {
    const char *kind = NULL;
    if (c >= d->data_start && c < d->data_end)
      kind = "data";
    else if (c >= d->stack_lo - BH_ARENA_GUARD && c <= d->stack_hi)
      kind = "stack";
    if (kind) {
      if (what)
        *what = kind;
      return (int)i;
    }
  }
  if (what)
    *what = "heap";
  return bh_heap_owner(p);
}

static int overlaps(uintptr_t a, uintptr_t b, uintptr_t lo, uintptr_t hi) {
  return a < hi && lo < b;
}

static int holds_object(struct dl_phdr_info *info, size_t size, void *range) {
  (void)size;
  const uintptr_t *r = range;
  for (int j = 0; j < info->dlpi_phnum; j++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[j];
    uintptr_t lo = (info->dlpi_addr + ph->p_vaddr) & ~(uintptr_t)(BH_PAGE - 1);
    if (ph->p_type == PT_LOAD &&
        overlaps(r[0], r[1], lo, info->dlpi_addr + ph->p_vaddr + ph->p_memsz))
      return 1;
  }
  return 0;
}

int bh_overlaps_compartment(uintptr_t a, uintptr_t b) {
  const struct bulkhead_domain *d;
  bh_for_each_domain(i, d) {
    if (overlaps(a, b, (uintptr_t)d->data_start, (uintptr_t)d->data_end) ||
        overlaps(a, b, (uintptr_t)d->stack_lo - BH_ARENA_GUARD,
                 (uintptr_t)d->stack_hi))
      return 1;
  }
  /* The stack arenas reserved for compartments registered later, given
   * or not (a given one is also its descriptor's). */
  if (overlaps(a, b, bh_state->arena_lo, bh_state->arena_hi))
    return 1;
  return bh_heap_overlaps(a, b);
}

int bh_may_unmap(const void *p, size_t len) {
  uintptr_t a = (uintptr_t)p, b = a + len;
  if (b < a || a % BH_PAGE || bh_overlaps_compartment(a, b))
    return 0;
  uintptr_t range[2] = {a, b};
  return !dl_iterate_phdr(holds_object, range);
}

int bh_in_compartment_memory(const void *p) {
  return bh_compartment_of(p, NULL) >= 0;
}
