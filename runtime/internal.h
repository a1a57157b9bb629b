/* internal.h - the runtime's private interface between its files. */
#ifndef BULKHEAD_INTERNAL_H
#define BULKHEAD_INTERNAL_H

#include "../include/bulkhead/abi.h"
#include "gate.h"
#include "lock.h"
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/types.h>

#define BH_HIDDEN __attribute__((visibility("hidden")))

/* The runtime's own errno: parts of it (interposers, the heap) run with a
 * compartment's rights, so it is found as compartment code finds it,
 * without trusting the thread pointer at %fs:0 (tls.c). */
int *__bulkhead_errno_location(void) BH_HIDDEN;
#undef errno
#define errno (*__bulkhead_errno_location())
/* The offsets of libc's thread-local variables, first thing at start-up. */
void bh_tls_init(void) BH_HIDDEN;
/* The runtime's replacement of libc's accessor i (BH_TLS_ACCESSORS). */
void *bh_tls_accessor(int i) BH_HIDDEN;
/* Whether RDFSBASE and RDGSBASE work (the kernel enables FSGSBASE). */
int bh_fsgsbase(void) BH_HIDDEN;
/* BH_VECTOR_* bits: the vector state beyond xmm0-15 that the CPU has and
 * the kernel enabled (vector-state.c). */
uint32_t bh_vector_state(void) BH_HIDDEN;

/* A system call without libc, up to four arguments; the kernel's result
 * (-errno on failure). For code that may run with a compartment's rights:
 * libc's wrappers set errno through the thread pointer at %fs:0, key-0
 * memory. */
static inline long bh_raw_syscall(long nr, long a, long b, long c, long d) {
  long r;
  register long r10 __asm__("r10") = d;
  __asm__ volatile("syscall"
                   : "=a"(r)
                   : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10)
                   : "rcx", "r11", "memory");
  return r;
}
static inline long bh_raw_gettid(void) {
  return bh_raw_syscall(SYS_gettid, 0, 0, 0, 0);
}

/* A domain's descriptor, as the pass emits it (the layout and every field's
 * meaning: BH_DOMAIN_* in include/bulkhead/abi.h). */
struct bulkhead_domain {
  uint32_t pkru;
  int32_t pkey;
  uint32_t abi_version;
  uint32_t enforced;
  const char *name;
  char *data_start;
  char *data_end;
  char *stack_lo;
  char *stack_hi;
  void **(*slot_address)(void);
  uint64_t *stats;   /* BH_STATS_* counters */
  uint32_t counting; /* the default descriptor's: BULKHEAD_STATS=1 */
  uint32_t owner_check; /* the default descriptor's: stacks' owners */
  uint32_t vector_state; /* the default descriptor's: BH_VECTOR_* */
  char pad[BH_DOMAIN_SIZE - BH_DOMAIN_HEADER_SIZE];
};
#define BH_CHECK_FIELD(field, offset)                                          \
  _Static_assert(__builtin_offsetof(struct bulkhead_domain, field) == offset,  \
                 "struct bulkhead_domain." #field " is not where the pass "    \
                 "and the runtime's assembly look for it")
BH_CHECK_FIELD(pkru, BH_DOMAIN_PKRU);
BH_CHECK_FIELD(pkey, BH_DOMAIN_PKEY);
BH_CHECK_FIELD(abi_version, BH_DOMAIN_ABI_VERSION);
BH_CHECK_FIELD(enforced, BH_DOMAIN_ENFORCED);
BH_CHECK_FIELD(name, BH_DOMAIN_NAME);
BH_CHECK_FIELD(data_start, BH_DOMAIN_DATA_START);
BH_CHECK_FIELD(data_end, BH_DOMAIN_DATA_END);
BH_CHECK_FIELD(stack_lo, BH_DOMAIN_STACK_LO);
BH_CHECK_FIELD(stack_hi, BH_DOMAIN_STACK_HI);
BH_CHECK_FIELD(slot_address, BH_DOMAIN_SLOT_ADDRESS);
BH_CHECK_FIELD(stats, BH_DOMAIN_STATS);
BH_CHECK_FIELD(counting, BH_DOMAIN_COUNTING);
BH_CHECK_FIELD(owner_check, BH_DOMAIN_OWNER_CHECK);
BH_CHECK_FIELD(vector_state, BH_DOMAIN_VECTOR_STATE);
BH_CHECK_FIELD(pad, BH_DOMAIN_HEADER_SIZE);
#undef BH_CHECK_FIELD
_Static_assert(sizeof(struct bulkhead_domain) == BH_DOMAIN_SIZE &&
                   BH_DOMAIN_SIZE == 1 << BH_PAGE_SHIFT,
               "a descriptor is one page");

/* The default domain's descriptor. */
extern struct bulkhead_domain __bulkhead_domain0 __asm__(BH_SYM_DOMAIN0);

/* The table of compartments (domain.c): compartment i's descriptor, and the
 * object it came from (NULL: the executable, the only one so far). Filled
 * at the start of start-up from the executable's section bulkhead_domains,
 * in its order (the index is the position, as the pass's index table
 * assumes), then read-only. Every walk over the compartments and every
 * index-to-descriptor step, the assembly's too, goes through it. The
 * layout: BH_DOMAIN_TABLE_* in include/bulkhead/abi.h. */
