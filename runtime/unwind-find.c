/*
 * unwind-find.c - where libgcc_s's unwinder finds a pc's CFI when it runs
 * with a compartment's rights (review 22).
 *
 * The unwinder (backtrace, a C++ throw, cancellation) asks
 * _Unwind_Find_FDE for the FDE of each frame's pc. That function first
 * searches libgcc_s's list of registered frames (__register_frame_info:
 * statics in its .bss), then asks ld.so's _dl_find_object, whose records
 * hold each object's .eh_frame_hdr address: all writable key-0 memory.
 * Forged there, the CFI is evaluated with the rights of whoever unwinds
 * (DW_OP_deref reads a compartment's secret and hands it out as a return
 * address: dso/attacks-rev22-unwind*.test).
 *
 * libgcc_s calls _Unwind_Find_FDE through its PLT, and plt.c makes each
 * such jump read a read-only copy of its GOT word: that copy leads here
 * (bh_unwind_jump). With the default domain's rights this goes on to
 * libgcc_s's function (JIT-registered frames keep working). With any
 * other rights it answers from read-only state only: the objects loaded
 * at start-up (recorded before any of the program's code runs, on a page
 * of their own that the system-call filter protects) and the shared
 * objects with compartments registered later (the table of compartments,
 * read-only); the FDE comes from the object's own .eh_frame_hdr search
 * table, in its read-only file pages. A pc in no such object has no FDE:
 * the unwinder stops there.
 *
 * What it answers is not that FDE but a copy of it, its CIE and its LSDA
 * (unwind-copy.c) with absolute pointers, so that neither libgcc_s nor the
 * personality routine reads a word the CFI names indirectly: a CIE's
 * personality pointer goes through a DW.ref.__gxx_personality_v0 word, an
 * LSDA's type table through .L_ZTI*.DW.stub or DW.ref._ZTI* words, writable
 * in .data (libstdc++.so.6's; clang's stubs everywhere). Their values are
 * the ones recorded here at start-up, before any of the program's code
 * ran, for every such word of every start-up object's CIEs and LSDAs
 * (walked from the object's .eh_frame_hdr), on the same read-only pages.
 * A registered object's personality word is read only where its program
 * headers make it read-only (RELRO, where bulkhead-clang links it), else
 * the copy is refused (the program stops with one line). Its type words
 * are recorded when it is registered, before any of its code runs
 * (dlopen.c; review 75, dso/attacks-rev75-late-type-word.test: read at
 * throw time, one key-0 store chose the catch clause), on pages reserved
 * read-only after the table (struct late): under the filter each value is
 * the word's relocation as the supervisor computes it (supervisor-
 * unwind.c); without it, the word as it is at registration, which another
 * thread could have rewritten since ld.so relocated it. A type word with
 * no value recorded nor read-only is refused too.
 *
 * No signal frame either (review 53): a signal frame's CFI (glibc's
 * __restore_rt, CIE augmentation "zRS") reads every register of the next
 * frame, rip and rsp included, from the ucontext on the stack, and a
 * compartment's throw unwinds on into the default domain's frames, whose
 * return addresses are key-0 words: one store there, and a ucontext above
 * it, gave the compartment's landing pad chosen registers
 * (attacks-rev53-forged-sigframe.cpp). So with a compartment's rights an
 * FDE whose CIE has 'S' stops the program with one line, and so does a pc
 * with no FDE whose return address holds the sigreturn stub's code:
 * answered no FDE, libgcc_s would take it for a signal frame by those
 * bytes (its x86-64 fallback); any other pc with no FDE gets an FDE of
 * the runtime's that ends the walk there, so that the fallback never
 * reads those bytes again after the check (review 74a). The runtime's
 * own walks (backtrace(3), the recorder) still go through signal frames:
 * they run no landing pad, and the recorder's walk from a fault needs its
 * frame (exceptions-sigframe.cpp).
 * So does a thread on no compartment stack (-fno-pkey-compartment-stacks,
 * or a PKRU that is no compartment's), whose own frames are key-0 memory
 * anyway: glibc's cancellation unwinds from its handler through its frame.
 * A walk is known by a count that no handler can leave up (unwind-copy.c,
 * bh_unwind_walk_begin).
 */
