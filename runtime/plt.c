/* plt.c - start-up: no PLT jump of a loaded object reads a writable word
 * (issue 11, review 19).
 *
 * An object linked without -z now keeps its .got.plt outside RELRO, in
 * writable key-0 memory: Debian's libc.so.6 does (realloc, calloc, and
 * the IFUNC choices of memcpy, strlen... that libc calls itself). Its code,
 * run for a compartment, jumps through those words with the compartment's
 * rights, so one store chose where the compartment's control went
 * (dso/attacks-rev19-*.test). After the LD_BIND_NOW re-run (gadgets.c) the
 * words are final. Each PLT jump that reads one is rewritten, before any
 * of the program's code runs, to read a copy of it on a page of its own,
 * read-only and kept so by the system-call filter (a protected range,
 * syscalls.c). Only PLT code reads .got.plt (the x86-64 psABI); the words
 * themselves stay where they are, read by no one (ld.so's lazy resolver,
 * their only writer, is off).
 *
 * The PLT sections are found from the object's file (section headers) and
 * decoded instruction by instruction: only the forms GNU ld, gold and lld
 * write (with or without IBT) are known; anything else stops the program,
 * as does an object whose PLT cannot be found. A rewritten displacement is
 * chosen so that the bytes around it hold no PKRU-writing pattern (the
 * gadget scan that follows would stop the program on one).
 */
#define _GNU_SOURCE
#include "internal.h"
#include "patterns.h"

#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <unistd.h>

static const char *const plt_sections[] = {".plt", ".plt.sec", ".plt.got"};

struct walk {
  int verbose;
  uint64_t *table; /* NULL while counting */
  size_t used, cap;
  int mem; /* /proc/self/mem, for the rewrites */
  const struct dl_phdr_info *info; /* the object */
  size_t moved;                    /* its jumps moved */
  size_t covered;  /* its jumps an earlier walk moved */
  uintptr_t done_lo, done_hi; /* that walk's copies */
  struct {
    const uint8_t *code; /* the PLT section as mapped */
    size_t len;
    uint8_t *buf; /* its copy being rewritten */
  } sec;
};

static const char *name_of(const struct dl_phdr_info *info) {
  return info->dlpi_name[0] ? info->dlpi_name : "the program";
}

/* Whether the word at A lies in a writable segment of the object and
 * outside its RELRO; -1 if it lies in none of its segments. */
static int writable(const struct dl_phdr_info *info, uintptr_t a) {
  if (bh_object_read_only(info, a, 8))
    return 0;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    uintptr_t lo = info->dlpi_addr + ph->p_vaddr;
    if (ph->p_type == PT_LOAD && a >= lo && a + 8 <= lo + ph->p_memsz)
      return 1;
  }
  return -1;
}

/* The object's relocations, as the loader left them (DT_RELA and
 * DT_JMPREL, with their pointers relocated in place or not). */
struct relas {
  const ElfW(Rela) *r[2];
  size_t n[2];
};

static void find_relas(const struct dl_phdr_info *info, struct relas *t) {
  const ElfW(Dyn) *d = NULL;
  *t = (struct relas){{NULL, NULL}, {0, 0}};
  for (int i = 0; i < info->dlpi_phnum; i++)
    if (info->dlpi_phdr[i].p_type == PT_DYNAMIC)
      d = (const ElfW(Dyn) *)(info->dlpi_addr + info->dlpi_phdr[i].p_vaddr);
  for (; d && d->d_tag != DT_NULL; d++) {
    uintptr_t v = d->d_un.d_ptr < info->dlpi_addr
                      ? d->d_un.d_ptr + info->dlpi_addr
                      : d->d_un.d_ptr;
    if (d->d_tag == DT_JMPREL)
      t->r[0] = (const ElfW(Rela) *)v;
    if (d->d_tag == DT_PLTRELSZ)
      t->n[0] = d->d_un.d_val / sizeof(ElfW(Rela));
    if (d->d_tag == DT_RELA)
      t->r[1] = (const ElfW(Rela) *)v;
    if (d->d_tag == DT_RELASZ)
      t->n[1] = d->d_un.d_val / sizeof(ElfW(Rela));
  }
}

/* Whether a PLT-relocated word of the object (DT_JMPREL) is writable: the
 * object needs its PLT rewritten. Stops the program on a writable GOT word
 * that other code reads: a GLOB_DAT word (-fno-plt calls, data addresses)
 * or a TLS descriptor, which no rewrite of PLT jumps can cover (review
 * 22). */
