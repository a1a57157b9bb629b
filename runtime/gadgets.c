/* gadgets.c - start-up: no PKRU write in the code the program loaded that
 * an attacker who controls the default domain's program counter could use
 * to open every compartment (issue 12, item 2).
 *
 * The program itself was scanned when bulkhead-clang linked it. Its
 * dependencies (libc, ld.so, other shared objects, the vDSO) were not
 * built by us, so before main every WRPKRU, XRSTOR and XRSTORS byte
 * sequence in their executable mappings is found and
 *   - kept if it is a checked gate: WRPKRU followed by a compare of EAX
 *     with a read-only word and a trap on mismatch (what the pass emits in
 *     shared objects it builds; ERIM's safe form, Vahldiek-Oberwagner et
 *     al., USENIX Security 2019), since a jump to it installs only that
 *     word's value;
 *   - overwritten with UD2 if it is one of glibc's known ones: pkey_set's
 *     WRPKRU (PKRU belongs to Bulkhead; a program that calls pkey_set
 *     stops), and ld.so's lazy-binding XRSTOR, which restores registers
 *     around symbol resolution: lazy binding is turned off first
 *     (LD_BIND_NOW, by re-running the program once before main if any
 *     loaded object binds lazily);
 *   - otherwise the program stops and names it (BULKHEAD_ALLOW_DEP_GADGETS=1
 *     runs it anyway, with that gadget left usable).
 * Each segment is searched over the whole pages ld.so maps for it, and
 * executable memory outside the objects ld.so lists (another namespace's,
 * code a constructor mapped) is searched whole, from /proc/self/maps;
 * writable and executable memory stops the program (review 27).
 * Objects mapped executable later (dlopen) are scanned by the supervisor
 * before they are mapped (supervisor-exec.c). */
#define _GNU_SOURCE
#include "internal.h"
#include "patterns.h" /* the bytes bulkhead-scan looks for */

#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <unistd.h>

/* The value LD_BIND_NOW gets when the runtime sets it, so that it can take
 * it out of the environment again after the re-run. */
#define BIND_NOW_MARK "LD_BIND_NOW=bulkhead"

/* The environment: libc's getenv does not work yet before constructors
 * (environ is set later), so the start-up code reads envp itself. */
static char **env;

static const char *env_get(const char *name) {
  size_t len = strlen(name);
  for (char **e = env; e && *e; e++)
    if (!strncmp(*e, name, len) && (*e)[len] == '=')
      return *e + len + 1;
  return NULL;
}

static int verbose(void) {
  const char *v = env_get("BULKHEAD_VERBOSE");
  return v && *v && strcmp(v, "0");
}

/* A dynamic-section pointer as the loader left it: relocated in place for
 * ordinary objects, not for the vDSO. */
static uintptr_t dyn_ptr(const struct dl_phdr_info *info, uintptr_t v) {
  return v < info->dlpi_addr ? v + info->dlpi_addr : v;
}

/* Whether the object still resolves PLT calls lazily: the loader sets the
 * GOT's third word to its resolver only then. */
static int binds_lazily(const struct dl_phdr_info *info) {
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    if (ph->p_type != PT_DYNAMIC)
      continue;
    const ElfW(Dyn) *d = (const ElfW(Dyn) *)(info->dlpi_addr + ph->p_vaddr);
    uintptr_t got = 0;
    int plt = 0;
    for (; d->d_tag != DT_NULL; d++) {
      if (d->d_tag == DT_PLTGOT)
        got = dyn_ptr(info, d->d_un.d_ptr);
      if (d->d_tag == DT_JMPREL)
        plt = 1;
    }
    return plt && got && ((const uintptr_t *)got)[2] != 0;
  }
  return 0;
}

static int count_lazy(struct dl_phdr_info *info, size_t size, void *arg) {
  (void)size;
  if (info->dlpi_addr != getauxval(AT_SYSINFO_EHDR) && binds_lazily(info))
    ++*(int *)arg;
  return 0;
}

/* Runs the program again with LD_BIND_NOW set if any object it loaded binds
 * lazily; after that run, takes the runtime's LD_BIND_NOW out of the
 * environment so that programs it starts see the environment it got. */
