/*
 * heap.c - compartment heaps. malloc and friends called from compartment code
 * allocate from that compartment's private heap: pages tagged with its
 * protection key, managed by mimalloc. See docs/heaps.md.
 *
 * The functions here are defined in the executable, so they preempt both libc
 * and libmimalloc.so (which the driver links right after the runtime). Each
 * call finds the caller's domain from PKRU:
 *
 *   default domain   -> the process-wide mimalloc (libmimalloc.so as linked);
 *   compartment C    -> a private copy of libmimalloc loaded for C alone
 *                       (dlopen of an in-memory copy of the library, so the
 *                       copy has its own globals, thread state and abandoned
 *                       segment lists), allocating only in C's region through
 *                       its one heap, which C's threads use in turn. All of
 *                       the copy's state is on C's key (struct cheap).
 *
 * Why one mimalloc copy per compartment: all heaps of one mimalloc share the
 * thread's segment bookkeeping (free span queues, the global list of segments
 * abandoned by exited threads), and mimalloc walks those lists on ordinary
 * allocations. Compartment segments keep their metadata on their own pages,
 * so a single shared mimalloc would read C's pages while running with another
 * domain's rights and fault. With a copy per compartment, every segment a
 * copy ever touches belongs to its compartment (or is default-domain memory,
 * which every domain may access).
 *
 * free/realloc/malloc_usable_size find the owner from the address: all
 * compartment regions are slices of one reservation.
 */
#define _GNU_SOURCE
#include "../include/bulkhead.h"
#include "gate.h"
#include "internal.h"
#include "spawn.h"
#include "syscalls.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <link.h>
#include <mimalloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define SEGMENT_ALIGN ((uintptr_t)32 << 20) /* mimalloc 2.0 segment size */
/* Virtual size of each compartment's region; pages cost memory only once
 * touched. At least two segments: the arena and the metadata area. */
#define DEFAULT_HEAP_MB (64u << 10)
#define MIN_HEAP_MB 64u

/* The functions of one loaded copy of libmimalloc that the runtime uses
 * after set-up. Each takes the heap explicitly: none reads the copy's
 * per-thread default heap (key-0 TLS), see struct cheap. */
struct mi_api {
  void *(*heap_malloc)(mi_heap_t *, size_t);
  void *(*heap_calloc)(mi_heap_t *, size_t, size_t);
  void *(*heap_realloc)(mi_heap_t *, void *, size_t);
  void *(*heap_malloc_aligned)(mi_heap_t *, size_t, size_t);
  void (*free)(void *);
  size_t (*usable_size)(const void *);
  bool (*manage)(void *, size_t, bool, bool, bool, int, bool, mi_arena_id_t *);
};

/* One compartment's heap. All of its allocator's state that its malloc
 * trusts is on pages its key protects: the copy's writable data (globals:
 * the heap below, its thread data, the arena table, the abandoned-segment
 * list, options, callbacks), tagged at set-up; the arena descriptor, in
 * the metadata area at the end of the region; segment and page headers,
 * in the arena. One heap per compartment, shared by its threads in turn
 * (the lock in the metadata area): per-thread heaps would be found through
 * the copy's per-thread default heap, a key-0 TLS word that any domain can
 * point at a forged heap (found in review). */
struct cheap {
  struct mi_api mi;
  mi_heap_t *heap;            /* the copy's main heap, in its tagged data */
  uintptr_t code_lo, code_hi; /* the copy's code: whose OS calls these are */
  uintptr_t data_lo, data_hi; /* its writable data, tagged (not RELRO) */
  uintptr_t relro_lo, relro_hi;
  int ok;
  char why[96]; /* when !ok: why the heap could not be set up */
};

/* The end of each compartment's region holds its allocator's own
 * memory: this header (its first pages, META_HEAD), then what the copy
 * maps for itself (copy_mmap without MAP_FIXED: its arena descriptor). Never reused, so
 * always zero when handed out, as mimalloc expects of fresh OS memory. */
#define META_SIZE SEGMENT_ALIGN
struct meta {
  struct bh_lock lock; /* the heap's current user */
  int managed;    /* the copy has the region (a late heap: at first use) */
  uintptr_t next; /* next free byte for the copy's own mappings, 0: none yet */
  uint32_t forked; /* the thread holding this lock for a fork (bh_heap_fork) */
};
/* The header's pages: struct meta, then at EXC_LIST_AT the table of the
 * compartment's C++ exception blocks (exceptions.c). */
#define EXC_LIST_AT 64
#define META_HEAD                                                              \
  ((EXC_LIST_AT + sizeof(struct bh_exc_list) + BH_PAGE - 1) &                  \
   ~(uintptr_t)(BH_PAGE - 1))

/* All run-time heap state, on a page of its own that is read-only once set
 * up (before main): it holds function pointers.
 *
 * Heaps are numbered like their regions: heap h's region is at base +
 * h * slice and its copy is c[h]. The program's compartments' heaps are
 * 0..n-1 (heap i is compartment i's), and so are those bh_heap_add adds
 * without the filter. A hardened program also prepares at start-up one
 * heap per reserved key: heap n + s, for reserved_key[s], its copy sealed
 * with that key. A compartment registered later has the heap of its key's
 * slot (heap_index): its descriptor, bh_state and this page, all
 * read-only, decide it. */
struct heap_rt {
  int ready;             /* set-up finished (or nothing to set up) */
  unsigned n;            /* compartments with a region */
  unsigned late;         /* heaps n..n+late-1: one per reserved key */
  unsigned cap;          /* regions reserved: n, and those for later */
  uintptr_t base, slice; /* region of compartment i: base + i * slice */
  struct {
    uintptr_t lo, hi;
  } shared_code[4]; /* see shared_libraries */
  struct cheap c[BH_MAX_COMPARTMENTS];
  struct cheap dflt; /* the default domain's libmimalloc: its code range */
};
BH_HIDDEN union {
  struct heap_rt r;
  char page[BH_PAGE];
} bh_heap_rt __attribute__((aligned(BH_PAGE)));
_Static_assert(sizeof(struct heap_rt) <= BH_PAGE, "heap state exceeds a page");
#define RT (bh_heap_rt.r)

/* Per thread: whether the runtime is doing its own heap work. Key-0 TLS,
 * so any domain can write it: it must never decide where a compartment's
 * allocation comes from (see alloc_index). The runtime keeps no per-thread
 * heap pointer. Global (hidden) only so that
 * test/runtime/attacks-heap-busy.c can name it. */
struct heap_tls {
  int busy; /* inside the runtime's own heap work: allocate shared */
};
BH_HIDDEN __attribute__((used)) __thread struct heap_tls
    heap_tls_storage __asm__("__bulkhead_heap_tls");

/* Written with a compartment's rights (record mode), so it is addressed
 * %fs-relative only, at its offset from the GOT (read-only) or the linker:
 * the compiler would otherwise reuse its address, computed from the thread
 * pointer at %fs:0, which any domain can rewrite to move these words into
 * the compartment's own memory (threat-model.md, "errno and the thread
 * pointer"). */
typedef struct heap_tls __attribute__((address_space(257))) fs_heap_tls;
static inline fs_heap_tls *heap_tls_fs(void) {
  uintptr_t off;
  __asm__("movq __bulkhead_heap_tls@gottpoff(%%rip), %0" : "=r"(off));
  return (fs_heap_tls *)off;
}
#define tls (*heap_tls_fs())

static pthread_mutex_t setup_lock = PTHREAD_MUTEX_INITIALIZER;

extern void __cxa_finalize(void *);

/* ------------------------------------------------------------ domains */

static inline int current_index(void) { return bh_current_compartment(); }

static inline int in_range(uintptr_t a, uintptr_t lo, uintptr_t hi) {
  return a >= lo && a < hi;
}