struct bh_domain_table {
  size_t count;
  struct bulkhead_domain *domain[BH_DOMAIN_TABLE_MAX];
  const char *object[BH_DOMAIN_TABLE_MAX];
  /* The shared objects with compartments registered at start-up (domain.c;
   * docs/shared-objects.md), from their notes. */
  size_t objects;
  struct bh_object {
    uintptr_t base;   /* its load address (dl_phdr_info.dlpi_addr) */
    char *copies;     /* its copies of the runtime's words (BH_COPY_*) */
    char *domains_lo; /* its descriptors, whole pages */
    char *domains_hi;
    char *imports_lo; /* its imports (BH_IMPORT_*), whole pages */
    char *imports_hi;
    const char *defaults_lo; /* its default-domain names, NUL-ended */
    const char *defaults_hi;
    const int32_t *share_lo; /* its sharing policies' entries (share.c) */
    const int32_t *share_hi;
    const int32_t *own_lo; /* its functions with landing pads (OwnCode.h) */
    const int32_t *own_hi;
  } obj[BH_MAX_COMPARTMENTS];
};
extern union bh_domain_table_page {
  struct bh_domain_table t;
  char page[BH_PAGE];
} bh_domain_table __asm__(BH_SYM_DOMAIN_TABLE) BH_HIDDEN;
_Static_assert(__builtin_offsetof(struct bh_domain_table, count) ==
                       BH_DOMAIN_TABLE_COUNT &&
                   __builtin_offsetof(struct bh_domain_table, domain) ==
                       BH_DOMAIN_TABLE_DOMAINS &&
                   sizeof(struct bh_domain_table) <= BH_PAGE &&
                   BH_DOMAIN_TABLE_MAX >= BH_MAX_COMPARTMENTS,
               "the table of compartments is not where the assembly reads it");
/* Assembly: the descriptor of compartment index IDX (a register) into
 * OUT, from the read-only table; to label 9 ahead past its end. */
#define BH_ASM_DOMAIN_AT(IDX, OUT)                                             \
  "  cmpq " BH_SYM_DOMAIN_TABLE "+" BH_STR(BH_DOMAIN_TABLE_COUNT)              \
  "(%rip), " IDX "\n"                                                          \
  "  jae 9f\n"                                                                 \
  "  leaq " BH_SYM_DOMAIN_TABLE "+" BH_STR(BH_DOMAIN_TABLE_DOMAINS)            \
  "(%rip), " OUT "\n"                                                          \
  "  movq (" OUT "," IDX ",8), " OUT "\n"
/* Fills the table, the executable's compartments first, then those of
 * the shared objects loaded with it, and makes it read-only (domain.c). */
void bh_domain_table_init(void) BH_HIDDEN;
/* Fills each registered shared object's copies of the runtime's words and
 * makes them read-only; once the executable's are final (domain.c). */
void bh_fill_object_copies(void) BH_HIDDEN;
/* Fills one object's copies from the executable's words and tables, and
 * makes them read-only. */
void bh_fill_copies(char *copies) BH_HIDDEN;
/* The same words into COPIES, left writable (the supervisor's buffer). */
void bh_build_copies(char *copies) BH_HIDDEN;
/* Sets the imports of the registered objects from FROM on, then makes
 * them read-only (domain.c). */
void bh_fill_imports(size_t from) BH_HIDDEN;
/* Whether NAME is one of the NUL-ended names in [lo, hi), a
 * bulkhead_defaults list (domain.c). */
int bh_listed(const char *lo, const char *hi, const char *name) BH_HIDDEN;
/* Adds to T the compartments of every loaded shared object with a note
 * not in T yet, checked as at start-up (AFTER it: against the kernel's
 * mappings too); stops the process on a name defined twice among T's
 * compartments FIRST and after (domain.c). */
void bh_find_objects(struct bh_domain_table *t, size_t first,
                     int after) BH_HIDDEN;
/* Makes executable the code of T's objects from FROM on: the segments
 * bulkhead-clang linked readable only (BH_PF_EXEC_AFTER_REGISTRATION),
 * each a read-only file mapping by the kernel's account when LATE
 * (domain.c). */
void bh_exec_objects(const struct bh_domain_table *t, size_t from,
                     int late) BH_HIDDEN;
/* Whether [a, a + len) is mapped readable, and writable (W) or read-only
 * from a file (!W), by the kernel's account (dlopen.c). */
int bh_mapped_as(uintptr_t a, size_t len, int w) BH_HIDDEN;
/* " a (the executable), b (libx.so)": T's compartments, for errors. */
const char *bh_loaded_compartments(const struct bh_domain_table *t, char *buf,
                                   size_t cap) BH_HIDDEN;
/* Whether a gate's word at A, in the object loaded at BASE, is one the
 * runtime makes read-only at start-up before any of its code runs: its
 * descriptors or its copies. */
int bh_object_word(uintptr_t base, uintptr_t a) BH_HIDDEN;

static inline size_t bh_domain_count(void) {
  return __atomic_load_n(&bh_domain_table.t.count, __ATOMIC_RELAXED);
}
/* Compartment i's descriptor; i < bh_domain_count(). */
static inline struct bulkhead_domain *bh_domain_at(size_t i) {
  return bh_domain_table.t.domain[i];
}
/* The last byte of the stack of compartment d's arena that p (an address
 * just above a byte of it: a stack pointer, a frame) lies on. */
static inline char *bh_stack_end(const struct bulkhead_domain *d,
                                 const char *p) {
  return d->stack_lo + ((size_t)(p - 1 - d->stack_lo) | (BH_STACK_SIZE - 1));
}
/* The object compartment i came from: NULL for the executable. */
static inline const char *bh_domain_object(size_t i) {
  return bh_domain_table.t.object[i];
}
/* for each compartment, in index order: i (size_t) its index, d (a variable
 * of the caller's, of pointer-to-descriptor type) its descriptor. */