#define _GNU_SOURCE
#include "internal.h"
#include "unwind-cfi.h"

#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>

/* libgcc's struct dwarf_eh_bases (unwind-dw2-fde.h), as it fills it. */
struct eh_bases {
  void *tbase, *dbase, *func;
};
typedef const void *find_fde_fn(void *pc, struct eh_bases *bases);

struct span {
  uintptr_t lo, hi; /* the object's PT_LOAD segments, lowest to highest */
  const uint8_t *hdr; /* its .eh_frame_hdr, or NULL */
  int personalities;  /* libstdc++.so.6 or libgcc_s.so.1: routines trusted */
  /* The functions with landing pads that Bulkhead built
   * (BH_SECTION_OWN_CODE): the executable's, a shared object's with
   * compartments; none in any other object. */
  const int32_t *own_lo, *own_hi;
};

/* The executable's (none if it has no such function). */
__attribute__((weak)) BH_HIDDEN extern const int32_t
    __start_bulkhead_own_code[],
    __stop_bulkhead_own_code[];

/* Whether the function at BEGIN (its FDE's first pc) is one that Bulkhead
 * built: a frame of any other has its landing pads checked
 * (unwind-cfi.h, foreign). A plain object or archive linked into the
 * executable is no more trusted than a shared object (review 65b). The
 * list is in the object's read-only pages; only an unwind with a
 * compartment's rights reads it, once per frame that has a personality
 * routine. */
static int built_by_bulkhead(const struct span *s, uintptr_t begin) {
  for (const int32_t *e = s->own_lo; e < s->own_hi; e++)
    if ((uintptr_t)e + (uintptr_t)(intptr_t)*e == begin)
      return 1;
  return 0;
}

/* A word a start-up object's CIE (personality) or LSDA (type table)
 * names indirectly, and what it held then. */
#define word bh_unwind_word

/* The words of objects registered later (their LSDAs' type words only),
 * on pages reserved at start-up after the table: read-only, in the
 * filter's ranges; written by registration on fresh pages moved over
 * them (no filter) or by the supervisor (supervisor-unwind.c). N counts
 * the entries, written after them. */
struct late {
  uint64_t n, pad;
  struct word w[];
};
#define LATE_BYTES (256 * 1024)
#define LATE_MAX ((LATE_BYTES - sizeof(struct late)) / sizeof(struct word))

/* The page(s) made read-only at start-up, at bh_state->unwind_lo: the
 * spans, then the words; then, page-aligned, the late words. */
struct table {
  find_fde_fn *real; /* libgcc_s's _Unwind_Find_FDE, or NULL */
  size_t n, words;
  struct late *late;
  struct span o[];
};

static const struct table *table(void) {
  return (const struct table *)bh_state->unwind_lo;
}
static const struct word *words(const struct table *t) {
  return (const struct word *)&t->o[t->n];
}

static void span_of(uintptr_t base, const ElfW(Phdr) *ph, int n,
                    struct span *s) {
  *s = (struct span){UINTPTR_MAX, 0, NULL, 0, NULL, NULL};
  for (int i = 0; i < n; i++) {
    uintptr_t lo = base + ph[i].p_vaddr, hi = lo + ph[i].p_memsz;
    if (ph[i].p_type == PT_LOAD) {
      s->lo = lo < s->lo ? lo : s->lo;
      s->hi = hi > s->hi ? hi : s->hi;
    }
    if (ph[i].p_type == PT_GNU_EH_FRAME)
      s->hdr = (const uint8_t *)lo;
  }
}

struct fill {
  struct table *t;      /* start-up's spans go here; NULL: counting */
  size_t cap;           /* spans */
  struct word *w;       /* the words go here; NULL: counting */
  size_t n, words;      /* recorded; counted (the room) */
  int types_only;       /* a late object: its LSDAs' type words only */
};