void bh_bind_now(char **argv, char **envp) {
  env = envp;
  const char *set = env_get("LD_BIND_NOW");
  if (set && !strcmp(set, &BIND_NOW_MARK[sizeof "LD_BIND_NOW"])) {
    /* libc's environ will be this array: drop the runtime's entry */
    char **e = envp;
    while (strcmp(*e, BIND_NOW_MARK))
      e++;
    do
      e[0] = e[1];
    while (*e++);
  }
  if (set && *set)
    return; /* the loader bound everything before start-up */
  int lazy = 0;
  dl_iterate_phdr(count_lazy, &lazy);
  if (!lazy)
    return;
  size_t n = 0;
  while (envp[n])
    n++;
  char *more[n + 2];
  memcpy(more, envp, n * sizeof *more);
  more[n] = (char *)BIND_NOW_MARK;
  more[n + 1] = NULL;
  execve("/proc/self/exe", argv, more);
  int err = errno;
  if (env_get("BULKHEAD_ALLOW_DEP_GADGETS"))
    return;
  bh_fatal("cannot turn lazy binding off, which keeps ld.so's XRSTOR usable to "
           "set PKRU "
           "(re-running /proc/self/exe with LD_BIND_NOW: %s); set "
           "BULKHEAD_ALLOW_DEP_GADGETS=1 "
           "to run anyway",
           strerror(err));
}

enum {
  WRPKRU = BH_PAT_WRPKRU,
  XRSTOR = BH_PAT_XRSTOR,
  XRSTORS = BH_PAT_XRSTORS
};

int bh_object_read_only(const struct dl_phdr_info *info, uintptr_t a,
                        size_t len) { /* internal.h */
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    uintptr_t lo = info->dlpi_addr + ph->p_vaddr, hi = lo + ph->p_memsz;
    int ro = (ph->p_type == PT_LOAD && !(ph->p_flags & PF_W)) ||
             ph->p_type == PT_GNU_RELRO;
    /* ld.so protects whole pages of RELRO only: a last partial page stays
     * writable (review 28, attacks-rev28-relro-tail-got.c). */
    if (ph->p_type == PT_GNU_RELRO)
      hi &= ~(uintptr_t)(BH_PAGE - 1);
    if (ro && a >= lo && a + len <= hi)
      return 1;
  }
  return 0;
}

/* WRPKRU; cmpl X(%rip), %eax; je +2; ud2 - the check of the contract's
 * gate (BH_GATE_*, patterns.c), with X read-only. */
static int checked_gate(const struct dl_phdr_info *info, const uint8_t *p,
                        const uint8_t *end) {
  int64_t rel;
  if (bh_gate_check_word(p, (size_t)(end - p), &rel))
    return 0;
  uintptr_t word = (uintptr_t)p + (intptr_t)rel;
  /* A shared object with compartments: its gates' words are its
   * descriptors and its copies of the runtime's words, which the runtime
   * makes read-only later in start-up, before any of its code runs. */
  return bh_object_read_only(info, word, 4) ||
         bh_object_word(info->dlpi_addr, word);
}

struct scan {
  uintptr_t pkey_set_lo, pkey_set_hi; /* glibc's pkey_set */
  uintptr_t ldso;                     /* ld.so's load address */
  int lazy;                           /* some object still binds lazily */
  int fd;                             /* /proc/self/mem, for the patches */
  int patched, unknown;
  int when; /* BH_SCAN_*: what may be patched, whether the program counts */
};

static const char *object_name(const struct dl_phdr_info *info) {
  return info->dlpi_name[0] ? info->dlpi_name : "?";
}

static void note(const char *what, const struct dl_phdr_info *info,
                 const uint8_t *p) {
  char line[512];
  bh_format(line, sizeof line, "%s at %s+0x%lx\n", what, object_name(info),
            (unsigned long)((uintptr_t)p - info->dlpi_addr));
  bh_write(line);
}

/* Overwrites the instruction's opcode bytes: UD2, then INT3 (len >= 3). */
static void patch(struct scan *s, const struct dl_phdr_info *info,
                  const uint8_t *p, size_t len) {
  uint8_t ud[8] = {0x0f, 0x0b, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc};
  if (s->fd < 0)
    s->fd = open("/proc/self/mem", O_RDWR | O_CLOEXEC);
  if (s->fd < 0 || pwrite(s->fd, ud, len, (off_t)(uintptr_t)p) != (ssize_t)len)
    bh_fatal("cannot make the PKRU write at %s+0x%lx unusable (writing through "
             "/proc/self/mem failed)",
             object_name(info),
             (unsigned long)((uintptr_t)p - info->dlpi_addr));
  s->patched++;
}