#define bh_for_each_domain(i, d)                                               \
  for (size_t i = 0; i < bh_domain_count() && ((d) = bh_domain_at(i), 1); i++)
/* The index of descriptor d, or -1 if it is no compartment's. */
static inline int bh_domain_index(const struct bulkhead_domain *d) {
  for (size_t i = 0; i < bh_domain_count(); i++)
    if (bh_domain_at(i) == d)
      return (int)i;
  return -1;
}

/* Run-time state, on a page of its own that is read-only after start-up. */
struct bh_record;
struct bh_state {
  int unprotected; /* pkeys unavailable and the user opted in */
  int record_fd;   /* BULKHEAD_SHARE_RECORD's file, when record is set */
  struct bh_record *record; /* the recorder's table (record.c), or NULL */
  unsigned share_mask;      /* compartments with a sharing policy (share.c) */
  /* Keys a hardened program reserved at start-up for compartments of
   * objects loaded later with dlopen (init.c; docs/shared-objects.md,
   * step 6, piece 3): closed in every domain, none given yet. */
  int reserved_keys;
  int8_t reserved_key[BH_MAX_COMPARTMENTS];
  /* Their stack arenas, reserved_key[i]'s at arena_lo + i * BH_ARENA_SIZE:
   * PROT_NONE and untagged until a registration gives the key
   * (stacks.c). */
  uintptr_t arena_lo, arena_hi;
  /* The read-only copies of writable GOT words that PLT jumps read
   * (plt.c). */
  uintptr_t plt_lo, plt_hi;
  /* The objects loaded at start-up and libgcc_s's _Unwind_Find_FDE, for
   * the unwinder with a compartment's rights (unwind-find.c). */
  uintptr_t unwind_lo, unwind_hi;
  /* libstdc++'s std::exception_ptr entry points the runtime stands in
   * front of (exceptions.c), found at start-up with the default domain's
   * rights: BH_EPTR_*, NULL where libstdc++ is not loaded. */
  void *exception_ptr_fn[3];
};
extern const struct bh_state *const bh_state BH_HIDDEN;
enum { BH_EPTR_ADDREF, BH_EPTR_RELEASE, BH_EPTR_RETHROW };
/* Fills FN (bh_state's exception_ptr_fn) at start-up (exceptions.c). */
void bh_exception_ptr_init(void *fn[3]) BH_HIDDEN;

/* One line of a /proc file into buf, like fgets, but a line longer than
 * the buffer is cut there and the rest of it skipped: the rest of a long
 * path must never be read as a line of its own (review 13b forged smaps
 * and maps lines so). NULL at the end. */
struct _IO_FILE;
char *bh_read_line(char *buf, int size, struct _IO_FILE *f) BH_HIDDEN;
/* Calls each(line, ctx) for every line read from fd (without its newline,
 * cut to cap - 1 bytes) until it returns non-zero: that value, else 0. No
 * stdio: start-up and registration use it. */
int bh_each_line(int fd, char *line, size_t cap,
                 int (*each)(char *line, void *ctx), void *ctx) BH_HIDDEN;

/* One line of /proc/<pid>/maps: the range [lo, hi), perms ("r-xp"), the
 * file offset, device and inode, and the mapping's name ("" for none). */
struct bh_map {
  unsigned long long lo, hi, off, ino;
  unsigned maj, min;
  char perms[8];
  const char *path;
};
/* Calls each(map, ctx) for every line of the maps file at path (maps.c),
 * in the kernel's order (ascending addresses), until it returns non-zero:
 * that value, else 0; -1 if the file cannot be opened. */
int bh_each_map(const char *path, int (*each)(const struct bh_map *m, void *ctx),
                void *ctx) BH_HIDDEN;

/* Messages go straight to fd 2: start-up runs before libc is fully set up,
 * and fault reports run in signal handlers. */
void bh_write(const char *s) BH_HIDDEN;
void bh_write_num(unsigned long v, int base) BH_HIDDEN;
/* Every error exit of the runtime: "bulkhead: error: ", the message
 * (printf-like: %s %c %d %u %ld %lu %lx %zu %p %%), a newline, all in one
 * write, then exit status 1; bh_fatal_abort raises SIGABRT instead, for a
 * program that corrupted the runtime's or an allocator's state. */
__attribute__((noreturn, format(printf, 1, 2))) void bh_fatal(const char *fmt,
                                                              ...) BH_HIDDEN;
__attribute__((noreturn, format(printf, 1, 2))) void
bh_fatal_abort(const char *fmt, ...) BH_HIDDEN;
/* bh_fatal's formatting into buf (cut to cap, always terminated); the
 * length written. */
__attribute__((format(printf, 3, 4))) size_t
bh_format(char *buf, size_t cap, const char *fmt, ...) BH_HIDDEN;
/* The C library's definition of an interposed function, or exit. */
void *bh_libc(const char *name) BH_HIDDEN;

/* The domain whose code runs with exactly this PKRU, or NULL (no domain's:
 * e.g. the kernel's value at the start of a signal handler). */
const struct bulkhead_domain *bh_domain_of_pkru(uint32_t pkru) BH_HIDDEN;

/* The index of the compartment whose rights the thread holds, or -1. Safe
 * before start-up (no RDPKRU until the domain tables are final) and when
 * running unprotected. */