/* Whether [a, a + len) lies in one of the object's PT_LOAD segments; the
 * end of its file bytes into *end. */
static int in_segment(const struct dl_phdr_info *info, uintptr_t a, size_t len,
                      uintptr_t *end) {
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    uintptr_t lo = info->dlpi_addr + ph->p_vaddr;
    if (ph->p_type == PT_LOAD && a >= lo && a + len <= lo + ph->p_memsz) {
      if (end)
        *end = lo + ph->p_filesz;
      return 1;
    }
  }
  return 0;
}

/* The word at AT and the value it holds now into F, once; only counted
 * while F->w is NULL. */
static void add_word(struct fill *f, uintptr_t at) {
  if (!f->w) {
    f->words++;
    return;
  }
  for (size_t k = 0; k < f->n; k++)
    if (f->w[k].at == at)
      return;
  if (f->n < f->words)
    f->w[f->n++] = (struct word){at, *(const uintptr_t *)at};
}

/* The words the LSDA of the FDE at FDE (CIE C) names indirectly: its type
 * table's entries (clang's .L_ZTI*.DW.stub, GCC's DW.ref._ZTI*). */
static void record_lsda_words(const struct dl_phdr_info *info,
                              const uint8_t *fde, const struct bh_cie *c,
                              struct fill *f) {
  if (c->aug[0] != 'z' || c->lsda_enc == BH_PE_OMIT ||
      (c->lsda_enc & BH_PE_INDIRECT))
    return;
  int ok = 1;
  const uint8_t *p = fde + 8;
  bh_cfi_encoded(&p, c->fde_enc, 0, &ok);
  bh_cfi_encoded(&p, c->fde_enc & 0x0f, 0, &ok);
  bh_cfi_uleb(&p);
  uintptr_t lsda = bh_cfi_encoded(&p, c->lsda_enc, 0, &ok);
  struct bh_lsda l;
  if (!ok || !lsda || !in_segment(info, lsda, 1, NULL) ||
      bh_lsda_read((const uint8_t *)lsda, &l))
    return;
  for (uintptr_t i = 1; i <= l.types; i++) {
    int indirect;
    uintptr_t at = bh_lsda_type(&l, i, &indirect);
    if (indirect && in_segment(info, at, 8, NULL))
      add_word(f, at);
  }
}

/* Each word the object's CIEs and LSDAs name indirectly (walked from its
 * .eh_frame_hdr to the end of the segment holding .eh_frame), with the
 * value it holds now, into F (counted only, while F->t is NULL): a CIE's
 * personality word, an LSDA's type table entries. */
static void record_words(const struct dl_phdr_info *info,
                         const struct span *s, struct fill *f) {
  if (!s->hdr || s->hdr[0] != 1)
    return;
  int ok = 1;
  const uint8_t *p = s->hdr + 4;
  const uint8_t *e = (const uint8_t *)bh_cfi_encoded(&p, s->hdr[1],
                                                     (uintptr_t)s->hdr, &ok);
  uintptr_t end = 0;
  in_segment(info, (uintptr_t)e, 1, &end);
  while (ok && (uintptr_t)e + 8 <= end) {
    uint32_t len, id;
    memcpy(&len, e, 4);
    memcpy(&id, e + 4, 4);
    if (len == 0 || len == 0xffffffff || len > end - (uintptr_t)e - 4)
      return;
    struct bh_cie c;
    if (id == 0) {
      if (!bh_cie_read(e, &c) && !f->types_only && c.pers_enc != BH_PE_OMIT &&
          (c.pers_enc & BH_PE_INDIRECT) && in_segment(info, c.pers, 8, NULL))
        add_word(f, c.pers);
    } else if ((uintptr_t)id <= (uintptr_t)(e + 4) &&
               in_segment(info, (uintptr_t)(e + 4 - id), 8, NULL) &&
               !bh_cie_read(e + 4 - id, &c)) {
      record_lsda_words(info, e, &c, f);
    }
    e += 4 + len;
  }
}