static void one(struct scan *s, const struct dl_phdr_info *info,
                const uint8_t *p, const uint8_t *end, int k) {
  uintptr_t a = (uintptr_t)p;
  if (k == WRPKRU && checked_gate(info, p, end))
    return;
  /* Once the filter is in place nothing is patched (it refuses the
   * writes): the earlier scans did, so any match left stops the program. */
  int may_patch = s->when != BH_SCAN_FILTERED;
  if (may_patch && k == WRPKRU && a >= s->pkey_set_lo && a < s->pkey_set_hi) {
    patch(s, info, p, 3);
    if (verbose())
      note("bulkhead: made unusable: glibc pkey_set's WRPKRU", info, p);
    return;
  }
  /* xrstor 0x40(%rsp), tested past the opcode: the whole pattern as a
   * constant would itself be XRSTOR bytes in the runtime's code. */
  if (may_patch && k == XRSTOR && info->dlpi_addr == s->ldso && !s->lazy &&
      end - p >= 5 &&
      p[2] == 0x6c && p[3] == 0x24 && p[4] == 0x40) {
    patch(s, info, p, 5);
    if (verbose())
      note("bulkhead: made unusable: ld.so's lazy-binding XRSTOR", info, p);
    return;
  }
  s->unknown++;
  if (env_get("BULKHEAD_ALLOW_DEP_GADGETS")) {
    if (verbose()) {
      bh_write("bulkhead: warning: left usable (BULKHEAD_ALLOW_DEP_GADGETS): ");
      note(bh_pattern_name(k), info, p);
    }
    return;
  }
  bh_fatal("%s+0x%lx holds %s bytes that are no checked gate: a code-reuse "
           "attack could use "
           "them to open every compartment; rebuild that object, or set "
           "BULKHEAD_ALLOW_DEP_GADGETS=1 to run anyway",
           object_name(info), (unsigned long)((uintptr_t)p - info->dlpi_addr),
           bh_pattern_name(k));
}

struct segment {
  struct scan *s;
  struct dl_phdr_info *info;
  const uint8_t *p, *end;
};

static int found(void *ctx, size_t off, int k) {
  struct segment *g = ctx;
  one(g->s, g->info, g->p + off, g->end, k);
  return 0;
}

/* [lo, hi): the pages ld.so maps executable for segment PH. */
static void exec_pages(const struct dl_phdr_info *info, const ElfW(Phdr) *ph,
                       uintptr_t *lo, uintptr_t *hi) {
  uintptr_t a = info->dlpi_addr + ph->p_vaddr;
  *lo = a & ~(uintptr_t)(BH_PAGE - 1);
  *hi = (a + ph->p_memsz + BH_PAGE - 1) & ~(uintptr_t)(BH_PAGE - 1);
}

struct program_code {
  const struct dl_phdr_info *info;
  const uint8_t *mem, *file; /* the segment's pages, as mapped and in the file */
  size_t len;
};

/* Around a match the bytes that make a checked gate of it: the load
 * before, the compare and trap after (BH_GATE_*, at most this far). */
#define GATE_REACH 32

static int changed_found(void *ctx, size_t off, int k) {
  const struct program_code *c = ctx;
  size_t lo = off > GATE_REACH ? off - GATE_REACH : 0;
  size_t hi = c->len - off > GATE_REACH ? off + GATE_REACH : c->len;
  if (!memcmp(c->mem + lo, c->file + lo, hi - lo))
    return 0; /* the file's own: scanned when it was linked */
  bh_fatal("the program's code at +0x%lx holds %s bytes, or bytes around "
           "them, that are not its file's: something changed it before main "
           "(a start-up library's constructor or thread?), and no one "
           "scanned them",
           (unsigned long)((uintptr_t)(c->mem + off) - c->info->dlpi_addr),
           bh_pattern_name(k));
  return 1;
}

/* Where the program's file is mapped from its start: its PT_LOAD at file
 * offset 0 (at dlpi_addr for a PIE, at its own address otherwise). */
static uintptr_t file_base(const struct dl_phdr_info *info) {
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    if (ph->p_type == PT_LOAD && ph->p_offset == 0)
      return (info->dlpi_addr + ph->p_vaddr) & ~(uintptr_t)(BH_PAGE - 1);
  }
  return info->dlpi_addr;
}

/* Every PKRU write in the program's executable pages must be one its file
 * holds at the same place, with the same bytes around it. */