static inline int bh_current_compartment(void) {
  if (bh_domain_count() == 0 || bh_state->unprotected ||
      !__atomic_load_n(&__bulkhead_domain0.pkru, __ATOMIC_RELAXED))
    return -1; /* no compartments, unprotected, or before start-up */
  uint32_t pkru = bh_rdpkru();
  if (pkru == __bulkhead_domain0.pkru)
    return -1;
  const struct bulkhead_domain *d;
  bh_for_each_domain(i, d) {
    if (d->pkru == pkru)
      return (int)i;
  }
  return -1;
}

/* Sharing policy (share.c): whether compartment i's allocations come from
 * the shared heap now; a longjmp to stack position sp closes the brackets
 * it leaves. */
int bh_share_active(int i) BH_HIDDEN;
void bh_share_longjmp(uintptr_t sp) BH_HIDDEN;

/* Whether p is in a compartment's data, stack arena or heap; the index of
 * that compartment, or -1, and which of the three (domain.c); the
 * compartment whose heap holds p, or -1 (heap.c). */
int bh_in_compartment_memory(const void *p) BH_HIDDEN;
int bh_compartment_of(const void *p, const char **what) BH_HIDDEN;
int bh_heap_owner(const void *p) BH_HIDDEN;
/* The C++ exception blocks of a compartment (exceptions.c): one entry per
 * block from its allocation to its return to the compartment's heap,
 * [addr, addr + len): the compartment's (BH_EXC_KEPT, on its pages), or
 * given to key to_key (BH_EXC_GIVING, BH_EXC_GIVEN). The table is on the
 * compartment's key, in its heap's metadata area (heap.c), which its
 * malloc never hands out: only the runtime, with its rights and under the
 * lock, writes it, and "one of its own live blocks, how long" is decided
 * here, never from the block's bytes (review 56). The supervisor reads it
 * to decide the runtime's pkey_mprotect of such a block. BH_EXC_MAX: the
 * exceptions one compartment may have alive at once (thrown, caught, kept
 * by a std::exception_ptr, or held by another domain); one more stops the
 * process with one line. */
#define BH_EXC_MAX 4096
enum { BH_EXC_FREE, BH_EXC_GIVING, BH_EXC_GIVEN, BH_EXC_KEPT };
struct bh_exc_given {
  uintptr_t addr;
  uint32_t len;
  int16_t state; /* BH_EXC_* */
  int16_t to_key;
  int32_t tid; /* the thread giving it: the only one the supervisor lets
                * re-tag it (review 51) */
  int32_t unused;
};
struct bh_exc_list {
  struct bh_lock lock;
  uint32_t used; /* entries [0, used) were ever taken */
  struct bh_exc_given e[BH_EXC_MAX];
};
/* The block's record, at its start (exceptions.c): for the domain a block
 * is given to, which cannot read the table (its slot, the release mark it
 * writes, which the supervisor reads too). */
enum { BH_EXC_LIVE = 1, BH_EXC_AWAY = 2, BH_EXC_RELEASED = 3 };
struct bh_exc_record {
  uint64_t magic;
  uint64_t size;
  uint32_t state; /* BH_EXC_LIVE..RELEASED */
  uint32_t slot;  /* its entry in the table */
  char pad[40];
};
/* libstdc++'s __cxa_eh_globals: the list of caught exceptions and the
 * count of uncaught ones. A compartment's, per thread, in the header of
 * the ring on the thread's stack of it (unwind-copy.c): on its key, found
 * through the stacks' read-only owner table (bh_stack_ring_mine:
 * stacks.c); NULL without such a stack. */
struct bh_eh_globals {
  void *caught;
  unsigned uncaught;
};
struct bh_eh_globals *bh_ring_eh_globals(int c) BH_HIDDEN;
char *bh_stack_ring_mine(int c, uint64_t *claim) BH_HIDDEN;
struct bh_exc_list *bh_heap_exc_list(int i) BH_HIDDEN;
/* A fork's hold on compartment heaps' locks (fork.c, heap.c). */
enum { BH_FORK_HOLD, BH_FORK_PARENT, BH_FORK_CHILD };
int bh_heap_fork_has(int i) BH_HIDDEN;
uintptr_t bh_heap_fork(uintptr_t c, uintptr_t phase, uintptr_t unused,
                       uintptr_t caller_sp) BH_HIDDEN;
void *bh_heap_exc_alloc(size_t n) BH_HIDDEN;
int bh_heap_exc_span(uintptr_t a, size_t len, uintptr_t *list,
                     int *key) BH_HIDDEN;
/* Compartment i's heap, registered after start-up as the next index
 * (heap.c; dlopen.c). Without a region for it, its allocations stop the
 * process naming why. */
void bh_heap_add(size_t i) BH_HIDDEN;
/* Whether shared objects with compartments may be registered after
 * start-up: the program runs without the system-call filter (dlopen.c). */
int bh_late_objects_possible(void) BH_HIDDEN;
/* Whether the system-call filter will be installed (syscalls.c): the
 * driver did not record -fno-pkey-syscall-filter. */
int bh_filter_planned(void) BH_HIDDEN;
/* All compartment heaps' regions, [*lo, *hi) (heap.c); whether the runtime
 * may unmap [p, p + len) on the word of key-0 memory: page-aligned, and no
 * compartment's data, stacks or heap, nor any loaded object (domain.c). */