static int record(struct dl_phdr_info *info, size_t size, void *arg) {
  (void)size;
  struct fill *f = arg;
  struct span s;
  span_of(info->dlpi_addr, info->dlpi_phdr, info->dlpi_phnum, &s);
  const char *base = info->dlpi_name ? strrchr(info->dlpi_name, '/') : NULL;
  base = base ? base + 1 : info->dlpi_name ? info->dlpi_name : "";
  s.personalities =
      !strcmp(base, "libstdc++.so.6") || !strcmp(base, "libgcc_s.so.1");
  if ((uintptr_t)info->dlpi_phdr == getauxval(AT_PHDR)) {
    s.own_lo = __start_bulkhead_own_code;
    s.own_hi = __stop_bulkhead_own_code;
  }
  const struct bh_domain_table *t = &bh_domain_table.t;
  for (size_t k = 0; k < t->objects; k++)
    if (t->obj[k].base == info->dlpi_addr) {
      s.own_lo = t->obj[k].own_lo;
      s.own_hi = t->obj[k].own_hi;
    }
  if (f->t && f->t->n < f->cap)
    f->t->o[f->t->n++] = s;
  else if (!f->t)
    f->cap++;
  record_words(info, &s, f);
  return 0;
}

void bh_unwind_objects_init(uintptr_t *lo, uintptr_t *hi) {
  struct fill f = {0};
  /* ld.so's list, after relocation, before any program code: each
   * personality word holds the routine's address still. */
  dl_iterate_phdr(record, &f);
  size_t bytes =
      sizeof *f.t + f.cap * sizeof(struct span) + f.words * sizeof(struct word);
  bytes = (bytes + BH_PAGE - 1) & ~(size_t)(BH_PAGE - 1);
  f.t = mmap(NULL, bytes + LATE_BYTES, PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (f.t == MAP_FAILED)
    bh_fatal("cannot record the loaded objects for the unwinder (mmap failed)");
  f.t->real = (find_fde_fn *)dlsym(RTLD_DEFAULT, "_Unwind_Find_FDE");
  f.t->late = (struct late *)((char *)f.t + bytes);
  f.w = (struct word *)&f.t->o[f.cap];
  dl_iterate_phdr(record, &f);
  f.t->words = f.n;
  if (f.t->n != f.cap)
    bh_fatal("the list of loaded objects changed while the runtime read it");
  if (mprotect(f.t, bytes + LATE_BYTES, PROT_READ))
    bh_fatal("cannot make the unwinder's list of objects read-only");
  *lo = (uintptr_t)f.t;
  *hi = *lo + bytes + LATE_BYTES;
}

/* --- Objects registered later: their type words, recorded once. --- */

size_t bh_unwind_object_words(uintptr_t base, struct word **out) {
  /* The object's program headers from its ELF header, in its read-only
   * file pages (as registered() reads them), not ld.so's key-0 list. */
  const ElfW(Ehdr) *e = (const ElfW(Ehdr) *)base;
  *out = NULL;
  if (memcmp(e->e_ident, ELFMAG, SELFMAG) || e->e_phoff > BH_PAGE)
    return 0;
  struct dl_phdr_info info = {.dlpi_addr = base,
                              .dlpi_phdr = (const ElfW(Phdr) *)(base +
                                                                e->e_phoff),
                              .dlpi_phnum = e->e_phnum};
  struct span s;
  span_of(base, info.dlpi_phdr, info.dlpi_phnum, &s);
  struct fill f = {.types_only = 1};
  record_words(&info, &s, &f);
  if (!f.words)
    return 0;
  f.w = mmap(NULL, f.words * sizeof *f.w, PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (f.w == MAP_FAILED)
    bh_fatal("cannot record a shared object's words for the unwinder "
             "(mmap failed)");
  record_words(&info, &s, &f);
  *out = f.w;
  return f.n;
}

void bh_unwind_late_area(uintptr_t *at, size_t *max) {
  *at = (uintptr_t)table()->late;
  *max = LATE_MAX;
}

void bh_unwind_late_add(const struct word *w, size_t n) {
  struct late *l = table()->late;
  struct late *fresh = mmap(NULL, LATE_BYTES, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (fresh == MAP_FAILED)
    bh_fatal("cannot record a shared object's words for the unwinder "
             "(mmap failed)");
  memcpy(fresh, l, sizeof *l + l->n * sizeof *w);
  for (size_t i = 0; i < n && fresh->n < LATE_MAX; i++) {
    size_t k = 0;
    while (k < fresh->n && fresh->w[k].at != w[i].at)
      k++;
    if (k == fresh->n) /* the first value stays */
      fresh->w[fresh->n++] = w[i];
  }
  if (mprotect(fresh, LATE_BYTES, PROT_READ) ||
      mremap(fresh, LATE_BYTES, LATE_BYTES, MREMAP_MAYMOVE | MREMAP_FIXED,
             l) == MAP_FAILED)
    bh_fatal("cannot put a shared object's words for the unwinder in place");
}

/* --- The lookup, with a compartment's rights: read-only memory only. --- */

/* The object holding a pc: its span and, for a registered one, its program
 * headers (start-up objects' words are in the table). */
struct object {
  struct span s;
  uintptr_t base;
  const ElfW(Phdr) *ph;
  int phnum;
};

/* The FDE covering PC in the object whose .eh_frame_hdr is HDR, from its
 * sorted search table, its CIE into *C; NULL if there is none or the table
 * is not one of the form every linker writes (datarel sdata4 pairs). */
static const uint8_t *search(const uint8_t *hdr, uintptr_t pc,
                             struct eh_bases *bases, struct bh_cie *c) {
  if (!hdr || hdr[0] != 1 || hdr[3] != 0x3b)
    return NULL;
  int ok = 1;
  const uint8_t *p = hdr + 4;
  bh_cfi_encoded(&p, hdr[1], (uintptr_t)hdr, &ok); /* the .eh_frame pointer */
  uintptr_t n = bh_cfi_encoded(&p, hdr[2], (uintptr_t)hdr, &ok);
  if (!ok || !n)
    return NULL;
  const int32_t *t = (const int32_t *)p; /* (location, FDE) pairs */
  uintptr_t base = (uintptr_t)hdr;
  if (pc < base + (uintptr_t)(intptr_t)t[0])
    return NULL;
  size_t lo = 0, hi = n; /* the last entry at or below pc is in [lo, hi) */
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (base + (uintptr_t)(intptr_t)t[2 * mid] <= pc)
      lo = mid;
    else
      hi = mid;
  }
  const uint8_t *fde = (const uint8_t *)(base + (uintptr_t)(intptr_t)t[2 * lo + 1]);
  uint32_t len, cie_off;
  memcpy(&len, fde, 4);
  memcpy(&cie_off, fde + 4, 4);
  if (len == 0 || len == 0xffffffff || cie_off == 0 ||
      bh_cie_read(fde + 4 - cie_off, c))
    return NULL;
  p = fde + 8;
  uintptr_t begin = bh_cfi_encoded(&p, c->fde_enc, 0, &ok);
  uintptr_t range = bh_cfi_encoded(&p, c->fde_enc & 0x0f, 0, &ok);
  if (!ok || pc < begin || pc - begin >= range)
    return NULL;
  *bases = (struct eh_bases){NULL, NULL, (void *)begin};
  return fde;
}

/* A registered shared object with compartments holding pc: its ELF header
 * and program headers, read-only file pages of the object (the filter
 * protects its span). */
static int registered(uintptr_t pc, struct object *o) {
  const struct bh_domain_table *t = &bh_domain_table.t;
  size_t n = __atomic_load_n(&t->objects, __ATOMIC_ACQUIRE);
  for (size_t k = 0; k < n && k < BH_MAX_COMPARTMENTS; k++) {
    const ElfW(Ehdr) *e = (const ElfW(Ehdr) *)t->obj[k].base;
    if (!e || memcmp(e->e_ident, ELFMAG, SELFMAG) || e->e_phoff > BH_PAGE)
      continue;
    o->base = (uintptr_t)e;
    o->ph = (const ElfW(Phdr) *)((uintptr_t)e + e->e_phoff);
    o->phnum = e->e_phnum;
    span_of(o->base, o->ph, o->phnum, &o->s);
    o->s.own_lo = t->obj[k].own_lo;
    o->s.own_hi = t->obj[k].own_hi;
    if (pc >= o->s.lo && pc < o->s.hi)
      return 1;
  }
  return 0;
}

static int routine_ok(uintptr_t a) {
  const struct table *t = table();
  for (size_t i = 0; i < t->n; i++)
    if (t->o[i].personalities && a >= t->o[i].lo && a < t->o[i].hi)
      return 1;
  return 0;
}

/* What the word at AT that object O's CIE or LSDA names holds, from no
 * writable memory: the value recorded at start-up, or the word itself
 * where a registered object's program headers say it is read-only
 * (bulkhead-clang links every DW.ref.* word in RELRO); -1 if neither. */
static int word_value(const void *ctx, uintptr_t at, uintptr_t *v) {
  const struct object *o = ctx;
  const struct table *t = table();
  const struct word *w = words(t);
  for (size_t k = 0; k < t->words; k++)
    if (w[k].at == at) {
      *v = w[k].value;
      return 0;
    }
  for (int i = 0; o->ph && i < o->phnum; i++) {
    uintptr_t lo = o->base + o->ph[i].p_vaddr, hi = lo + o->ph[i].p_memsz;
    if (at < lo || at + 8 > hi)
      continue;
    if (o->ph[i].p_type == PT_GNU_RELRO ||
        (o->ph[i].p_type == PT_LOAD && !(o->ph[i].p_flags & PF_W))) {
      *v = *(const uintptr_t *)at;
      return 0;
    }
  }
  return -1;
}

/* A type word: as word_value, else its value recorded at its object's
 * registration. Only type words are recorded there, and only type words
 * are looked up there: an entry a second thread forged while registration
 * wrote the late area (no filter) cannot choose a personality routine
 * (review 76a). */
static int type_word_value(const void *ctx, uintptr_t at, uintptr_t *v) {
  const struct object *o = ctx;
  if (!word_value(ctx, at, v))
    return 0;
  const struct late *l = table()->late;
  size_t n = __atomic_load_n(&l->n, __ATOMIC_ACQUIRE);
  for (size_t k = 0; o->ph && k < n && k < LATE_MAX; k++)
    if (l->w[k].at == at) {
      *v = l->w[k].value;
      return 0;
    }
  return -1;
}

/* One line naming the frame a copy was refused for, and the end (the
 * object's path from symbolize.c's list: key-0, but only a name). */
__attribute__((noreturn)) static void refuse(uintptr_t pc, const char *why) {
  const char *path;
  uintptr_t off;
  if (!bh_code_module(pc, &path, &off))
    path = "no object known", off = pc;
  bh_fatal("the unwinder cannot unwind the frame at pc 0x%lx (%s+0x%lx) "
           "with a compartment's rights: %s (runtime/unwind-copy.c)",
           (unsigned long)pc, path, (unsigned long)off, why);
}

/* Whether the code at RA is the signal-return stub (mov $15, %rax;
 * syscall) by which libgcc_s's fallback for a pc with no FDE (x86-64
 * Linux, MD_FALLBACK_FRAME_STATE_FOR) takes a frame returning there for a
 * signal frame; read as it reads it. */
static int sigreturn_stub(uintptr_t ra) {
  const uint8_t *p = (const uint8_t *)ra;
  uint64_t w;
  if (p[0] != 0x48)
    return 0;
  memcpy(&w, p + 1, 8);
  return w == 0x050f0000000fc0c7ull;
}

/* The answer for a pc with no FDE, with a compartment's rights: an FDE
 * (absolute pointers, covering every pc) whose CIE says the frame is the
 * outermost one (its return address undefined, as glibc's _start says),
 * so the unwinder ends there as with no FDE. Answered no FDE, libgcc_s's
 * fallback would read the code at the return address again, after the
 * check in no_fde: key-0 bytes another thread makes the stub's in between
 * gave review 53's forged signal frame (review 74a,
 * attacks-rev74a-stub-flip.cpp). Read-only, like the runtime's code. */
static const uint8_t end_of_stack[] __attribute__((aligned(8))) = {
    /* CIE: length 16, id 0, version 1, augmentation "", code alignment 1,
     * data alignment -8, return address column 16 */
    16, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0x78, 16,
    /* DW_CFA_def_cfa rsp+8, DW_CFA_undefined r16, two DW_CFA_nop */
    0x0c, 7, 8, 0x07, 16, 0, 0,
    /* FDE: length 20, CIE pointer 24 (back to the CIE), pc_begin 0,
     * pc_range all; no instructions */
    20, 0, 0, 0, 24, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

/* No FDE for PC. Answered none, libgcc_s tries its fallback on the return
 * address, PC + 1 (a throw's frames are never signal frames: see
 * find_fde); only the runtime's own walks get that. */
static const void *no_fde(uintptr_t pc, struct eh_bases *bases) {
  if (bh_unwind_signal_frame_ok())
    return NULL;
  if (sigreturn_stub(pc + 1))
    refuse(pc, "no FDE, and libgcc_s would take it for a signal frame by "
               "its code (a sigreturn stub), every register of the next "
               "frame read from the stack");
  *bases = (struct eh_bases){NULL, NULL, (void *)pc};
  return end_of_stack + 20;
}

static const void *find_fde(void *pc, struct eh_bases *bases) {
  const struct table *t = table();
  if (bh_rdpkru() == __bulkhead_domain0.pkru)
    return t->real(pc, bases);
  uintptr_t a = (uintptr_t)pc;
  struct object o = {{0, 0, NULL, 0, NULL, NULL}, 0, NULL, 0};
  size_t i = 0;
  while (i < t->n && !(a >= t->o[i].lo && a < t->o[i].hi))
    i++;
  if (i < t->n)
    o.s = t->o[i];
  else if (!registered(a, &o))
    return no_fde(a, bases);
  struct bh_cie c;
  const uint8_t *fde = search(o.s.hdr, a, bases, &c);
  if (!fde)
    return no_fde(a, bases);
  /* A signal frame's registers, all of them, come from the ucontext on
   * the stack it returns to: key-0 words where that is main's stack
   * (review 53). Only the runtime's own walks, which run no landing pad,
   * go through it, and a thread on no compartment stack, whose frames are
   * all key-0 words anyway (glibc's cancellation unwinds from its signal
   * handler: exceptions-handover.cpp). */
  if (strchr(c.aug, 'S') && !bh_unwind_signal_frame_ok())
    refuse(a, "a signal frame (its CIE's augmentation has S), every "
              "register of the next frame read from the stack");
  struct bh_words w = {&o,
                       word_value,
                       o.ph != NULL,
                       routine_ok,
                       c.pers_enc != BH_PE_OMIT &&
                           !built_by_bulkhead(&o.s, (uintptr_t)bases->func),
                       type_word_value};
  const void *copy;
  const char *why;
  if (bh_unwind_copy(fde, a, &c, &w, &copy, &why)) {
    if (why) /* no FDE would end a throw in a key-0 terminate handler */
      refuse(a, why);
    return copy;
  }
  return fde; /* no compartment stack to copy to (unwind-copy.c) */
}

uint64_t bh_unwind_jump(uint64_t target, int verbose, const char *object) {
  const struct table *t = table();
  if (!t || !t->real || target != (uint64_t)(uintptr_t)t->real)
    return target;
  if (verbose) {
    char line[512];
    bh_format(line, sizeof line,
              "bulkhead: %s: its PLT jump to _Unwind_Find_FDE now leads to "
              "the runtime\n",
              object);
    bh_write(line);
  }
  return (uint64_t)(uintptr_t)find_fde;
}