void bh_program_as_linked(const struct dl_phdr_info *info) {
  const char *why = "";
  int fd = bh_object_file_open(getpid(), file_base(info), &why);
  if (fd < 0)
    bh_fatal("cannot read the program's file to check its code: %s", why);
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
      continue;
    uintptr_t lo, hi;
    exec_pages(info, ph, &lo, &hi);
    size_t len = hi - lo;
    /* ld.so maps whole pages of the file: lo is at this offset */
    off_t at = (off_t)ph->p_offset - (off_t)(info->dlpi_addr + ph->p_vaddr - lo);
    uint8_t *file = mmap(NULL, len, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ssize_t got = file == MAP_FAILED || at < 0 ? -1 : pread(fd, file, len, at);
    if (got < 0)
      bh_fatal("cannot read the program's code from its file");
    /* past the file's end the pages hold zeros, as the buffer does */
    struct program_code c = {info, (const uint8_t *)lo, file, len};
    bh_pattern_search(c.mem, len, changed_found, &c);
    munmap(file, len);
  }
  close(fd);
}

static int scan_object(struct dl_phdr_info *info, size_t size, void *arg) {
  (void)size;
  struct scan *s = arg;
  if ((uintptr_t)info->dlpi_phdr == getauxval(AT_PHDR)) {
    /* The program: its link was scanned against its gate manifest, so
     * only bytes that are no longer its file's matter (a constructor or a
     * start-up thread that patched its code, reviews 28 and 37): looked
     * at once the filter keeps them still. */
    if (s->when == BH_SCAN_FILTERED)
      bh_program_as_linked(info);
    return 0;
  }
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    /* Also the code of an object with compartments, executable once it is
     * registered (tools/dso-inert.h). */
    if (ph->p_type != PT_LOAD ||
        !(ph->p_flags & (PF_X | BH_PF_EXEC_AFTER_REGISTRATION)))
      continue;
    /* What ld.so maps executable: whole pages, so also the file bytes
     * around the segment in its first and last page (review 27). */
    uintptr_t lo, hi;
    exec_pages(info, ph, &lo, &hi);
    struct segment g = {s, info, (const uint8_t *)lo, (const uint8_t *)hi};
    bh_pattern_search(g.p, (size_t)(g.end - g.p), found, &g);
  }
  return 0;
}

/* The executable pages of every object in ld.so's list, the program's
 * and the vDSO's included; and the files mapped writable and shared. */
struct covered {
  size_t n;
  struct {
    uintptr_t lo, hi;
  } r[1024];
  const char *exec_stack; /* an object whose PT_GNU_STACK asks for one */
  unsigned long long edge; /* where the last executable mapping ended */
  size_t nw;
  struct {
    unsigned long long ino;
    unsigned maj, min;
  } w[256];
};

static int cover_object(struct dl_phdr_info *info, size_t size, void *arg) {
  (void)size;
  struct covered *c = arg;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    if (ph->p_type == PT_GNU_STACK && (ph->p_flags & PF_X) && !c->exec_stack)
      c->exec_stack = object_name(info);
    if (ph->p_type != PT_LOAD ||
        !(ph->p_flags & (PF_X | BH_PF_EXEC_AFTER_REGISTRATION)))
      continue;
    if (c->n == sizeof c->r / sizeof *c->r)
      bh_fatal("more than %u executable segments loaded at start-up: too "
               "many for the PKRU-write scan",
               (unsigned)(sizeof c->r / sizeof *c->r));
    exec_pages(info, ph, &c->r[c->n].lo, &c->r[c->n].hi);
    c->n++;
  }
  return 0;
}

static int is_covered(const struct covered *c, uintptr_t lo, uintptr_t hi) {
  /* A mapping may span several adjoining segments' pages: cover it piece
   * by piece. */
  for (int moved = 1; lo < hi && moved;) {
    moved = 0;
    for (size_t i = 0; i < c->n; i++)
      if (c->r[i].lo <= lo && lo < c->r[i].hi) {
        lo = c->r[i].hi;
        moved = 1;
      }
  }
  return lo >= hi;
}

static int stray_found(void *ctx, size_t off, int k) {
  const struct bh_map *m = ctx;
  const char *name = m->path[0] ? m->path : "anonymous memory";
  if (env_get("BULKHEAD_ALLOW_DEP_GADGETS")) {
    if (verbose()) {
      char line[512];
      bh_format(line, sizeof line,
                "bulkhead: warning: left usable (BULKHEAD_ALLOW_DEP_GADGETS): "
                "%s at 0x%lx in %s, executable and no object's\n",
                bh_pattern_name(k), (unsigned long)(m->lo + off), name);
      bh_write(line);
    }
    return 0;
  }
  bh_fatal("executable memory at 0x%lx (%s) that no object in ld.so's list "
           "holds has %s bytes: a code-reuse attack could use them to open "
           "every compartment (an object loaded by dlmopen before main?); set "
           "BULKHEAD_ALLOW_DEP_GADGETS=1 to run anyway",
           (unsigned long)(m->lo + off), name, bh_pattern_name(k));
  return 1;
}