void bh_heap_region(uintptr_t *lo, uintptr_t *hi) BH_HIDDEN;
/* What [lo, hi) of the shared object whose read-only file mapping starts at
 * BASE in process PID holds as loaded, from its file alone: the writable
 * segment's bytes or zeros, and its RELATIVE relocations, into OUT
 * (hi - lo bytes). 0, or -1 with WHY (object-file.c). */
int bh_object_file_data(pid_t pid, uintptr_t base, uintptr_t lo, uintptr_t hi,
                        unsigned char *out, const char **why) BH_HIDDEN;
/* The data bounds [bounds[0], bounds[1]) of the compartment whose
 * descriptor is at DESC, as the file mapped read-only at BASE in process
 * PID says: DESC must be one its note lists, in a mapping of that file;
 * the bounds are its RELATIVE relocations. 0, or -1 with WHY
 * (object-file.c). */
int bh_object_file_domain(pid_t pid, uintptr_t base, uintptr_t desc,
                          uintptr_t bounds[2], const char **why) BH_HIDDEN;
/* All of the shared object whose file is mapped read-only at BASE in
 * process PID, as its file's PT_LOADs say: [*lo, *hi), whole pages. 0, or
 * -1 with WHY (object-file.c). */
int bh_object_file_span(pid_t pid, uintptr_t base, uintptr_t *lo, uintptr_t *hi,
                        const char **why) BH_HIDDEN;
/* The device (major, minor) and inode of the file mapped read-only at
 * BASE, offset 0, in process PID, into ID. 0, or -1 with WHY
 * (object-file.c). */
int bh_object_file_id(pid_t pid, uintptr_t base, unsigned long long id[3],
                      const char **why) BH_HIDDEN;
/* The copies of the runtime's words (BH_SECTION_COPIES) of the shared
 * object whose file is mapped read-only at BASE in process PID, as its
 * note says, into *COPIES. 0, or -1 with WHY (object-file.c). */
int bh_object_file_copies(pid_t pid, uintptr_t base, uintptr_t *copies,
                          const char **why) BH_HIDDEN;
/* Every address the note of the shared object whose file is mapped
 * read-only at BASE in process PID gives (BH_NOTE_*, one word each), at
 * BASE. 0, or -1 with WHY (object-file.c). */
int bh_object_file_note(pid_t pid, uintptr_t base,
                        uintptr_t note[BH_NOTE_DESC_SIZE / 8],
                        const char **why) BH_HIDDEN;
/* That file opened (to close), checked to be the mapped one, or -1 with
 * WHY; from it, loaded at BASE: the bytes of [lo, hi), which must lie in
 * the file bytes of one read-only PT_LOAD; the NUL-ended string at A, at
 * most CAP bytes with its NUL, likewise. 0, or -1 (object-file.c). */
int bh_object_file_open(pid_t pid, uintptr_t base, const char **why) BH_HIDDEN;
int bh_file_rodata(int fd, uintptr_t base, uintptr_t lo, uintptr_t hi,
                   char *out) BH_HIDDEN;
int bh_file_string(int fd, uintptr_t base, uintptr_t a, char *out,
                   size_t cap) BH_HIDDEN;
/* Whether [lo, hi) in process PID is exactly the pages of one segment
 * marked BH_PF_EXEC_AFTER_REGISTRATION of the shared object whose file is
 * mapped read-only at BASE, every page a private, readable-only mapping of
 * that file whose bytes (read through /proc/<pid>/mem) are the file's,
 * and so every page of its other read-only segments outside RELRO (a
 * marked one may be executable already) (step 6, piece 6's look). 0, or
 * -1 with WHY (object-file.c). */
int bh_object_file_code(pid_t pid, uintptr_t base, uintptr_t lo, uintptr_t hi,
                        const char **why) BH_HIDDEN;
/* Whether [a, a + len) of the object file FD loaded at BASE lies in the
 * file bytes of a read-only PT_LOAD and on no page PT_GNU_RELRO covers:
 * what piece 6's look proves to be the file's (object-file.c). */
int bh_file_readonly_word(int fd, uintptr_t base, uintptr_t a,
                          size_t len) BH_HIDDEN;
/* Calls each(name, link-time address, size, ctx) for every executable
 * section of the ELF file FD; 0, or -1 if its section headers cannot be
 * read (object-file.c). */
int bh_file_code_sections(int fd,
                          void (*each)(const char *name, uint64_t addr,
                                       uint64_t size, void *ctx),
                          void *ctx) BH_HIDDEN;
/* The heap regions reserved for compartments registered later: PROT_NONE,
 * untagged, none given yet (lo == hi: none). */
void bh_heap_reserved(uintptr_t *lo, uintptr_t *hi) BH_HIDDEN;
/* Reserved key s's heap region, [*lo, *hi): the regions in slot order
 * (bh_state->reserved_key[s]); -1 if there is none. */
int bh_heap_reserved_slot(int s, uintptr_t *lo, uintptr_t *hi) BH_HIDDEN;
/* Whether [a, b) overlaps a compartment heap's region, those reserved for
 * compartments registered later included, or the keyed data of its
 * allocator (heap.c); or any memory of a compartment: its data, stack
 * arena (guards too, and the arenas reserved for later) or heap
 * (domain.c). */
int bh_heap_overlaps(uintptr_t a, uintptr_t b) BH_HIDDEN;
/* Where compartment i's key may tag heap memory, [r[0], r[1]) and
 * [r[2], r[3]) (empty: 0, 0): the whole reservation (a block another
 * compartment gives it lies in the giver's region) and its allocator
 * copy's keyed data (heap.c). */