static int has_writable_slots(const struct dl_phdr_info *info) {
  struct relas t;
  int slots = 0;
  find_relas(info, &t);
  for (int k = 0; k < 2; k++)
    for (size_t i = 0; t.r[k] && i < t.n[k]; i++) {
      unsigned type = ELF64_R_TYPE(t.r[k][i].r_info);
      uintptr_t a = info->dlpi_addr + t.r[k][i].r_offset;
      if ((type == R_X86_64_GLOB_DAT || type == R_X86_64_TLSDESC) &&
          writable(info, a) == 1)
        bh_fatal("%s+0x%lx: a writable GOT word (%s) that code reads "
                 "directly, which any store could redirect; relink it with "
                 "-z relro -z now",
                 name_of(info), (unsigned long)t.r[k][i].r_offset,
                 type == R_X86_64_TLSDESC ? "a TLS descriptor" : "GLOB_DAT");
      slots |= k == 0 && writable(info, a) == 1;
    }
  return slots;
}

/* The length of the PLT instruction at P (END: the section's end), and
 * in *DISP where a jmp *d(%rip) keeps d (NULL for other instructions); 0
 * for an instruction no known PLT uses. */
static size_t decode(const uint8_t *p, const uint8_t *end,
                     const uint8_t **disp) {
  size_t left = (size_t)(end - p), n = 0;
  *disp = NULL;
  if (left >= 4 && !memcmp(p, "\xf3\x0f\x1e\xfa", 4))
    return 4; /* endbr64 */
  if (left >= 1 && p[0] == 0xf2)
    n = 1; /* bnd */
  if (left >= n + 6 && p[n] == 0xff && p[n + 1] == 0x25) {
    *disp = p + n + 2; /* jmp *d(%rip) */
    return n + 6;
  }
  if (left >= n + 5 && p[n] == 0xe9)
    return n + 5; /* jmp rel32 */
  if (n)
    return 0;
  if (left >= 6 && p[0] == 0xff && p[1] == 0x35)
    return 6; /* push d(%rip): the lazy resolver's argument */
  if (left >= 5 && p[0] == 0x68)
    return 5; /* push imm32 */
  if (p[0] == 0x90 || p[0] == 0xcc)
    return 1; /* nop, int3 padding */
  /* Multi-byte nops: 66 and 2e prefixes, 0f 1f with a memory operand. */
  while (n < left && n < 8 && (p[n] == 0x66 || p[n] == 0x2e))
    n++;
  if (n && n < left && p[n] == 0x90)
    return n + 1;
  if (left < n + 3 || p[n] != 0x0f || p[n + 1] != 0x1f)
    return 0;
  unsigned mod = p[n + 2] >> 6, rm = p[n + 2] & 7;
  size_t len = n + 3 + (mod != 3 && rm == 4) + (mod == 1 ? 1 : 0) +
               (mod == 2 || (mod == 0 && rm == 5) ? 4 : 0);
  return mod == 3 || len > left ? 0 : len;
}

/* A table word for the jump whose displacement is at offset AT of the
 * section being rewritten: within reach, and leaving no PKRU-writing
 * pattern in the bytes around it. Its index, or -1. */
static long place(struct walk *w, size_t at) {
  const uint8_t *code = w->sec.code, *disp = code + at;
  size_t from = at < BH_PATTERN_LEN - 1 ? 0 : at - (BH_PATTERN_LEN - 1);
  size_t to = at + 4 + BH_PATTERN_LEN - 1;
  to = to > w->sec.len ? w->sec.len : to;
  for (size_t k = w->used; k < w->cap; k++) {
    int64_t d = (int64_t)(uintptr_t)&w->table[k] -
                (int64_t)(uintptr_t)(disp + 4);
    if (d != (int32_t)d)
      return -1;
    int32_t d32 = (int32_t)d;
    uint8_t bytes[4 + 2 * (BH_PATTERN_LEN - 1)];
    memcpy(bytes, w->sec.buf + from, to - from);
    memcpy(bytes + (at - from), &d32, 4);
    int clean = 1;
    for (size_t i = 0; clean && i + BH_PATTERN_LEN <= to - from; i++)
      clean = bh_pattern_at(bytes + i) < 0;
    if (clean)
      return (long)k;
  }
  return -1;
}

static unsigned long offset_of(const struct walk *w, const uint8_t *p) {
  return (unsigned long)((uintptr_t)p - w->info->dlpi_addr);
}

/* The jump whose displacement is at offset AT reads a copy of WORD. */
static void rewrite(struct walk *w, size_t at, uintptr_t word) {
  long k = place(w, at);
  if (k < 0)
    bh_fatal("cannot make the PLT jump at %s+0x%lx read a read-only copy of "
             "its GOT word: no copy within reach without PKRU-write bytes",
             name_of(w->info), offset_of(w, w->sec.code + at));
  /* libgcc_s's unwinder's jump to _Unwind_Find_FDE leads to the runtime
   * (unwind-find.c). */
  w->table[k] = bh_unwind_jump(*(const uint64_t *)word, w->verbose,
                               name_of(w->info));
  int32_t d32 =
      (int32_t)((intptr_t)&w->table[k] - (intptr_t)(w->sec.code + at + 4));
  memcpy(w->sec.buf + at, &d32, 4);
  w->used = (size_t)k + 1;
}

/* One executable section of the object: if it is a PLT, counts or
 * rewrites (into a copy, written back whole) its jumps through writable
 * words. */