/* Which heap a fresh allocation comes from: the compartment whose rights the
 * caller holds, except for the allocations of the C and C++ runtime
 * libraries themselves (stdio buffers, TLS blocks, dlopen state, C++
 * exception objects...), which are shared process state and must stay
 * reachable from every domain, and those the sharing policy asks for
 * (share.c). */
static inline int alloc_index(const void *ret) {
  int i = current_index();
  /* `busy` routes the runtime's own allocations (the recorder's unwinder)
   * to the shared heap. It is key-0 memory: with a compartment's rights it
   * counts only in record mode, a profiling mode on a read-only flag
   * (found in review: one write of it made a thread's compartment
   * allocations shared). The runtime's other work with a compartment's
   * rights allocates only from libc and ld.so, matched below. */
  if (i < 0 || (tls.busy && bh_state->record))
    return -1;
  uintptr_t a = (uintptr_t)ret;
  for (int k = 0; k < 4; k++)
    if (in_range(a, RT.shared_code[k].lo, RT.shared_code[k].hi))
      return -1;
  return bh_share_active(i) ? -1 : i;
}

/* The heap of compartment i: i itself, or for a compartment registered
 * under the filter the heap of its key's slot; -1: none. */
static int heap_index(int i) {
  if ((unsigned)i < RT.n)
    return i;
  if ((size_t)i >= bh_domain_count())
    return -1;
  int key = bh_domain_at((size_t)i)->pkey;
  for (unsigned s = 0; s < RT.late; s++)
    if (bh_state->reserved_key[s] == key)
      return (int)(RT.n + s);
  return -1;
}

/* The compartment that heap h is, or -1: for a late heap, the one whose
 * key is its slot's (none before the supervisor gives that key). */
static int compartment_of_heap(int h) {
  if (h < 0 || (unsigned)h < RT.n)
    return h;
  int key = bh_state->reserved_key[h - (int)RT.n];
  for (size_t i = RT.n; i < bh_domain_count(); i++)
    if (bh_domain_at(i)->pkey == key)
      return (int)i;
  return -1;
}

/* The heap whose region holds p, or -1. */
static inline int heap_at(const void *p) {
  uintptr_t off = (uintptr_t)p - RT.base;
  if (!RT.base || off >= (uintptr_t)(RT.n + RT.late) * RT.slice)
    return -1;
  return (int)(off / RT.slice);
}

/* The compartment whose heap's region holds p, or -1. */
static inline int owner_of(const void *p) {
  int h = heap_at(p);
  return (unsigned)h < RT.n ? h : compartment_of_heap(h);
}

/* For the rest of the runtime (internal.h). */
int bh_heap_owner(const void *p) { return owner_of(p); }
void bh_heap_region(uintptr_t *lo, uintptr_t *hi) {
  *lo = RT.base, *hi = RT.base + (uintptr_t)RT.n * RT.slice;
}
void bh_heap_reserved(uintptr_t *lo, uintptr_t *hi) {
  *lo = RT.base + (uintptr_t)RT.n * RT.slice;
  *hi = RT.base + (uintptr_t)RT.cap * RT.slice;
  if (!RT.base)
    *lo = *hi = 0;
}
int bh_heap_reserved_slot(int s, uintptr_t *lo, uintptr_t *hi) {
  uintptr_t rlo, rhi;
  bh_heap_reserved(&rlo, &rhi);
  if (rhi <= rlo || s < 0 || s >= bh_state->reserved_keys)
    return *lo = *hi = 0, -1;
  uintptr_t slice = (rhi - rlo) / (uintptr_t)bh_state->reserved_keys;
  *lo = rlo + (uintptr_t)s * slice, *hi = *lo + slice;
  return 0;
}
int bh_heap_overlaps(uintptr_t a, uintptr_t b) {
  /* The whole reservation: the regions of compartments registered later
   * (each slot's, given or not) are compartment memory too. */
  uintptr_t lo = RT.base, hi = RT.base + (uintptr_t)RT.cap * RT.slice;
  if (RT.base && a < hi && lo < b)
    return 1;
  for (unsigned h = 0; h < RT.n + RT.late; h++)
    if (a < RT.c[h].data_hi && RT.c[h].data_lo < b)
      return 1;
  return 0;
}

void bh_heap_keyed(int i, uintptr_t r[4]) {
  int h = heap_index(i);
  r[0] = RT.base, r[1] = RT.base ? RT.base + (uintptr_t)RT.cap * RT.slice : 0;
  r[2] = r[3] = 0;
  if (h >= 0 && (unsigned)h < RT.n + RT.late)
    r[2] = RT.c[h].data_lo, r[3] = RT.c[h].data_hi;
}

int bh_heap_copy_key(uintptr_t a) {
  for (unsigned h = 0; h < RT.n + RT.late; h++)
    if (RT.c[h].data_lo <= a && a < RT.c[h].data_hi)
      return h < RT.n ? bh_domain_at(h)->pkey : bh_state->reserved_key[h - RT.n];
  return 0;
}

static const char *cname(int i) { return bh_domain_at((size_t)i)->name; }

/* Heap h's compartment's name, for messages. */
static const char *hname(int h) {
  int i = compartment_of_heap(h);
  return i < 0 ? "(a compartment not yet registered)" : cname(i);
}

/* --------------------------------------------------------------- errors */

/* "the default domain" or "compartment 'NAME'", in buf. */
static const char *domain_words(char *buf, size_t cap, int i) {
  if (i < 0)
    return "the default domain";
  bh_format(buf, cap, "compartment '%s'", cname(i));
  return buf;
}

/* Touching another domain's heap block would fault (or, from a domain that
 * may, corrupt that heap's bookkeeping): stop with one clear line. */
__attribute__((noinline, noreturn, cold)) static void
foreign(const char *fn, int owner, int caller) {
  char who[128];
  bh_fatal_abort("%s of memory owned by compartment '%s' from %s", fn,
                 cname(owner), domain_words(who, sizeof who, caller));
}

__attribute__((noinline, noreturn, cold)) static void strays(int h,
                                                             const void *p) {
  bh_fatal_abort("the allocator of compartment '%s' returned memory outside "
                 "its heap (%p); its bookkeeping is corrupt",
                 hname(h), p);
}

__attribute__((noinline, noreturn, cold)) static void no_heap(int i, int h) {
  /* Without prepared heaps, bh_heap_add noted why in c[i]. */
  if (h < 0 && !RT.late && i < BH_MAX_COMPARTMENTS)
    h = i;
  bh_fatal("compartment '%s' has no heap: %s", cname(i),
           h < 0            ? "none was prepared for its key at start-up"
           : RT.c[h].why[0] ? RT.c[h].why
                            : "its heap was not set up");
}

/* --------------------------------------------------------------- set-up */

static void fail(struct cheap *c, const char *what, int err) {
  snprintf(c->why, sizeof c->why, "%s%s%s", what, err ? ": " : "",
           err ? strerror(err) : "");
}

/* The libraries whose own allocations are shared process state, in the
 * order of RT.shared_code: libc, the dynamic linker, and the C++ runtime
 * (exception objects thrown in one domain are caught in another). */
static const char *const shared_libraries[4] = {"libc.so", "ld-linux",
                                                "libstdc++.so", "libgcc_s.so"};

static int find_code(struct dl_phdr_info *info, size_t size, void *arg) {
  (void)size, (void)arg;
  const char *name = info->dlpi_name ? strrchr(info->dlpi_name, '/') : NULL;
  name = name ? name + 1 : info->dlpi_name;
  int k = 0;
  while (k < 4 && !(name && !strncmp(name, shared_libraries[k],
                                     strlen(shared_libraries[k]))))
    k++;
  if (k == 4)
    return 0;
  uintptr_t *lo = &RT.shared_code[k].lo, *hi = &RT.shared_code[k].hi;
  for (int j = 0; j < info->dlpi_phnum; j++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[j];
    if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
      continue;
    uintptr_t a = info->dlpi_addr + ph->p_vaddr;
    if (!*lo || a < *lo)
      *lo = a;
    if (a + ph->p_memsz > *hi)
      *hi = a + ph->p_memsz;
  }
  return 0;
}

