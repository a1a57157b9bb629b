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
  size_t seen, skip; /* objects visited; how many to pass over */
};

/* What the start-up scan covered: the first objects of ld.so's list, as
 * long as none was unloaded since (later loads are appended). */
static struct {
  size_t objects;
  unsigned long long subs;
} scanned;

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
  if (k == WRPKRU && a >= s->pkey_set_lo && a < s->pkey_set_hi) {
    patch(s, info, p, 3);
    if (verbose())
      note("bulkhead: made unusable: glibc pkey_set's WRPKRU", info, p);
    return;
  }
  /* xrstor 0x40(%rsp), tested past the opcode: the whole pattern as a
   * constant would itself be XRSTOR bytes in the runtime's code. */
  if (k == XRSTOR && info->dlpi_addr == s->ldso && !s->lazy && end - p >= 5 &&
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

static int scan_object(struct dl_phdr_info *info, size_t size, void *arg) {
  (void)size;
  struct scan *s = arg;
  scanned.objects = ++s->seen;
  scanned.subs = info->dlpi_subs;
  if (s->seen <= s->skip)
    return 0;
  if ((uintptr_t)info->dlpi_phdr == getauxval(AT_PHDR))
    return 0; /* the program: its link was scanned against its gate manifest */
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    /* Also the code of an object with compartments, executable once it is
     * registered (tools/dso-inert.h). */
    if (ph->p_type != PT_LOAD ||
        !(ph->p_flags & (PF_X | BH_PF_EXEC_AFTER_REGISTRATION)))
      continue;
    const uint8_t *p = (const uint8_t *)(info->dlpi_addr + ph->p_vaddr);
    struct segment g = {
        s, info, p,
        p + (ph->p_filesz < ph->p_memsz ? ph->p_filesz : ph->p_memsz)};
    bh_pattern_search(p, (size_t)(g.end - p), found, &g);
  }
  return 0;
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

static int subs_now(struct dl_phdr_info *info, size_t size, void *arg) {
  (void)size;
  *(unsigned long long *)arg = info->dlpi_subs;
  return 1;
}

void bh_neutralise_gadgets(int later) {
  struct scan s = {.ldso = getauxval(AT_BASE), .fd = -1};
  unsigned long long subs = 0;
  dl_iterate_phdr(subs_now, &subs);
  if (later && scanned.objects && subs == scanned.subs)
    s.skip = scanned.objects;
  find_pkey_set(&s);
  dl_iterate_phdr(count_lazy, &s.lazy); /* it decides ld.so's XRSTOR */
  dl_iterate_phdr(scan_object, &s);
  if (s.fd >= 0)
    close(s.fd);
  if (verbose() && !later) {
    bh_write("bulkhead: dependencies scanned for PKRU writes: ");
    bh_write_num((unsigned)s.patched, 10);
    bh_write(" made unusable, ");
    bh_write_num((unsigned)s.unknown, 10);
    bh_write(" left usable\n");
  }
}