static void each_section(const char *name, uint64_t addr, uint64_t len,
                         void *arg) {
  struct walk *w = arg;
  int plt = 0;
  for (size_t s = 0; s < sizeof plt_sections / sizeof *plt_sections; s++)
    plt |= !strcmp(name, plt_sections[s]);
  if (!plt)
    return;
  const uint8_t *lo = (const uint8_t *)(w->info->dlpi_addr + addr);
  w->sec.code = lo;
  w->sec.len = len;
  w->sec.buf = NULL;
  size_t moved = 0;
  if (w->table) {
    w->sec.buf = mmap(NULL, len, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (w->sec.buf == MAP_FAILED)
      bh_fatal("cannot rewrite the PLT of %s (mmap failed)", name_of(w->info));
    memcpy(w->sec.buf, lo, len);
  }
  for (const uint8_t *p = lo, *disp, *hi = lo + len; p < hi;) {
    size_t n = decode(p, hi, &disp);
    if (!n)
      bh_fatal("%s+0x%lx: an instruction in %s that no known PLT uses, and "
               "the GOT is writable; relink it with -z now",
               name_of(w->info), offset_of(w, p), name);
    p += n;
    if (!disp)
      continue;
    int32_t d32;
    memcpy(&d32, disp, 4);
    uintptr_t word = (uintptr_t)(disp + 4) + (uintptr_t)(intptr_t)d32;
    if (word >= w->done_lo && word < w->done_hi) {
      w->covered++;
      continue;
    }
    int wr = writable(w->info, word);
    if (wr < 0)
      bh_fatal("%s+0x%lx: a PLT jump through a word outside the object",
               name_of(w->info), offset_of(w, disp));
    if (!wr)
      continue;
    moved++;
    if (w->table)
      rewrite(w, (size_t)(disp - lo), word);
    else
      w->cap++;
  }
  w->moved += moved;
  if (w->sec.buf) {
    if (moved && pwrite(w->mem, w->sec.buf, len, (off_t)(uintptr_t)lo) !=
                     (ssize_t)len)
      bh_fatal("cannot rewrite the PLT of %s (writing through /proc/self/mem "
               "failed)",
               name_of(w->info));
    munmap(w->sec.buf, len);
  }
}

/* Counts, or rewrites, the object's PLT jumps through writable words. */
static int each_object(struct dl_phdr_info *info, size_t size, void *arg) {
  (void)size;
  struct walk *w = arg;
  if (info->dlpi_addr == getauxval(AT_SYSINFO_EHDR) ||
      !has_writable_slots(info))
    return 0;
  const char *why = NULL;
  int fd = bh_object_file_open(getpid(), info->dlpi_addr, &why);
  if (fd < 0)
    bh_fatal("cannot find the PLT of %s, whose GOT is writable: %s",
             name_of(info), why);
  w->info = info;
  w->moved = w->covered = 0;
  if (bh_file_code_sections(fd, each_section, w))
    bh_fatal("cannot find the PLT of %s, whose GOT is writable: its section "
             "headers cannot be read; relink it with -z now",
             name_of(info));
  close(fd);
  if (!w->moved && !w->covered)
    bh_fatal("cannot find the PLT of %s, whose GOT is writable: no PLT jump "
             "reads it; relink it with -z now",
             name_of(info));
  if (w->table && w->verbose && w->moved) {
    char line[512];
    bh_format(line, sizeof line,
              "bulkhead: %s: %lu PLT jumps now read read-only copies of their "
              "GOT words\n",
              name_of(info), (unsigned long)w->moved);
    bh_write(line);
  }
  return 0;
}

void bh_plt_read_only(int verbose, uintptr_t done_lo, uintptr_t done_hi,
                      uintptr_t *lo, uintptr_t *hi) {
  struct walk w = {
      .verbose = verbose, .mem = -1, .done_lo = done_lo, .done_hi = done_hi};
  *lo = *hi = 0;
  dl_iterate_phdr(each_object, &w);
  if (!w.cap)
    return;
  /* Room to skip words whose displacement would form a pattern. */
  size_t bytes = (w.cap + 64) * sizeof *w.table;
  bytes = (bytes + BH_PAGE - 1) & ~(size_t)(BH_PAGE - 1);
  w.table = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  w.mem = open("/proc/self/mem", O_RDWR | O_CLOEXEC);
  if (w.table == MAP_FAILED || w.mem < 0)
    bh_fatal("cannot make PLT jumps read read-only copies of writable GOT "
             "words (%s failed)",
             w.mem < 0 ? "opening /proc/self/mem" : "mmap");
  w.cap = bytes / sizeof *w.table;
  dl_iterate_phdr(each_object, &w);
  close(w.mem);
  if (mprotect(w.table, bytes, PROT_READ))
    bh_fatal("cannot make the copies of writable GOT words read-only");
  *lo = (uintptr_t)w.table;
  *hi = *lo + bytes;
}