static int shared_writable(const struct bh_map *m, void *arg) {
  struct covered *c = arg;
  if (!strchr(m->perms, 'w') || !strchr(m->perms, 's') || !m->ino)
    return 0;
  if (c->nw == sizeof c->w / sizeof *c->w)
    bh_fatal("more than %u shared writable file mappings at start-up: too "
             "many for the executable-memory check",
             (unsigned)(sizeof c->w / sizeof *c->w));
  c->w[c->nw].ino = m->ino, c->w[c->nw].maj = m->maj, c->w[c->nw].min = m->min;
  c->nw++;
  return 0;
}

/* Whether m's file is also mapped writable and shared: a store through
 * that view is code in this one (review 28). */
static int written_elsewhere(const struct covered *c, const struct bh_map *m) {
  for (size_t i = 0; m->ino && i < c->nw; i++)
    if (c->w[i].ino == m->ino && c->w[i].maj == m->maj &&
        c->w[i].min == m->min)
      return 1;
  return 0;
}

/* Executable memory that is no listed object's code (another namespace's
 * objects, code a constructor mapped) is searched whole: any PKRU write
 * there stops the program. Writable and executable memory (a stack made
 * executable because an object's PT_GNU_STACK asks for it) stops it too,
 * and so does executable memory whose file is mapped writable elsewhere
 * or shared (a JIT's double mapping): code written there at run time was
 * never scanned. (reviews 27, 28) */
/* Whether [lo, hi) lies in one object's executable range, which that
 * object's own search reads whole. */
static int in_one_range(const struct covered *c, uintptr_t lo, uintptr_t hi) {
  for (size_t i = 0; i < c->n; i++)
    if (c->r[i].lo <= lo && hi <= c->r[i].hi)
      return 1;
  return 0;
}

static int edge_found(void *ctx, size_t off, int k) {
  const struct bh_map *m = ctx;
  if (env_get("BULKHEAD_ALLOW_DEP_GADGETS"))
    return 0;
  bh_fatal("the executable mappings that meet at 0x%llx (the second %s) "
           "make %s bytes at 0x%llx together: a code-reuse attack could use "
           "them to open every compartment; set BULKHEAD_ALLOW_DEP_GADGETS=1 "
           "to run anyway",
           m->lo, m->path[0] ? m->path : "anonymous", bh_pattern_name(k),
           m->lo - 2 + off);
  return 1;
}

/* A PKRU write split over two adjoining executable mappings is in neither
 * one's search (review 39, attacks-rev39-startup-split.c): the two bytes
 * on each side of such an edge are searched together, unless one
 * object's search reads them whole. */
static void check_edge(struct covered *c, const struct bh_map *m) {
  int exec = strchr(m->perms, 'x') && strcmp(m->path, "[vsyscall]");
  if (exec && c->edge && c->edge == m->lo &&
      !in_one_range(c, (uintptr_t)m->lo - 2, (uintptr_t)m->lo + 2)) {
    const uint8_t *e = (const uint8_t *)(uintptr_t)m->lo;
    uint8_t both[4] = {e[-2], e[-1], e[0], e[1]};
    bh_pattern_search(both, sizeof both, edge_found, (void *)m);
  }
  c->edge = exec ? m->hi : 0;
}