void bh_heap_keyed(int i, uintptr_t r[4]) BH_HIDDEN;
/* The key of the allocator copy whose keyed data holds a (heap.c), or 0. */
int bh_heap_copy_key(uintptr_t a) BH_HIDDEN;
int bh_overlaps_compartment(uintptr_t a, uintptr_t b) BH_HIDDEN;
int bh_may_unmap(const void *p, size_t len) BH_HIDDEN;

void bh_install_fault_reporter(void) BH_HIDDEN;
/* Writes prep and the domain the code interrupted by a signal (frame uc)
 * ran in; 0, having written nothing, if that cannot be known (fault.c). */
int bh_write_running(const char *prep, const void *uc) BH_HIDDEN;
/* The PKRU frame uc will resume with; 0 if the frame holds none (fault.c). */
int bh_frame_pkru(const void *uc, uint32_t *pkru) BH_HIDDEN;
/* Where frame uc's XSAVE image holds the PKRU; NULL if it holds none. */
unsigned char *bh_frame_pkru_at(const void *uc) BH_HIDDEN;

/* This thread's FS base, from the CPU or the kernel (tls.c). */
char *bh_fs_base(void) BH_HIDDEN;
/* Unregisters the calling thread's glibc rseq area, if it has one; stops
 * the process if that fails (rseq.c). */
void bh_rseq_off(void) BH_HIDDEN;
/* Without the system-call filter: a seccomp filter whose one rule answers
 * rseq with ENOSYS, on every thread (rseq.c). */
void bh_rseq_refuse(void) BH_HIDDEN;

/* Dependencies' PKRU writes (gadgets.c): run the program again with lazy
 * binding off if any loaded object binds lazily; make every WRPKRU, XRSTOR
 * and XRSTORS in their code that is no checked gate unusable, or stop:
 * at start-up, again (quietly) at the filter's installation, and once the
 * filter is in place only stop, on them or on the program's code changed
 * from its file. */
enum { BH_SCAN_START, BH_SCAN_FILTER, BH_SCAN_FILTERED };
void bh_bind_now(char **argv, char **envp) BH_HIDDEN;
void bh_neutralise_gadgets(int when) BH_HIDDEN;
/* Part of the last scan: stops the program if its executable pages hold
 * PKRU-write bytes, or bytes around them, its file does not hold at the
 * same place. Not static only so that bench/startup can time it alone. */
struct dl_phdr_info;
void bh_program_as_linked(const struct dl_phdr_info *info) BH_HIDDEN;
/* Walks /proc/self/maps: stops the program on writable and executable
 * memory, executable memory another view can write, and PKRU writes in
 * executable memory no object in ld.so's list holds (gadgets.c). At
 * start-up, and again once the filter is in place, so that nothing made
 * executable before it goes unseen. */
void bh_check_exec_memory(void) BH_HIDDEN;
/* Stops the program if a loaded object has code it may not read (an
 * execute-only PT_LOAD: the kernel gives it its execute-only key), which
 * the start-up scans could not search (gadgets.c). */
void bh_refuse_execute_only(void) BH_HIDDEN;
/* Whether [a, a + len) lies in a part of the loaded object that is
 * read-only after relocation: a segment without write permission, or
 * RELRO (gadgets.c). */
struct dl_phdr_info;
int bh_object_read_only(const struct dl_phdr_info *info, uintptr_t a,
                        size_t len) BH_HIDDEN;
/* Before the gadget scan: every PLT jump of a loaded object through a
 * writable GOT word reads a read-only copy of it instead, on pages
 * [*lo, *hi) the system-call filter keeps so; jumps that already read a
 * copy in [done_lo, done_hi), an earlier call's, are left (plt.c). */
void bh_plt_read_only(int verbose, uintptr_t done_lo, uintptr_t done_hi,
                      uintptr_t *lo, uintptr_t *hi) BH_HIDDEN;
/* Start-up, before bh_plt_read_only: records the loaded objects' spans
 * and .eh_frame_hdr, and libgcc_s's _Unwind_Find_FDE, on pages [*lo, *hi)
 * made read-only (unwind-find.c). */
void bh_unwind_objects_init(uintptr_t *lo, uintptr_t *hi) BH_HIDDEN;
/* A word an object's LSDA names indirectly (a type word) and its value
 * (unwind-find.c). */
struct bh_unwind_word {
  uintptr_t at, value;
};
/* The type words of the registered object at BASE, with the values they
 * hold now, into *OUT (mapped; munmap n entries): how many. */
size_t bh_unwind_object_words(uintptr_t base,
                              struct bh_unwind_word **out) BH_HIDDEN;
/* The area where the late objects' words are kept, read-only, reserved at
 * start-up: its address (a count, a pad word, then the entries) and how
 * many entries it holds at most. */
void bh_unwind_late_area(uintptr_t *at, size_t *max) BH_HIDDEN;
/* Without the filter: W's N words into that area (fresh pages moved over
 * it); a word there already keeps its first value. */
void bh_unwind_late_add(const struct bh_unwind_word *w, size_t n) BH_HIDDEN;
/* Start-up, and again at the filter's installation: stops the program if
 * a loaded object other than libgcc_s.so.1 and the program defines
 * _Unwind_RaiseException (unwind-only.c). */
void bh_unwinder_only_libgcc(void) BH_HIDDEN;
/* With a compartment's rights: into *COPY a copy of the FDE at FDE for
 * PC (its CIE read into C), and of its LSDA, that names no writable word,
 * and whose CFA rule at PC is checked (a walk re-enters the compartment's
 * arena only through a call out), the
 * words' values from W, on this thread's stack of the compartment (NULL
 * if it cannot be copied, with the reason in *WHY unless the runtime's own
 * walk is under way: then no FDE); 1, or 0 if the thread runs on no stack
 * of the compartment (unwind-copy.c). */
