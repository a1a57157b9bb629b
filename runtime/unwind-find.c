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
 */
#define _GNU_SOURCE
#include "internal.h"

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
};

/* The page(s) made read-only at start-up, at bh_state->unwind_lo. */
struct table {
  find_fde_fn *real; /* libgcc_s's _Unwind_Find_FDE, or NULL */
  size_t n;
  struct span o[];
};

static const struct table *table(void) {
  return (const struct table *)bh_state->unwind_lo;
}

static void span_of(uintptr_t base, const ElfW(Phdr) *ph, int n,
                    struct span *s) {
  *s = (struct span){UINTPTR_MAX, 0, NULL};
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
  struct table *t;
  size_t cap;
};

static int record(struct dl_phdr_info *info, size_t size, void *arg) {
  (void)size;
  struct fill *f = arg;
  if (f->t && f->t->n < f->cap)
    span_of(info->dlpi_addr, info->dlpi_phdr, info->dlpi_phnum,
            &f->t->o[f->t->n++]);
  else
    f->cap++;
  return 0;
}

void bh_unwind_objects_init(uintptr_t *lo, uintptr_t *hi) {
  struct fill f = {NULL, 0};
  dl_iterate_phdr(record, &f); /* ld.so's list, before any program code */
  size_t bytes = sizeof *f.t + f.cap * sizeof(struct span);
  bytes = (bytes + BH_PAGE - 1) & ~(size_t)(BH_PAGE - 1);
  f.t = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
             -1, 0);
  if (f.t == MAP_FAILED)
    bh_fatal("cannot record the loaded objects for the unwinder (mmap failed)");
  f.t->real = (find_fde_fn *)dlsym(RTLD_DEFAULT, "_Unwind_Find_FDE");
  dl_iterate_phdr(record, &f);
  if (mprotect(f.t, bytes, PROT_READ))
    bh_fatal("cannot make the unwinder's list of objects read-only");
  *lo = (uintptr_t)f.t;
  *hi = *lo + bytes;
}

/* --- The lookup, with a compartment's rights: read-only memory only. --- */

static uintptr_t uleb(const uint8_t **p) {
  uintptr_t v = 0;
  for (unsigned shift = 0;; shift += 7) {
    uint8_t b = *(*p)++;
    if (shift < 64)
      v |= (uintptr_t)(b & 0x7f) << shift;
    if (!(b & 0x80))
      return v;
  }
}

/* A value of DWARF pointer encoding ENC at *P (DW_EH_PE_*: the forms
 * linkers and compilers write for x86-64), relative to DATA for datarel;
 * 0 in *ok for any other. */
static uintptr_t encoded(const uint8_t **p, uint8_t enc, uintptr_t data,
                         int *ok) {
  const uint8_t *at = *p;
  uintptr_t v;
  switch (enc & 0x0f) {
  case 0x00: /* absptr */
  case 0x04: /* udata8 */
  case 0x0c: /* sdata8 */
    memcpy(&v, at, 8);
    *p += 8;
    break;
  case 0x03: { /* udata4 */
    uint32_t u;
    memcpy(&u, at, 4);
    v = u, *p += 4;
    break;
  }
  case 0x0b: { /* sdata4 */
    int32_t s;
    memcpy(&s, at, 4);
    v = (uintptr_t)(intptr_t)s, *p += 4;
    break;
  }
  default:
    *ok = 0;
    return 0;
  }
  switch (enc & 0xf0) {
  case 0x00:
    return v;
  case 0x10: /* pcrel */
    return v + (uintptr_t)at;
  case 0x30: /* datarel */
    return v + data;
  default: /* indirect, aligned, textrel, funcrel: not for these fields */
    *ok = 0;
    return 0;
  }
}

/* The FDE pointer encoding of the CIE at CIE (its 'R' augmentation), or
 * -1 for a CIE this does not read. */