static int check_mapping(const struct bh_map *m, void *arg) {
  struct covered *c = arg;
  /* The vsyscall page is execute-only: fixed system calls. Any other
   * execute-only mapping, an object's too, is refused first: the edge
   * rule and the objects' searches read readable code only (review 41,
   * attacks-rev41-xonly-edge.c: a constructor's PROT_EXEC page, readable
   * all the same since the runtime holds every key). */
  int exec = strchr(m->perms, 'x') && strcmp(m->path, "[vsyscall]");
  if (exec && !strchr(m->perms, 'r'))
    bh_fatal("memory at 0x%llx-0x%llx (%s) is executable and unreadable: "
             "it cannot be searched for PKRU writes",
             m->lo, m->hi, m->path[0] ? m->path : "anonymous");
  check_edge(c, m);
  if (!exec)
    return 0;
  if (strchr(m->perms, 'w')) {
    if (c->exec_stack && !strcmp(m->path, "[stack]"))
      bh_fatal("the stack is executable because %s asks for it "
               "(PT_GNU_STACK); code written there would be no scanned code: "
               "rebuild that object with -z noexecstack",
               c->exec_stack);
    bh_fatal("memory at 0x%llx-0x%llx (%s) is writable and executable: code "
             "written there would be no scanned code",
             m->lo, m->hi, m->path[0] ? m->path : "anonymous");
  }
  if (written_elsewhere(c, m) || (strchr(m->perms, 's') &&
                                   !is_covered(c, (uintptr_t)m->lo,
                                               (uintptr_t)m->hi)))
    bh_fatal("memory at 0x%llx-0x%llx (%s) is executable and its file is "
             "mapped shared or writable too: a store through another view "
             "would be code no one scanned",
             m->lo, m->hi, m->path[0] ? m->path : "anonymous");
  if (is_covered(c, (uintptr_t)m->lo, (uintptr_t)m->hi))
    return 0;
  /* No start-up copy was made of it: a write to its file (a descriptor
   * kept, a new open) would show in the pages, after the search. */
  if (m->path[0] && m->path[0] != '[')
    bh_fatal("memory at 0x%llx-0x%llx (%s) is an executable file mapping no "
             "object in ld.so's list holds (dlmopen, LD_AUDIT, a JIT's "
             "file?): its file could change under it after the checks",
             m->lo, m->hi, m->path);
  bh_pattern_search((const uint8_t *)(uintptr_t)m->lo, m->hi - m->lo,
                    stray_found, (void *)m);
  return 0;
}

static int execute_only(struct dl_phdr_info *info, size_t size, void *arg) {
  (void)size, (void)arg;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    if (ph->p_type == PT_LOAD && (ph->p_flags & PF_X) && !(ph->p_flags & PF_R))
      bh_fatal("%s has execute-only code (a PT_LOAD without PF_R): it cannot "
               "be searched for PKRU writes; link it without execute-only "
               "segments",
               info->dlpi_name[0] ? info->dlpi_name : "the program");
  }
  return 0;
}

void bh_refuse_execute_only(void) { dl_iterate_phdr(execute_only, NULL); }

void bh_check_exec_memory(void) {
  static struct covered c; /* too big for the stack of a constructor */
  c.n = 0, c.nw = 0, c.exec_stack = NULL, c.edge = 0;
  dl_iterate_phdr(cover_object, &c);
  if (bh_each_map("/proc/self/maps", shared_writable, &c) < 0 ||
      bh_each_map("/proc/self/maps", check_mapping, &c) < 0)
    bh_fatal("cannot read /proc/self/maps to find executable memory");
}

/* Not dlopen: before constructors it would run libc's own start-up early,
 * with no environment. */
static void find_pkey_set(struct scan *s) {
  void *f = dlsym(RTLD_NEXT, "pkey_set");
  Dl_info di;
  const ElfW(Sym) *sym = NULL;
  if (f && dladdr1(f, &di, (void **)&sym, RTLD_DL_SYMENT) && sym) {
    s->pkey_set_lo = (uintptr_t)f;
    s->pkey_set_hi = (uintptr_t)f + sym->st_size;
  }
}

/* Every object is searched again at the filter's installation (a record
 * of what the first search covered would be key-0 memory, and one store
 * into it hid an object a constructor loaded: review 28,
 * attacks-rev28-scan-record.c), and once more when the filter is in place
 * (a start-up thread could write code between the search and the filter:
 * review 37). What an earlier search patched is no longer a match. */
void bh_neutralise_gadgets(int when) {
  struct scan s = {.ldso = getauxval(AT_BASE), .fd = -1, .when = when};
  find_pkey_set(&s);
  dl_iterate_phdr(count_lazy, &s.lazy); /* it decides ld.so's XRSTOR */
  dl_iterate_phdr(scan_object, &s);
  if (s.fd >= 0)
    close(s.fd);
  if (when == BH_SCAN_START)
    bh_check_exec_memory();
  if (verbose() && when == BH_SCAN_START) {
    bh_write("bulkhead: dependencies scanned for PKRU writes: ");
    bh_write_num((unsigned)s.patched, 10);
    bh_write(" made unusable, ");
    bh_write_num((unsigned)s.unknown, 10);
    bh_write(" left usable\n");
  }
}