struct bh_cie;
struct bh_words;
int bh_unwind_copy(const uint8_t *fde, uintptr_t pc, const struct bh_cie *c,
                   const struct bh_words *w, const void **copy,
                   const char **why) BH_HIDDEN;
/* Around the runtime's own calls of _Unwind_Backtrace: a copy refused
 * meanwhile ends the walk quietly, and signal frames are let through
 * (unwind-copy.c). Begin blocks every signal, the mask before into *MASK,
 * and returns 1 if the thread runs on a stack of the compartment whose
 * rights it holds (else 0, nothing done); then end must follow. */
int bh_unwind_walk_begin(uint64_t *mask) BH_HIDDEN;
void bh_unwind_walk_end(const uint64_t *mask) BH_HIDDEN;
/* Whether the unwinder may go through a signal frame here (unwind-find.c):
 * the thread runs on no stack of the compartment whose rights it holds
 * (its frames are key-0 memory: nothing to keep), or such a walk is under
 * way (unwind-copy.c). */
int bh_unwind_signal_frame_ok(void) BH_HIDDEN;
/* What a PLT jump to TARGET should read instead (plt.c): the runtime's
 * FDE lookup for _Unwind_Find_FDE, TARGET otherwise; said on stderr when
 * VERBOSE, naming OBJECT. */
uint64_t bh_unwind_jump(uint64_t target, int verbose,
                        const char *object) BH_HIDDEN;
/* Start-up, before that scan: makes every readable private page of each
 * file mapped now that the process could change (its ids, its
 * capabilities, a descriptor open for writing) its own copy, so that what
 * the scan sees is what runs (supervisor-own.c); the pages copied (pages
 * already copied are left). Stops the process if one cannot be. Again at
 * the filter's installation: for what constructors mapped since. */
long bh_own_startup_pages(int verbose) BH_HIDDEN;

/* Code addresses (symbolize.c): the loaded object holding pc and the offset
 * in it; "function+0xN (object+0xM)" on stderr. */
int bh_code_module(uintptr_t pc, const char **path,
                   uintptr_t *offset) BH_HIDDEN;
void bh_write_code_address(uintptr_t pc) BH_HIDDEN;
/* Up to max return addresses of this thread's stack, innermost first,
 * reading no compartment's memory but own's (-1: none) (unwind.c). */
int bh_backtrace(uintptr_t *out, int max, int own) BH_HIDDEN;
int bh_backtrace_across(uintptr_t *out, uintptr_t *sp, int max,
                        int own) BH_HIDDEN;

/* The sharing-policy recorder (record.c), on when bh_state->record is set:
 * set up before main from BULKHEAD_SHARE_RECORD; compartment i's blocks as
 * they come and go; a default-domain fault at pc on addr in i's heap
 * (1: a recorded block, its stack written out), or on its stack (the
 * frame holding addr written out). */
void bh_record_init(char **envp, struct bh_state *s) BH_HIDDEN;
void bh_share_init(struct bh_state *s) BH_HIDDEN;
void bh_record_alloc(int i, const void *p, size_t size,
                     const void *caller) BH_HIDDEN;
void bh_record_free(const void *p) BH_HIDDEN;
int bh_record_fault(int i, uintptr_t addr, uintptr_t pc) BH_HIDDEN;
void bh_record_stack_fault(int i, uintptr_t addr, uintptr_t pc) BH_HIDDEN;
/* Each compartment stack's lowest pages: a guard page, the stack the C++
 * exception hand-over runs on with the thrower's rights (exceptions.c;
 * its top is the ring's start), the ring of the unwinder's copies
 * (unwind-copy.c), a guard page; its frames start at BH_STACK_LOW above
 * its base (stacks.c). In the ring's header at BH_RING_HANDOVER: whether
 * a hand-over runs on that stack, then the signal mask it blocked. */
#define BH_EXC_STACK 8192 /* a number: the stub (exceptions.c) names it */
#define BH_UNWIND_RING (16u << 10)
#define BH_STACK_LOW (BH_PAGE + BH_EXC_STACK + BH_UNWIND_RING + BH_PAGE)
#define BH_RING_HANDOVER 32
#define BH_RING_HANDOVER_MASK 40
/* The ring of this thread's stack of compartment c that holds sp, or NULL
 * if sp is on no stack of c's that this thread holds (stacks.c). Both
 * give the number of the thread's claim of the stack in *claim
 * (syscalls.h, bh_owner_table). */
char *bh_stack_ring(int c, const char *sp, uint64_t *claim) BH_HIDDEN;
/* Review 55: with compartment c's rights, voids (zeroes) the marked
 * cookies (abi.h, BH_STATIC_FRAME_MARK) of c's calls out, and the cookies
 * of its run-time-chosen calls' records (review 57), whose records lie
 * on this thread's stack of c between the stack's mark and `below`: dead
 * frames an exception or a longjmp left, whose way back never ran
 * (stacks.c). Nothing if `below` is on no stack of c's this thread holds. */
void bh_stack_void_records(int c, const char *below) BH_HIDDEN;
/* A jump with compartment c's rights to stack pointer `to`, off c's
 * stacks: the records of the entries into c on this thread's stack whose
 * callers' frames it skips are voided; skipping the outermost entry's
 * caller voids them all, and the next entry starts the stack over
 * (stacks.c). */