static int fde_encoding(const uint8_t *cie) {
  uint32_t id;
  memcpy(&id, cie + 4, 4);
  uint8_t version = cie[8];
  if (id != 0 || (version != 1 && version != 3))
    return -1;
  const char *aug = (const char *)cie + 9;
  const uint8_t *p = (const uint8_t *)aug + strlen(aug) + 1;
  if (aug[0] != 'z')
    return aug[0] ? -1 : 0x00; /* no augmentation data: absptr */
  uleb(&p);                    /* code alignment */
  uleb(&p);                    /* data alignment (sleb: only skipped) */
  if (version == 1)
    p++; /* return address column */
  else
    uleb(&p);
  uleb(&p); /* augmentation data length */
  for (const char *a = aug + 1; *a; a++) {
    int ok = 1;
    switch (*a) {
    case 'R':
      return *p;
    case 'P': {
      uint8_t enc = *p++;
      encoded(&p, enc & 0x0f, 0, &ok); /* skipped, never followed */
      if (!ok)
        return -1;
      break;
    }
    case 'L':
      p++;
      break;
    case 'S':
    case 'B':
      break;
    default:
      return -1;
    }
  }
  return 0x00;
}

/* The FDE covering PC in the object whose .eh_frame_hdr is HDR, from its
 * sorted search table; NULL if there is none or the table is not one of
 * the form every linker writes (datarel sdata4 pairs). */
static const void *search(const uint8_t *hdr, uintptr_t pc,
                          struct eh_bases *bases) {
  if (!hdr || hdr[0] != 1 || hdr[3] != 0x3b)
    return NULL;
  int ok = 1;
  const uint8_t *p = hdr + 4;
  encoded(&p, hdr[1], (uintptr_t)hdr, &ok); /* the .eh_frame pointer */
  uintptr_t n = encoded(&p, hdr[2], (uintptr_t)hdr, &ok);
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
  if (len == 0 || len == 0xffffffff || cie_off == 0)
    return NULL;
  int enc = fde_encoding(fde + 4 - cie_off);
  if (enc < 0)
    return NULL;
  p = fde + 8;
  uintptr_t begin = encoded(&p, (uint8_t)enc, 0, &ok);
  uintptr_t range = encoded(&p, (uint8_t)(enc & 0x0f), 0, &ok);
  if (!ok || pc < begin || pc - begin >= range)
    return NULL;
  *bases = (struct eh_bases){NULL, NULL, (void *)begin};
  return fde;
}

/* The .eh_frame_hdr of a registered shared object with compartments
 * holding pc: its ELF header and program headers, read-only file pages
 * of the object (the filter protects its span). */
static const uint8_t *registered_hdr(uintptr_t pc) {
  const struct bh_domain_table *t = &bh_domain_table.t;
  size_t n = __atomic_load_n(&t->objects, __ATOMIC_ACQUIRE);
  for (size_t k = 0; k < n && k < BH_MAX_COMPARTMENTS; k++) {
    const ElfW(Ehdr) *e = (const ElfW(Ehdr) *)t->obj[k].base;
    if (!e || memcmp(e->e_ident, ELFMAG, SELFMAG) || e->e_phoff > BH_PAGE)
      continue;
    struct span s;
    span_of((uintptr_t)e, (const ElfW(Phdr) *)((uintptr_t)e + e->e_phoff),
            e->e_phnum, &s);
    if (pc >= s.lo && pc < s.hi)
      return s.hdr;
  }
  return NULL;
}

static const void *find_fde(void *pc, struct eh_bases *bases) {
  const struct table *t = table();
  if (bh_rdpkru() == __bulkhead_domain0.pkru)
    return t->real(pc, bases);
  uintptr_t a = (uintptr_t)pc;
  for (size_t i = 0; i < t->n; i++)
    if (a >= t->o[i].lo && a < t->o[i].hi)
      return search(t->o[i].hdr, a, bases);
  return search(registered_hdr(a), a, bases);
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