/* Loads a private copy of libmimalloc: dlopen refuses to load a file twice,
 * so load it from a fresh in-memory file. RTLD_DEEPBIND binds the copy's
 * calls of its own exported functions to itself, not to the first copy. */
static void *load_copy(const char *path, struct cheap *c, int *fd_out) {
  int src = open(path, O_RDONLY | O_CLOEXEC);
  if (src < 0)
    return fail(c, "cannot open libmimalloc", errno), NULL;
  struct stat st;
  int fd = memfd_create("bulkhead-mimalloc", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0 || fstat(src, &st)) {
    fail(c, "memfd_create", errno);
    close(src);
    return NULL;
  }
  off_t off = 0;
  while (off < st.st_size) {
    ssize_t k = sendfile(fd, src, &off, (size_t)(st.st_size - off));
    if (k <= 0) {
      fail(c, "cannot copy libmimalloc", k < 0 ? errno : EIO);
      close(src), close(fd);
      return NULL;
    }
  }
  close(src);
  /* Sealed: the copy's pages not yet copied on write are the file's, and
   * the file is reachable again through /proc/self/map_files (review 3:
   * truncating and rewriting it replaced the vault's allocator data). */
  if (fcntl(fd, F_ADD_SEALS,
            F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL)) {
    fail(c, "cannot seal the libmimalloc copy", errno);
    close(fd);
    return NULL;
  }
  /* ld.so takes a name it loaded before for that object: a copy loaded
   * after start-up (dlopen.c) may get the number of an earlier copy's
   * closed descriptor, so the name gets leading slashes until it is new. */
  char name[96];
  for (int k = 0; k < 32; k++) {
    snprintf(name, sizeof name, "%.*s/proc/self/fd/%d", k,
             "////////////////////////////////", fd);
    void *old = dlopen(name, RTLD_NOW | RTLD_NOLOAD);
    if (!old)
      break;
    dlclose(old);
  }
  void *h = dlopen(name, RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
  if (!h) {
    const char *e = dlerror();
    snprintf(c->why, sizeof c->why, "dlopen of a libmimalloc copy: %s",
             e ? e : "?");
    close(fd);
    return NULL;
  }
  *fd_out = fd; /* open until every copy is loaded: its name must stay unique */
  return h;
}

#define SYM(h, field, name) (*(void **)&c->mi.field = dlsym(h, name)) != NULL

static int bind_copy(void *h, struct cheap *c) {
  if (!(SYM(h, heap_malloc, "mi_heap_malloc") &&
        SYM(h, heap_calloc, "mi_heap_calloc") &&
        SYM(h, heap_realloc, "mi_heap_realloc") &&
        SYM(h, heap_malloc_aligned, "mi_heap_malloc_aligned") &&
        SYM(h, free, "mi_free") && SYM(h, usable_size, "mi_usable_size") &&
        dlsym(h, "mi_heap_get_backing") && dlsym(h, "mi_option_set") &&
        SYM(h, manage, "mi_manage_os_memory_ex"))) {
    fail(c, "libmimalloc lacks the arena API (need mimalloc >= 2.0.7)", 0);
    return 0;
  }
  /* Truly a separate copy: not the process-wide one, nor another's. */
  if ((void *)c->mi.free == dlsym(RTLD_DEFAULT, "mi_free")) {
    fail(c, "the dynamic linker did not load a separate libmimalloc", 0);
    return 0;
  }
  for (struct cheap *o = RT.c; o < c; o++)
    if (o->ok && o->mi.free == c->mi.free) {
      fail(c, "the dynamic linker did not load a separate libmimalloc", 0);
      return 0;
    }
  return 1;
}

/* ---------------------------------------------- the copies' OS calls */

/* Each copy's mmap, munmap, mprotect and madvise come here (its GOT is
 * rewritten at load, below), and so do the default domain's allocator's
 * (index -1: it has no region, so only the rule for outside applies). Its
 * bookkeeping decides where it commits and decommits: when a copy's was
 * key-0 memory, pointed at the descriptors, its commit (an mprotect) made
 * them writable (found in review); the default domain's still is. So, as
 * a second line: in its compartment's region, protection changes keep that
 * compartment's key; outside, only memory that is no compartment's and no
 * loaded object's, never executable; a failed call that changes rights
 * stops the process rather than leave pages half-changed. */
static int copy_of(uintptr_t pc) {
  for (unsigned h = 0; h < RT.n + RT.late; h++)
    if (in_range(pc, RT.c[h].code_lo, RT.c[h].code_hi))
      return (int)h;
  if (in_range(pc, RT.dflt.code_lo, RT.dflt.code_hi))
    return -1; /* the default domain's allocator: it has no region */
  bh_fatal("a memory-management call through a heap copy's "
           "table from elsewhere");
}

/* "the default domain" or "compartment 'NAME'" for heap h (-1: the
 * default domain's allocator), in buf. */
static const char *heap_words(char *buf, size_t cap, int h) {
  if (h < 0)
    return "the default domain";
  bh_format(buf, cap, "compartment '%s'", hname(h));
  return buf;
}

/* Whether [a, a + len) lies in heap i's region (1), is memory the
 * copy may touch outside it (0), or neither: then the process stops. */
static int where(int i, const char *call, void *a, size_t len, int prot,
                 int inside_ok) {
  uintptr_t lo = RT.base + (uintptr_t)i * RT.slice, p = (uintptr_t)a;
  if (i >= 0 && inside_ok && p >= lo && len <= RT.slice &&
      p - lo <= RT.slice - len)
    return 1;
  if (!(prot & PROT_EXEC) && bh_may_unmap(a, len))
    return 0;
  char who[128];
  bh_fatal("the allocator of %s called %s on 0x%lx, outside its heap; its "
           "bookkeeping is corrupt",
           heap_words(who, sizeof who, i), call, (unsigned long)p);
}

static __attribute__((noreturn)) void os_failed(int i, const char *call) {
  char who[128];
  const char *why = strerror(errno);
  bh_fatal("%s failed for the heap of %s: %s", call,
           heap_words(who, sizeof who, i), why);
}

/* Heap i's metadata area: [lo, hi), its header at lo. */
static inline struct meta *meta_of(int i) {
  return (struct meta *)(RT.base + (uintptr_t)(i + 1) * RT.slice - META_SIZE);
}

static inline int in_meta(int i, uintptr_t a, size_t len) {
  uintptr_t lo = (uintptr_t)meta_of(i);
  return a >= lo && len <= META_SIZE && a - lo <= META_SIZE - len;
}

static __attribute__((noreturn)) void os_refused(int i, const char *call,
                                                 void *a) {
  bh_fatal("the allocator of compartment '%s' called %s on its metadata "
           "area (0x%lx); its bookkeeping is corrupt",
           hname(i), call, (unsigned long)a);
}

/* No thread of a copy keeps pthread-specific data: mimalloc's thread-exit
 * destructor would run with the exiting thread's rights, not the
 * compartment's, on the copy's tagged globals. The copy never reads it
 * back (its default heap is in TLS). */
static int copy_setspecific(pthread_key_t k, const void *v) {
  (void)k, (void)v;
  return 0;
}

/* What the copy's .fini_array runs at exit, instead of its own (which
 * reads its tagged data with the default domain's rights): nothing. A
 * compartment's heap needs no clean-up when the process ends. */
static void copy_fini(void) {}

/* In the region, plain mprotect: a page keeps its key through it (unless
 * made execute-only, which the region never is), and pkey_mprotect is the
 * runtime's at start-up only (the system-call filter refuses it later). */
static int keep_key(int i, void *a, size_t len, int prot) {
  (void)i;
  return mprotect(a, len, prot & ~PROT_EXEC);
}

static int copy_mprotect(void *a, size_t len, int prot) {
  int i = copy_of((uintptr_t)__builtin_return_address(0));
  if (i >= 0 && in_meta(i, (uintptr_t)a, len))
    os_refused(i, "mprotect", a);
  int in = where(i, "mprotect", a, len, prot, 1);
  if (in ? keep_key(i, a, len, prot) : mprotect(a, len, prot))
    os_failed(i, "mprotect");
  return 0;
}

/* Fresh memory for compartment i's copy (its arena descriptor): from the
 * metadata area, on the compartment's key, instead of key-0 memory that
 * any domain could rewrite. Runs with i's rights, as every call of the
 * copy does. */
static void *meta_alloc(int i, size_t len, int flags, int fd) {
  struct meta *m = meta_of(i);
  uintptr_t lo = (uintptr_t)m + META_HEAD, hi = (uintptr_t)m + META_SIZE;
  uintptr_t at = m->next ? m->next : lo;
  size_t n = (len + BH_PAGE - 1) & ~(uintptr_t)(BH_PAGE - 1);
  if (!(flags & MAP_ANONYMOUS) || fd != -1 || n < len || at < lo || at > hi ||
      n > hi - at)
    return errno = ENOMEM, MAP_FAILED;
  m->next = at + n;
  return (void *)at;
}

static void *copy_mmap(void *a, size_t len, int prot, int flags, int fd,
                       off_t off) {
  int i = copy_of((uintptr_t)__builtin_return_address(0));
  if (!(flags & MAP_FIXED)) {
    if (i >= 0) /* the copy's own memory: on its compartment's key */
      return meta_alloc(i, len, flags, fd);
    return mmap(a, len, prot & ~PROT_EXEC, flags, fd, off);
  }
  if (i >= 0 && in_meta(i, (uintptr_t)a, len))
    os_refused(i, "mmap", a);
  int in = where(i, "mmap", a, len, prot, 1);
  /* A decommit, mmap(MAP_FIXED, PROT_NONE), in the region becomes an
   * mprotect: a new mapping would have key 0, and the system-call filter
   * refuses mapping over a compartment's heap. The pages keep their
   * contents (mimalloc never takes committed memory for zeroed). */
  if (in) {
    if (!(flags & MAP_ANONYMOUS) || keep_key(i, a, len, prot))
      os_failed(i, "mmap");
    return a;
  }
  void *m = mmap(a, len, prot, flags, fd, off);
  if (m != a)
    os_failed(i, "mmap");
  return m;
}

static int copy_munmap(void *a, size_t len) {
  int i = copy_of((uintptr_t)__builtin_return_address(0));
  if (i >= 0 && in_meta(i, (uintptr_t)a, len))
    return 0; /* kept: metadata memory is never handed out twice */
  where(i, "munmap", a, len, 0, 0); /* the region is not the copy's to unmap */
  if (munmap(a, len))
    os_failed(i, "munmap");
  return 0;
}

static int copy_madvise(void *a, size_t len, int advice) {
  int i = copy_of((uintptr_t)__builtin_return_address(0));
  if (i >= 0 && in_meta(i, (uintptr_t)a, len))
    return 0; /* live metadata: never advised away */
  int in = where(i, "madvise", a, len, 0, 1);
  /* With the system-call filter on, a compartment's heap is never advised
   * away (MADV_DONTNEED would zero live data for whoever asks): freed
   * pages stay resident. */
  if (in && bh_policy->on)
    return 0;
  return madvise(a, len, advice); /* grants nothing: errors go back */
}

/* Points the copy's GOT entries of these four functions at the wrappers
 * above. The GOT is read-only (RELRO): written through /proc/self/mem.
 * For a compartment's copy (dso != NULL) also: its pthread_setspecific
 * and its .fini_array entries become the runtime's no-ops, and *dso is
 * its __dso_handle, under which it registered its exit handler. */
static int hook_os_calls(const struct link_map *lm, struct cheap *c,
                         void **dso) {
  const ElfW(Sym) *sym = NULL;
  const char *str = NULL;
  const ElfW(Rela) * rel[2] = {NULL, NULL};
  size_t size[2] = {0, 0}, fini_size = 0;
  uintptr_t fini = 0;
  for (const ElfW(Dyn) *d = lm->l_ld; d->d_tag != DT_NULL; d++) {
    /* glibc has relocated these pointers in place, except for a zero base */
    uintptr_t v =
        d->d_un.d_ptr < lm->l_addr ? d->d_un.d_ptr + lm->l_addr : d->d_un.d_ptr;
    switch (d->d_tag) {
    case DT_SYMTAB:
      sym = (const ElfW(Sym) *)v;
      break;
    case DT_STRTAB:
      str = (const char *)v;
      break;
    case DT_JMPREL:
      rel[0] = (const ElfW(Rela) *)v;
      break;
    case DT_PLTRELSZ:
      size[0] = d->d_un.d_val;
      break;
    case DT_RELA:
      rel[1] = (const ElfW(Rela) *)v;
      break;
    case DT_RELASZ:
      size[1] = d->d_un.d_val;
      break;
    case DT_FINI_ARRAY:
      fini = v;
      break;
    case DT_FINI_ARRAYSZ:
      fini_size = d->d_un.d_val;
      break;
    }
  }
  /* The first four must be there. The copy runs with its compartment's
   * rights, so libc's TLS accessors it calls (errno, toupper's table) are
   * the runtime's, which do not trust the thread pointer at %fs:0 (tls.c). */
#define LIBC_NAME(i, libc, ours) #libc,
  static const char *const names[] = {
      "mmap", "munmap", "mprotect", "madvise",
      BH_TLS_ACCESSORS(LIBC_NAME) "pthread_setspecific"};
  void *const to[] = {(void *)copy_mmap,     (void *)copy_munmap,
                      (void *)copy_mprotect, (void *)copy_madvise,
                      bh_tls_accessor(0),    bh_tls_accessor(1),
                      bh_tls_accessor(2),    bh_tls_accessor(3),
                      bh_tls_accessor(4),    (void *)copy_setspecific};
#undef LIBC_NAME
  _Static_assert(sizeof to / sizeof *to == sizeof names / sizeof *names,
                 "one each");
  int n_names = (int)(sizeof names / sizeof *names) - (dso ? 0 : 1);
  int fd = open("/proc/self/mem", O_RDWR | O_CLOEXEC), found = 0;
  if (fd < 0 || !sym || !str)
    return fail(c, "cannot rewrite a libmimalloc copy's system calls", errno),
           0;
#define PUT(addr, value)                                                       \
  do {                                                                         \
    void *v_ = (value);                                                        \
    if (pwrite(fd, &v_, sizeof v_, (off_t)(addr)) != sizeof v_) {              \
      close(fd);                                                               \
      return fail(c, "cannot rewrite a libmimalloc copy's system calls",       \
                  errno),                                                      \
             0;                                                                \
    }                                                                          \
  } while (0)
  if (dso)
    *dso = NULL;
  for (int t = 0; t < 2; t++)
    for (size_t k = 0; rel[t] && k < size[t] / sizeof(ElfW(Rela)); k++) {
      const ElfW(Rela) *r = &rel[t][k];
      unsigned type = ELF64_R_TYPE(r->r_info);
      /* __dso_handle: the one word that is relocated to its own address */
      if (dso && type == R_X86_64_RELATIVE &&
          (uintptr_t)r->r_addend == r->r_offset)
        *dso = (void *)(lm->l_addr + r->r_offset);
      if (type != R_X86_64_JUMP_SLOT && type != R_X86_64_GLOB_DAT)
        continue;
      const char *name = str + sym[ELF64_R_SYM(r->r_info)].st_name;
      for (int n = 0; n < n_names; n++)
        if (!strcmp(name, names[n])) {
          PUT(lm->l_addr + r->r_offset, to[n]);
          found |= 1 << n;
        }
    }
  for (size_t k = 0; dso && fini && k < fini_size / sizeof(void *); k++)
    PUT(fini + k * sizeof(void *), (void *)copy_fini);
#undef PUT
  close(fd);
  if ((found & 15) != 15)
    return fail(c,
                "a libmimalloc copy calls mmap/munmap/mprotect/madvise other "
                "than through its GOT",
                0),
           0;
  if (dso && !*dso)
    return fail(c, "cannot find a libmimalloc copy's __dso_handle", 0), 0;
  return 1;
}

struct copy_lookup {
  struct link_map *lm;
  struct cheap *c;
};

/* The code of the copy whose link map is lm, into c's code_lo/code_hi. */
static int copy_code(struct dl_phdr_info *info, size_t size, void *arg) {
  (void)size;
  struct copy_lookup *l = arg;
  struct cheap *c = l->c;
  if (info->dlpi_addr != l->lm->l_addr)
    return 0;
  for (int j = 0; j < info->dlpi_phnum; j++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[j];
    uintptr_t a = info->dlpi_addr + ph->p_vaddr;
    if (ph->p_type == PT_GNU_RELRO)
      c->relro_lo = a, c->relro_hi = a + ph->p_memsz;
    if (ph->p_type == PT_LOAD && (ph->p_flags & PF_W)) {
      if (c->data_hi) /* one writable segment, as ld lays them out */
        return c->data_lo = c->data_hi = 0, 1;
      c->data_lo = a, c->data_hi = a + ph->p_memsz;
    }
    if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
      continue;
    if (!c->code_lo || a < c->code_lo)
      c->code_lo = a;
    if (a + ph->p_memsz > c->code_hi)
      c->code_hi = a + ph->p_memsz;
  }
  return 1;
}

/* Makes the loaded copy c the compartment's (key pkey) for good, before
 * any of its memory is tagged: its exit handler (an atexit entry under its
 * __dso_handle) runs now, with nothing to do yet, rather than at exit with
 * the default domain's rights; its thread-exit key is deleted (no thread
 * ever has a value for it: copy_setspecific); its main heap, the one the
 * compartment will use, is noted; it allocates only from its arena; then
 * its writable data (all but RELRO, which is read-only) get the key. */
static int seal_copy(void *h, struct cheap *c, void *dso, int pkey) {
  mi_heap_t *(*backing)(void) =
      (mi_heap_t * (*)(void)) dlsym(h, "mi_heap_get_backing");
  void (*option_set)(mi_option_t, long) =
      (void (*)(mi_option_t, long))dlsym(h, "mi_option_set");
  __cxa_finalize(dso);
  /* This thread loaded the copy, so is its main thread: the heap is the
     copy's static main heap, in its data. Found through the copy's TLS,
     trustworthy before main (nothing else has run). */
  mi_heap_t *heap = backing();
  uintptr_t lo = c->relro_hi > c->data_lo
                     ? c->relro_hi & ~(uintptr_t)(BH_PAGE - 1)
                     : c->data_lo & ~(uintptr_t)(BH_PAGE - 1);
  uintptr_t hi = (c->data_hi + BH_PAGE - 1) & ~(uintptr_t)(BH_PAGE - 1);
  if (!c->data_hi || !in_range((uintptr_t)heap, lo, hi))
    return fail(c, "a libmimalloc copy's main heap is not in its data", 0), 0;
  /* Its thread-exit destructor holds this thread's main heap: found by
     value, then deleted, so glibc never calls it. */
  pthread_key_t k = 0;
  while (k < PTHREAD_KEYS_MAX && pthread_getspecific(k) != heap)
    k++;
  if (k == PTHREAD_KEYS_MAX || pthread_key_delete(k))
    return fail(c, "cannot find a libmimalloc copy's thread key", 0), 0;
  option_set(mi_option_limit_os_alloc, 1);
  if (syscall(SYS_pkey_mprotect, (void *)lo, hi - lo, PROT_READ | PROT_WRITE,
              pkey))
    return fail(c, "pkey_mprotect of a libmimalloc copy's data", errno), 0;
  c->heap = heap, c->data_lo = lo, c->data_hi = hi;
  return 1;
}

/* BULKHEAD_HEAP_MB: each compartment's region in MiB (default 64 GiB). */
static size_t heap_mb(int *explicit_size) {
  const char *v = getenv("BULKHEAD_HEAP_MB");
  unsigned long mb = v && *v ? strtoul(v, NULL, 10) : 0;
  *explicit_size = mb != 0;
  if (!mb)
    mb = DEFAULT_HEAP_MB;
  return mb < MIN_HEAP_MB ? MIN_HEAP_MB : mb;
}

/* One reservation for all regions, aligned for mimalloc's segments.
 * Read/write but not accounted (MAP_NORESERVE). Without an explicit size,
 * halve the default until the system grants it (address-space limits). */
static char *reserve(size_t n, size_t *slice, size_t *len) {
  int explicit_size;
  size_t mb = heap_mb(&explicit_size);
  for (;;) {
    *slice = (mb << 20) & ~(SEGMENT_ALIGN - 1);
    *len = n * *slice + SEGMENT_ALIGN;
    char *m = mmap(NULL, *len, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m != MAP_FAILED || explicit_size || mb / 2 < MIN_HEAP_MB)
      return m;
    mb /= 2;
  }
}

/* The libmimalloc the program loaded: its copies are loaded from it. */
static const char *mimalloc_path(struct link_map **lm) {
  void *self = dlopen("libmimalloc.so.2", RTLD_NOW | RTLD_NOLOAD);
  *lm = NULL;
  if (self && !dlinfo(self, RTLD_DI_LINKMAP, lm) && *lm)
    return (*lm)->l_name;
  return NULL;
}

/* Loads heap h's private mimalloc copy, binds and hooks it and seals it
 * with key pkey. RT writable; 1 on success. */
static int prepare_copy(size_t h, const char *lib, int *fd, int pkey) {
  struct cheap *c = &RT.c[h];
  void *dl = load_copy(lib, c, fd);
  if (!dl || !bind_copy(dl, c))
    return 0;
  struct link_map *lm;
  if (dlinfo(dl, RTLD_DI_LINKMAP, &lm) || !lm)
    return fail(c, "dlinfo of a libmimalloc copy", 0), 0;
  struct copy_lookup l = {lm, c};
  if (dl_iterate_phdr(copy_code, &l) != 1 || !c->code_lo)
    return fail(c, "cannot find a libmimalloc copy's code", 0), 0;
  void *dso;
  return hook_os_calls(lm, c, &dso) && seal_copy(dl, c, dso, pkey);
}

/* Gives heap h's region, less its metadata area, to its copy. Not
 * "committed": mimalloc may then give pages back when free; its commit
 * and decommit go through copy_mprotect/copy_mmap, which keep the pages'
 * key. Not exclusive: the copy's main heap, which belongs to no arena,
 * allocates there, and only there (option limit_os_alloc). Called with
 * the compartment's rights: the copy's data and its descriptor's page
 * (meta_alloc) are the compartment's. */
static int manage_region(int h) {
  mi_arena_id_t arena;
  return RT.c[h].mi.manage((void *)(RT.base + (uintptr_t)h * RT.slice),
                           RT.slice - META_SIZE, false, false, true, -1, false,
                           &arena);
}

/* Compartment i's heap in its region: tags it, gives it to a private
 * mimalloc copy and seals that copy. RT writable; c->ok on success. */
static void setup_one(size_t i, const char *lib, int *fd) {
  struct cheap *c = &RT.c[i];
  const struct bulkhead_domain *d = bh_domain_at(i);
  memset(c, 0, sizeof *c);
  if (!lib) {
    fail(c, "libmimalloc.so.2 is not loaded (link with -lmimalloc)", 0);
    return;
  }
  void *start = (void *)(RT.base + i * RT.slice);
  if (syscall(SYS_pkey_mprotect, start, RT.slice, PROT_READ | PROT_WRITE,
              d->pkey)) {
    fail(c, "pkey_mprotect", errno);
    return;
  }
  if (!prepare_copy(i, lib, fd, d->pkey))
    return;
  int prev = current_index();
  bh_enter_index((int)i);
  int managed = manage_region((int)i);
  bh_enter_index(prev);
  if (!managed) {
    fail(c, "mimalloc refused the heap region", 0);
    return;
  }
  c->ok = 1;
}

/* The heap of reserved key slot s, for a compartment a dlopen may
 * register later under the filter: its copy, loaded now (before any
 * attacker runs, before the filter forbids pkey_mprotect) and sealed with
 * the slot's key, closed in every domain until the supervisor gives it.
 * Its region stays PROT_NONE and untagged until that grant tags it; the
 * copy gets it at the compartment's first heap use (open_late). */
static void setup_late(size_t s, const char *lib, int *fd) {
  struct cheap *c = &RT.c[RT.n + s];
  memset(c, 0, sizeof *c);
  if (!lib)
    fail(c, "libmimalloc.so.2 is not loaded (link with -lmimalloc)", 0);
  else if (prepare_copy(RT.n + s, lib, fd, bh_state->reserved_key[s]))
    c->ok = 1;
}

/* Runs once, before main (or at the first compartment allocation if a
 * compartment allocates earlier): reserves every compartment's region, tags
 * it, gives it to a private mimalloc copy, then seals this state. A
 * program that may register shared objects after start-up (dlopen, no
 * system-call filter: dlopen.c) reserves regions for BH_MAX_COMPARTMENTS,
 * the ones past its compartments left inaccessible and untagged until
 * bh_heap_add; a hardened one, one for each key it reserved (init.c), which
 * the filter then protects whole (docs/shared-objects.md, step 6, piece
 * 3), and a sealed copy for each (setup_late). */
static void setup(void) {
  if (__atomic_load_n(&RT.ready, __ATOMIC_ACQUIRE))
    return;
  pthread_mutex_lock(&setup_lock);
  if (RT.ready) {
    pthread_mutex_unlock(&setup_lock);
    return;
  }
  tls.busy++;
  size_t n = bh_domain_count();
  if (n && !bh_state->unprotected && __bulkhead_domain0.pkru &&
      n <= BH_MAX_COMPARTMENTS) {
    dl_iterate_phdr(find_code, NULL);
    size_t cap = bh_late_objects_possible()
                     ? BH_MAX_COMPARTMENTS
                     : n + (size_t)bh_state->reserved_keys;
    size_t slice, len;
    char *m = reserve(cap, &slice, &len);
    int merr = errno;
    struct link_map *lm;
    const char *lib = mimalloc_path(&lm);
    /* A hardened program's heaps for later: one per reserved key. */
    size_t late = bh_late_objects_possible() ? 0 : cap - n;
    int fds[BH_MAX_COMPARTMENTS];
    for (size_t i = 0; i < n + late; i++)
      fds[i] = -1;
    if (m != MAP_FAILED) {
      uintptr_t base =
          ((uintptr_t)m + SEGMENT_ALIGN - 1) & ~(SEGMENT_ALIGN - 1);
      uintptr_t end = (uintptr_t)m + len, used = base + cap * slice;
      if ((base > (uintptr_t)m && munmap(m, base - (uintptr_t)m)) ||
          (end > used && munmap((void *)used, end - used)) ||
          (cap > n &&
           mprotect((void *)(base + n * slice), (cap - n) * slice, PROT_NONE)))
        bh_fatal("cannot trim the compartment heaps' reservation");
      RT.base = base, RT.slice = slice, RT.n = (unsigned)n;
      RT.cap = (unsigned)cap, RT.late = (unsigned)late;
    }
    for (size_t i = 0; i < n; i++) {
      if (m == MAP_FAILED)
        fail(&RT.c[i],
             "cannot reserve address space for the heaps (set BULKHEAD_HEAP_MB "
             "lower)",
             merr);
      else
        setup_one(i, lib, &fds[i]);
    }
    for (size_t s = 0; s < RT.late; s++)
      setup_late(s, lib, &fds[n + s]);
    for (size_t i = 0; i < n + late; i++)
      if (fds[i] >= 0)
        close(fds[i]);
    /* The default domain's allocator too: its bookkeeping is key-0 memory
     * like the copies', and a forged arena in it made its commit mprotect
     * the runtime's read-only pages writable (found in review). */
    struct copy_lookup l = {lm, &RT.dflt};
    if (!lm || dl_iterate_phdr(copy_code, &l) != 1 || !RT.dflt.code_lo ||
        !hook_os_calls(lm, &RT.dflt, NULL)) {
      bh_fatal("cannot check the system calls of the default domain's "
               "allocator: %s",
               RT.dflt.why[0] ? RT.dflt.why : "libmimalloc.so.2 not found");
    }
  }
  __atomic_store_n(&RT.ready, 1, __ATOMIC_RELEASE);
  if (mprotect(&bh_heap_rt, sizeof bh_heap_rt, PROT_READ))
    bh_fatal("cannot make the heap tables read-only");
  tls.busy--;
  pthread_mutex_unlock(&setup_lock);
}

void bh_heap_add(size_t i) {
  setup();
  /* Under the filter these tables, a page of the executable, cannot be
   * made writable again, and need not be: a compartment registered now
   * has the heap prepared at start-up for its key (heap_index). */
  if (bh_policy->on)
    return;
  pthread_mutex_lock(&setup_lock);
  tls.busy++;
  /* Writable while the copy is set up: its hooks read this state as it
   * grows (the window is in threat-model.md, "Runtime state"). */
  if (mprotect(&bh_heap_rt, sizeof bh_heap_rt, PROT_READ | PROT_WRITE))
    bh_fatal("cannot open the heap tables to add a compartment");
  if (i < BH_MAX_COMPARTMENTS && i == RT.n && RT.base &&
      bh_late_objects_possible()) {
    /* Its region, past the others, is inaccessible and untouched since
     * start-up (PROT_NONE), so mimalloc's "zero" assumption holds. */
    int fd = -1;
    struct link_map *lm;
    RT.n = (unsigned)i + 1;
    setup_one(i, mimalloc_path(&lm), &fd);
    if (fd >= 0)
      close(fd);
  } else if (i < BH_MAX_COMPARTMENTS) {
    fail(&RT.c[i], "no heap region was reserved for it", 0);
  }
  if (mprotect(&bh_heap_rt, sizeof bh_heap_rt, PROT_READ))
    bh_fatal("cannot make the heap tables read-only");
  tls.busy--;
  pthread_mutex_unlock(&setup_lock);
}

__attribute__((constructor(101))) static void heap_init(void) { setup(); }

/* --------------------------------------------------- the heaps' users */

/* The number of compartment i's heap, set up; stops the program if it
 * has none. */
static inline int heap_of(int i) {
  if (__builtin_expect(!__atomic_load_n(&RT.ready, __ATOMIC_ACQUIRE), 0))
    setup();
  int h = heap_index(i);
  if (h < 0 || !RT.c[h].ok)
    no_heap(i, h);
  return h;
}

/* A late heap's region goes to its copy at the compartment's first heap
 * use, with its rights and under its lock: only then is the region
 * tagged (the grant) and writable. Whether it was is in the region's
 * own header, on the compartment's key, zero when fresh. */
__attribute__((noinline, cold)) static void open_late(int h) {
  if (!manage_region(h))
    bh_fatal("mimalloc refused the heap region of compartment '%s'", hname(h));
  meta_of(h)->managed = 1;
}

/* One thread at a time in a compartment's heap. The lock is on the
 * compartment's key: taken and given with its rights, as every call of
 * its copy is made. */
static inline void take(int h) {
  bh_lock_take(&meta_of(h)->lock);
  if (__builtin_expect((unsigned)h >= RT.n && !meta_of(h)->managed, 0))
    open_late(h);
}

static inline void give(int h) {
  bh_lock_give(&meta_of(h)->lock);
}

/* Every block comes from the arena: the region less its metadata area. */
static inline void *checked(int h, void *p) {
  if (p && (uintptr_t)p - (RT.base + (uintptr_t)h * RT.slice) >=
               RT.slice - META_SIZE)
    strays(h, p);
  return p;
}

/* A pointer freed or resized must be in the arena too: the metadata area
 * is not mimalloc's to interpret as a segment. */
static inline void block_of(const char *fn, int h, const void *p) {
  if ((uintptr_t)p - (RT.base + (uintptr_t)h * RT.slice) >=
      RT.slice - META_SIZE)
    bh_fatal_abort("%s of %p, in the allocator metadata of compartment '%s'",
                   fn, p, hname(h));
}

#define LOCKED(h, T, call)                                                     \
  ({                                                                           \
    take(h);                                                                   \
    T r_ = (call);                                                             \
    give(h);                                                                   \
    r_;                                                                        \
  })

static void *c_malloc(int i, size_t n) {
  int h = heap_of(i);
  struct cheap *c = &RT.c[h];
  return checked(h, LOCKED(h, void *, c->mi.heap_malloc(c->heap, n)));
}

static void *c_calloc(int i, size_t k, size_t n) {
  int h = heap_of(i);
  struct cheap *c = &RT.c[h];
  return checked(h, LOCKED(h, void *, c->mi.heap_calloc(c->heap, k, n)));
}

static void *c_aligned(int i, size_t align, size_t n) {
  int h = heap_of(i);
  struct cheap *c = &RT.c[h];
  return checked(
      h, LOCKED(h, void *, c->mi.heap_malloc_aligned(c->heap, n, align)));
}

static void *c_realloc(int i, void *p, size_t n) {
  int h = heap_of(i);
  struct cheap *c = &RT.c[h];
  block_of("realloc()", h, p);
  return checked(h, LOCKED(h, void *, c->mi.heap_realloc(c->heap, p, n)));
}

static size_t c_usable_size(int i, const char *fn, const void *p) {
  int h = heap_of(i);
  struct cheap *c = &RT.c[h];
  block_of(fn, h, p);
  return LOCKED(h, size_t, c->mi.usable_size(p));
}

static void c_free(int i, void *p) {
  int h = heap_of(i);
  struct cheap *c = &RT.c[h];
  block_of("free()", h, p);
  take(h);
  c->mi.free(p);
  give(h);
}

/* With BULKHEAD_STATS=1, p's bytes join (sign 1) or leave (-1) those of
 * compartment i's heap in use (stats.c). */
static inline void counted(int i, const void *p, int sign) {
  if (__builtin_expect(__bulkhead_domain0.counting != 0, 0) && p)
    bh_stats_heap(i, sign * (long)c_usable_size(i, "malloc_usable_size()", p));
}

/* In record mode, who allocated each compartment block (record.c). */
static inline void *noted(int i, void *p, size_t n, const void *ret) {
  counted(i, p, 1);
  if (__builtin_expect(bh_state->record != NULL, 0) && p && !tls.busy) {
    tls.busy++;
    bh_record_alloc(i, p, n, ret);
    tls.busy--;
  }
  return p;
}

static inline void forget(const void *p) {
  if (__builtin_expect(bh_state->record != NULL, 0))
    bh_record_free(p);
}

#define CALLER __builtin_return_address(0)
/* ------------------------------------------ C++ exceptions (exceptions.c) */

/* The table of compartment i's exception blocks: in its heap's metadata
 * header, after struct meta, on its key (META_HEAD: meta_alloc starts
 * after it). */
_Static_assert(EXC_LIST_AT >= sizeof(struct meta),
               "the exception table follows the metadata header");

struct bh_exc_list *bh_heap_exc_list(int i) {
  int h = heap_of(i);
  take(h); /* a late heap's region is opened at its first use */
  give(h);
  return (struct bh_exc_list *)((char *)meta_of(h) + EXC_LIST_AT);
}

/* A page-aligned block of n bytes (a page multiple) from the heap of the
 * compartment whose rights the caller holds, whatever a sharing policy
 * says; NULL when out of memory. */
void *bh_heap_exc_alloc(size_t n) {
  int i = current_index();
  if (i < 0)
    return NULL;
  return noted(i, c_aligned(i, BH_PAGE, n), n, CALLER);
}

/* For the supervisor: the heap whose arena holds [a, a + len), its
 * exception list's address and its key; -1 if none. */
int bh_heap_exc_span(uintptr_t a, size_t len, uintptr_t *list, int *key) {
  int h = heap_at((const void *)a);
  if (h < 0 || !len)
    return -1;
  uintptr_t lo = RT.base + (uintptr_t)h * RT.slice, hi = lo + RT.slice - META_SIZE;
  if (a < lo || len > hi - a)
    return -1;
  *list = (uintptr_t)meta_of(h) + EXC_LIST_AT;
  *key = (unsigned)h < RT.n ? bh_domain_at((size_t)h)->pkey
                            : bh_state->reserved_key[h - (int)RT.n];
  return h;
}

/* ---------------------------------------------------------- fork (fork.c) */

/* Whether compartment i has a heap, whose locks a fork holds: from the
 * read-only tables only. */
int bh_heap_fork_has(int i) {
  if (!__atomic_load_n(&RT.ready, __ATOMIC_ACQUIRE))
    return 0;
  int h = heap_index(i);
  return h >= 0 && RT.c[h].ok;
}

/* With compartment c's rights (fork.c): BH_FORK_HOLD takes the lock of its
 * exception table, then its heap's (the order exceptions.c nests them
 * in), and notes the holder in `forked`, on c's key; BH_FORK_PARENT gives
 * both back if this thread holds them so; BH_FORK_CHILD frees both if any
 * thread did (in the child it was the forking one, the one left: a
 * holder for a fork changes nothing under the locks). The holder's id is
 * gettid's, no memory's: no key-0 word makes a thread give a lock it does
 * not hold. Raw locks: a late heap's region is not opened here. */
uintptr_t bh_heap_fork(uintptr_t c, uintptr_t phase, uintptr_t unused,
                       uintptr_t caller_sp) {
  (void)unused, (void)caller_sp;
  int h = heap_index((int)c);
  if (h < 0 || !RT.c[h].ok)
    return 0;
  struct meta *m = meta_of(h);
  struct bh_exc_list *l = (struct bh_exc_list *)((char *)m + EXC_LIST_AT);
  uint32_t tid = (uint32_t)bh_raw_gettid();
  if (phase == BH_FORK_HOLD) {
    bh_lock_take(&l->lock);
    bh_lock_take(&m->lock);
    m->forked = tid;
  } else if (phase == BH_FORK_PARENT && m->forked == tid) {
    m->forked = 0;
    bh_lock_give(&m->lock);
    bh_lock_give(&l->lock);
  } else if (phase == BH_FORK_CHILD && m->forked) {
    m->forked = 0;
    bh_lock_reset(&m->lock);
    bh_lock_reset(&l->lock);
  }
  return 0;
}

/* ------------------------------------------------------- the interface */

void *malloc(size_t n) {
  int i = alloc_index(CALLER);
  return i < 0 ? bh_shared_malloc(n) : noted(i, c_malloc(i, n), n, CALLER);
}

void *calloc(size_t k, size_t n) {
  int i = alloc_index(CALLER);
  if (i < 0)
    return bh_shared_calloc(k, n);
  return noted(i, c_calloc(i, k, n), k * n, CALLER);
}

static void *do_realloc(void *p, size_t n, const void *ret) {
  if (!p) {
    int i = alloc_index(ret);
    return i < 0 ? bh_shared_malloc(n) : noted(i, c_malloc(i, n), n, ret);
  }
  int owner = owner_of(p);
  if (owner >= 0) {
    int i = current_index();
    if (i != owner || tls.busy)
      foreign("realloc()", owner, i);
    if (bh_share_active(i)) {
      /* The sharing policy covers this call: the new block is shared. */
      void *q = bh_shared_malloc(n);
      if (!q)
        return NULL;
      size_t old = c_usable_size(i, "realloc()", p);
      memcpy(q, p, old < n ? old : n);
      forget(p);
      counted(i, p, -1);
      c_free(i, p);
      return q;
    }
    long before = __bulkhead_domain0.counting
                      ? (long)c_usable_size(i, "realloc()", p)
                      : 0;
    void *q = c_realloc(i, p, n);
    if (q) {
      forget(p);
      if (before)
        bh_stats_heap(i, -before);
    }
    return noted(i, q, n, ret);
  }
  int i = alloc_index(ret);
  if (i < 0)
    return bh_shared_realloc(p, n);
  /* A default-heap block reallocated by compartment code moves into the
     compartment's heap, like any memory the compartment allocates. */
  void *q = noted(i, c_malloc(i, n), n, ret);
  if (!q)
    return NULL;
  size_t old = bh_shared_usable_size(p);
  memcpy(q, p, old < n ? old : n);
  bh_shared_free(p);
  return q;
}

void *realloc(void *p, size_t n) { return do_realloc(p, n, CALLER); }

void *reallocarray(void *p, size_t k, size_t n) {
  size_t total;
  if (__builtin_mul_overflow(k, n, &total))
    return errno = ENOMEM, NULL;
  return do_realloc(p, total, CALLER);
}

void free(void *p) {
  int owner = owner_of(p);
  if (owner < 0) {
    bh_shared_free(p);
    return;
  }
  int i = current_index();
  if (i != owner || tls.busy)
    foreign("free()", owner, i);
  forget(p);
  counted(i, p, -1);
  c_free(i, p);
}

size_t malloc_usable_size(void *p) {
  int owner = owner_of(p);
  if (owner < 0)
    return bh_shared_usable_size(p);
  int i = current_index();
  if (i != owner)
    foreign("malloc_usable_size()", owner, i);
  return c_usable_size(i, "malloc_usable_size()", p);
}

static void *aligned(size_t align, size_t n, const void *ret) {
  int i = alloc_index(ret);
  return i < 0 ? bh_shared_aligned(align, n)
               : noted(i, c_aligned(i, align, n), n, ret);
}

static inline int pow2(size_t a) { return a && !(a & (a - 1)); }

int posix_memalign(void **out, size_t align, size_t n) {
  if (!pow2(align) || align % sizeof(void *))
    return EINVAL;
  int saved = errno;
  void *p = aligned(align, n, CALLER);
  if (!p)
    return errno = saved, ENOMEM;
  *out = p;
  return 0;
}

void *aligned_alloc(size_t align, size_t n) {
  if (!pow2(align))
    return errno = EINVAL, NULL;
  return aligned(align, n, CALLER);
}

void *memalign(size_t align, size_t n) {
  if (align > ((size_t)1 << 62))
    return errno = EINVAL, NULL;
  size_t a = sizeof(void *);
  while (a < align)
    a <<= 1;
  return aligned(a, n, CALLER);
}

void *valloc(size_t n) { return aligned((size_t)getpagesize(), n, CALLER); }

void *pvalloc(size_t n) {
  size_t pg = (size_t)getpagesize(), r = (n + pg - 1) & ~(pg - 1);
  if (r < n)
    return errno = ENOMEM, NULL;
  return aligned(pg, r ? r : pg, CALLER);
}

static char *dup_str(const char *s, size_t len, const void *ret) {
  int i = alloc_index(ret);
  char *p = i < 0 ? bh_shared_malloc(len + 1)
                  : noted(i, c_malloc(i, len + 1), len + 1, ret);
  if (p) {
    memcpy(p, s, len);
    p[len] = 0;
  }
  return p;
}

char *strdup(const char *s) { return dup_str(s, strlen(s), CALLER); }
char *strndup(const char *s, size_t n) {
  return dup_str(s, strnlen(s, n), CALLER);
}
/* libc's own would allocate from libc, so shared (review 5). */
wchar_t *wcsdup(const wchar_t *s) {
  size_t n = wcslen(s) + 1;
  int i = alloc_index(CALLER);
  wchar_t *p = i < 0 ? bh_shared_malloc(n * sizeof *p)
                     : noted(i, c_malloc(i, n * sizeof *p), n * sizeof *p,
                             CALLER);
  if (p)
    wmemcpy(p, s, n);
  return p;
}

/* libmimalloc also exports glibc's internal names and other systems'
 * allocation functions. Every one is defined here: a compartment's call of
 * one that bound to libmimalloc would run the shared allocator in place,
 * with the compartment's rights, on key-0 bookkeeping (review 4,
 * attacks-review4-mimalloc-exports.c). Its mi_* API is not covered
 * (docs/heaps.md). */
void *reallocf(void *p, size_t n) {
  void *q = do_realloc(p, n, CALLER);
  if (!q && n)
    free(p);
  return q;
}
/* NetBSD's: *(void **)pp resized to k * n bytes, 0 or an errno value. */
int reallocarr(void *pp, size_t k, size_t n) {
  size_t total;
  if (__builtin_mul_overflow(k, n, &total))
    return EOVERFLOW;
  int saved = errno;
  void *old, *q;
  memcpy(&old, pp, sizeof old);
  if (!total) {
    free(old);
    q = NULL;
  } else if (!(q = do_realloc(old, total, CALLER))) {
    int e = errno;
    errno = saved;
    return e;
  }
  memcpy(pp, &q, sizeof q);
  errno = saved;
  return 0;
}
size_t malloc_size(const void *p) { return malloc_usable_size((void *)p); }
size_t malloc_good_size(size_t n) { return n; }
void *_aligned_malloc(size_t n, size_t align) {
  return aligned_alloc(align, n);
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmissing-attributes" /* gcc only */
#endif
void cfree(void *p) __attribute__((alias("free")));
void vfree(void *p) __attribute__((alias("free")));
void __libc_cfree(void *p) __attribute__((alias("free")));
void *__libc_valloc(size_t n) __attribute__((alias("valloc")));
void *__libc_pvalloc(size_t n) __attribute__((alias("pvalloc")));
int __posix_memalign(void **out, size_t align, size_t n)
    __attribute__((alias("posix_memalign")));
char *__strdup(const char *s) __attribute__((alias("strdup")));
void *__libc_malloc(size_t n) __attribute__((alias("malloc")));
void *__libc_calloc(size_t k, size_t n) __attribute__((alias("calloc")));
void *__libc_realloc(void *p, size_t n) __attribute__((alias("realloc")));
void __libc_free(void *p) __attribute__((alias("free")));
void *__libc_memalign(size_t align, size_t n)
    __attribute__((alias("memalign")));

/* ------------------------------------------------- shared allocations */

void *bulkhead_shared_malloc(size_t n) { return bh_shared_malloc(n); }
void *bulkhead_shared_calloc(size_t k, size_t n) {
  return bh_shared_calloc(k, n);
}
void *bulkhead_shared_realloc(void *p, size_t n) {
  int owner = owner_of(p);
  if (owner >= 0)
    foreign("bulkhead_shared_realloc()", owner, current_index());
  return bh_shared_realloc(p, n);
}
char *bulkhead_shared_strdup(const char *s) {
  size_t len = strlen(s);
  char *p = bh_shared_malloc(len + 1);
  if (p)
    memcpy(p, s, len + 1);
  return p;
}