void bh_stack_left(int c, uintptr_t to) BH_HIDDEN;
/* Run with compartment c's rights (bh_run_in_compartment) for a longjmp
 * made with the default domain's rights from stack pointer lo to hi:
 * voids the records of the calls out of c nested in the entries into c
 * whose caller's frame lies in [lo, hi) (stacks.c). */
uintptr_t bh_stack_void_skipped(uintptr_t c, uintptr_t lo, uintptr_t hi,
                                uintptr_t caller_sp) BH_HIDDEN;
/* The same for a setcontext or swapcontext (signals.c, leaving_to): only
 * the entries whose caller's frame is on the stack it switches to. */
uintptr_t bh_stack_void_switched(uintptr_t c, uintptr_t lo, uintptr_t hi,
                                 uintptr_t caller_sp) BH_HIDDEN;
/* A compartment's stack arena, its leading guard included. */
#define BH_ARENA_SIZE                                                          \
  (BH_ARENA_GUARD + (size_t)BH_STACKS_PER_ARENA * BH_STACK_SIZE)
void bh_stacks_init(void) BH_HIDDEN;
/* In a forked child, once: the forking thread takes over every stack, and
 * those of the gone threads start over (stacks.c). */
void bh_stacks_after_fork(void) BH_HIDDEN;
/* The number of this thread's stack of compartment c; if it holds none,
 * one claimed now (or_claim) or -1 (stacks.c). */
int bh_stack_mine(int c, int or_claim) BH_HIDDEN;
/* fn(c, arg) with compartment c's rights on the hand-over stack of its
 * stack i, which this thread holds, every signal blocked (stacks.c). */
uintptr_t bh_stack_on(int c, int i,
                      uintptr_t (*fn)(uintptr_t, uintptr_t, uintptr_t,
                                      uintptr_t),
                      uintptr_t arg) BH_HIDDEN;
/* pthread_atfork handlers (fork.c). */
void bh_fork_init(void) BH_HIDDEN;
/* dlopen.c's registration lock, held across a fork (fork.c). */
int bh_registration_hold(void) BH_HIDDEN;
void bh_registration_release(void) BH_HIDDEN;
/* Reserves COUNT stack arenas for compartments registered later,
 * PROT_NONE and untagged (stacks.c); their bounds into *lo, *hi. */
void bh_stack_arenas_reserve(int count, uintptr_t *lo, uintptr_t *hi) BH_HIDDEN;
/* Gives compartment index i, registered after start-up, its entries in the
 * gate table: its PKRU, and its stack slot's offset from the thread
 * pointer, SLOT_TPOFF (enter.c). */
void bh_index_add(size_t i, const struct bulkhead_domain *d,
                  long slot_tpoff) BH_HIDDEN;
/* Puts the read-only page FRESH (mapped by the caller, filled) in place of
 * the page at DST, which is never writable where it is read (dlopen.c). */
void bh_replace_page(void *dst, void *fresh) BH_HIDDEN;
/* Tags compartment d's data with its key (init.c). */
void bh_tag_data(struct bulkhead_domain *d) BH_HIDDEN;
/* Compartment d's stack arena, tagged with its key PKEY (stacks.c); its
 * bounds into d; returns d's stack_lo as set. */
char *bh_stack_arena(struct bulkhead_domain *d, int pkey) BH_HIDDEN;
/* BULKHEAD_STATS=1 (stats.c). */
void bh_stats_init(char **envp) BH_HIDDEN;
void bh_stats_stack(struct bulkhead_domain *d) BH_HIDDEN;
void bh_stats_heap(int i, long delta) BH_HIDDEN;
void bh_stats_unwind_copy(size_t bytes) BH_HIDDEN;
void bh_signals_init(void) BH_HIDDEN;
void bh_sigstack_thread_init(void) BH_HIDDEN;
#ifdef BH_BENCH_NOP_WRPKRU
/* The bench-only runtime: GS at this thread's stand-in PKRU (init.c). */
void bh_bench_nop_thread_init(void) BH_HIDDEN;
#endif
void bh_rt_stack_thread_init(void) BH_HIDDEN;
/* Gates into a domain chosen at run time (enter.c): compartment i
 * (0-14), or the default domain for any other i, which first clears the
 * caller-saved registers, vector ones whole. */
void bh_enter_init(void) BH_HIDDEN;
void bh_enter_index(int i) __asm__(BH_SYM_ENTER_INDEX) BH_HIDDEN;
/* This thread's stack slot (see pass/Stacks.cpp) of the compartment whose
 * stack holds sp; NULL if sp is on no compartment's stack. */
void **bh_stack_slot_at(const char *sp) BH_HIDDEN;
/* Compartment c's stack-slot offset from the thread pointer, from a
 * read-only table (enter.c); 0 if it has none. */
long bh_slot_tpoff(int c) BH_HIDDEN;
/* fn(a, b, c, caller_sp) with compartment i's rights, on the stack ending
 * at sp (i's memory), then back with the default domain's rights on the
 * caller's stack; fn's result (enter.c). caller_sp is the caller's stack
 * pointer at the call, from a register: no store can change it. The
 * caller blocks signals. */
uintptr_t bh_run_in_compartment(int i, char *sp,
                                uintptr_t (*fn)(uintptr_t, uintptr_t, uintptr_t,
                                                uintptr_t),
                                uintptr_t a, uintptr_t b,
                                uintptr_t c) BH_HIDDEN;

#endif
