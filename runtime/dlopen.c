/* dlopen.c - shared objects with compartments loaded after start-up
 * (docs/shared-objects.md, step 6). Such an object calls
 * bh_register_loaded first thing of its initialisation, before any of its
 * constructors (runtime/dso-object.c); this registers every loaded object
 * with a Bulkhead note that is not registered yet, as start-up does:
 * keys, data tags, stack arenas, descriptors read-only, gate table and
 * table of compartments, the object's copies of the runtime's words,
 * then heaps. Without the system-call filter the runtime writes all of it
 * on fresh pages moved over the old ones; under it (register_filtered)
 * the supervisor writes it, once the object's own filter protects its
 * pages and its keys are given (step 6, pieces 3 to 5). */
#define _GNU_SOURCE
#include "internal.h"
#include "syscalls.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PKEY_BITS(k) (3u << (2 * (k)))
#define PKEY_AD(k) (1u << (2 * (k)))

static pthread_mutex_t registering = PTHREAD_MUTEX_INITIALIZER;
/* This thread is inside registration: a fork from there (a constructor,
 * an interposed mprotect) must not wait for its own thread. Key-0, like
 * the mutex itself: rewritten, it only lets a fork skip the hold. */
static __thread int registering_here;

static void lock_registration(void) {
  pthread_mutex_lock(&registering);
  registering_here = 1;
}

static void unlock_registration(void) {
  registering_here = 0;
  pthread_mutex_unlock(&registering);
}

/* Across a fork (fork.c): no compartment comes while its locks are held.
 * Returns whether it took the lock (not when this thread holds it). */
int bh_registration_hold(void) {
  if (registering_here)
    return 0;
  pthread_mutex_lock(&registering);
  return 1;
}

void bh_registration_release(void) { pthread_mutex_unlock(&registering); }

static uintptr_t hex(const char **p) {
  uintptr_t v = 0;
  for (;; (*p)++) {
    char c = **p;
    int d = c >= '0' && c <= '9'   ? c - '0'
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                   : -1;
    if (d < 0)
      return v;
    v = v << 4 | (uintptr_t)d;
  }
}

/* One line of /proc/self/maps: "lo-hi perms offset dev inode path". */
static void maps_line(const char *l, uintptr_t *cur, uintptr_t end, int w) {
  uintptr_t lo = hex(&l);
  if (*l++ != '-')
    return;
  uintptr_t hi = hex(&l);
  if (*l++ != ' ' || !(lo <= *cur && *cur < hi) || l[0] != 'r' ||
      (l[1] == 'w') != w)
    return;
  if (!w) { /* file-backed: an inode */
    for (int field = 0; field < 3; field++) {
      while (*l && *l != ' ')
        l++;
      while (*l == ' ')
        l++;
    }
    if (*l == '0' && (l[1] == ' ' || !l[1] || l[1] == '\n'))
      return;
  }
  *cur = hi < end ? hi : end;
}

struct span_walk {
  uintptr_t cur, end;
  int writable;
};
static int span_line(char *line, void *ctx) {
  struct span_walk *w = ctx;
  maps_line(line, &w->cur, w->end, w->writable);
  return w->cur >= w->end;
}

int bh_mapped_as(uintptr_t a, size_t len, int writable) {
  /* The kernel's view, not ld.so's (its list is key-0 memory after
   * start-up): mappings in ascending order, so one pass. */
  int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    bh_fatal("cannot read /proc/self/maps to register a shared object");
  char line[512];
  struct span_walk w = {a, a + len, writable};
  bh_each_line(fd, line, sizeof line, span_line, &w);
  close(fd);
  return len && w.end > a && w.cur >= w.end;
}

void bh_replace_page(void *dst, void *fresh) {
  if (mprotect(fresh, BH_PAGE, PROT_READ) ||
      mremap(fresh, BH_PAGE, BH_PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, dst) ==
          MAP_FAILED)
    bh_fatal("cannot replace a read-only page of the runtime: %s",
             strerror(errno));
}

static void *fresh_copy(const void *page) {
  void *w = mmap(NULL, BH_PAGE, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (w == MAP_FAILED)
    bh_fatal("cannot map a page to register a shared object");
  memcpy(w, page, BH_PAGE);
  return w;
}

/* A key for compartment i of table T, closed to every domain so far. */
static long new_key(const struct bh_domain_table *t, size_t i) {
  const struct bulkhead_domain *d = t->domain[i];
  long key = syscall(SYS_pkey_alloc, 0, PKEY_DISABLE_ACCESS);
  if (key < 0) {
    char list[1024];
    if (errno == ENOSPC)
      bh_fatal("out of protection keys: no key left for compartment '%s' of "
               "%s (loaded with dlopen); compartments:%s",
               d->name, t->object[i],
               bh_loaded_compartments(t, list, sizeof list));
    bh_fatal("pkey_alloc for compartment '%s' of %s: %s", d->name, t->object[i],
             strerror(errno));
  }
  /* The domains made so far hold Linux's initial value for keys they did
   * not allocate: access disabled. A process started otherwise would give
   * them the new compartment's memory. */
  int open = !(__bulkhead_domain0.pkru & PKEY_AD(key));
  for (size_t j = 0; j < i; j++)
    open |= !(t->domain[j]->pkru & PKEY_AD(key));
  if (open)
    bh_fatal("protection key %ld, for compartment '%s' of %s, is open to "
             "domains made at start-up",
             key, d->name, t->object[i]);
  return key;
}

/* Compartment i's stack slot, as an offset from the thread pointer (the
 * same for every thread: the slot is in the object's static TLS), read
 * from the object's GOT, where ld.so put it before making it read-only
 * (-z now, RELRO), through its slot-address function's fixed code
 * (BH_SLOT_ADDRESS_ASM): decoded, never called, since the object's code
 * becomes executable only after its words are final. */
static long slot_offset(const struct bh_domain_table *t, size_t i) {
  static const unsigned char mov[] = {0x48, 0x8b, 0x05},
                             rest[] = {0x64, 0x48, 0x03, 0x04, 0x25,
                                       0,    0,    0,    0,    0xc3};
  _Static_assert(sizeof mov + 4 + sizeof rest == BH_SLOT_ADDRESS_SIZE,
                 "BH_SLOT_ADDRESS_ASM's encoding");
  const unsigned char *f =
      (const unsigned char *)(uintptr_t)t->domain[i]->slot_address;
  int32_t rel = 0;
  if (f && bh_mapped_as((uintptr_t)f, BH_SLOT_ADDRESS_SIZE, 0) &&
      !memcmp(f, mov, sizeof mov) && !memcmp(f + 7, rest, sizeof rest)) {
    memcpy(&rel, f + 3, 4);
    const unsigned char *got = f + 7 + rel;
    long off;
    if (bh_mapped_as((uintptr_t)got, sizeof off, 0)) {
      memcpy(&off, got, sizeof off);
      return off;
    }
  }
  bh_fatal("the stack slot of compartment '%s' of %s cannot be read from the "
           "object's code; rebuild it with this bulkhead-clang",
           t->domain[i]->name, t->object[i]);
}

/* Compartment i's data, tagged now, put back as the object's file says
 * (object-file.c): from ld.so's mapping until the tag it was key-0 memory
 * that another thread could rewrite (review 10,
 * dso/attacks-review10-dlopen-data.test). Written through /proc/self/mem,
 * which ignores keys (a program without the filter may open it); nothing
 * of the object has run yet, so the file's bytes and relocations are all
 * it should hold. */
static const struct bh_object *object_of(const struct bh_domain_table *t,
                                         size_t i) {
  for (size_t k = 0; k < t->objects; k++)
    if ((char *)t->domain[i] >= t->obj[k].domains_lo &&
        (char *)t->domain[i] < t->obj[k].domains_hi)
      return &t->obj[k];
  return NULL;
}

static void restore_data(const struct bh_domain_table *t, size_t i,
                         const struct bulkhead_domain *d) {
  uintptr_t lo = (uintptr_t)d->data_start, hi = (uintptr_t)d->data_end;
  if (hi <= lo)
    return;
  const struct bh_object *o = object_of(t, i);
  unsigned char *buf = mmap(NULL, hi - lo, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  const char *why = "its object is not registered";
  int mem = -1;
  if (buf == MAP_FAILED)
    bh_fatal("cannot map memory to register a shared object");
  if (!o || bh_object_file_data(getpid(), o->base, lo, hi, buf, &why) ||
      (why = "cannot open /proc/self/mem",
       (mem = open("/proc/self/mem", O_RDWR | O_CLOEXEC)) < 0) ||
      (why = "cannot write it",
       pwrite(mem, buf, hi - lo, (off_t)lo) != (ssize_t)(hi - lo)))
    bh_fatal("cannot put the data of compartment '%s' of %s back from its "
             "file: %s",
             d->name, t->object[i], why);
  close(mem);
  munmap(buf, hi - lo);
}

/* Compartment i's descriptor, made final on a fresh page: the object's
 * (key-0 memory until now, which another thread may be rewriting) copied,
 * the runtime's fields set, the page made read-only, and only then
 * checked and used; then moved over the object's page. */
static void make_descriptor(const struct bh_domain_table *t, size_t i) {
  struct bulkhead_domain *d = fresh_copy(t->domain[i]);
  long key = new_key(t, i);
  uint32_t pkru = __bulkhead_domain0.pkru & ~PKEY_BITS(key);
  d->pkey = (int32_t)key;
  d->pkru = pkru;
  char *lo = bh_stack_arena(d, (int)key);
  if (mprotect(d, BH_PAGE, PROT_READ))
    bh_fatal("cannot make a descriptor read-only");
  size_t len = (size_t)(d->data_end - d->data_start);
  if (d->pkey != key || d->pkru != pkru || d->stack_lo != lo ||
      d->abi_version != BH_ABI_VERSION || d->data_end < d->data_start)
    bh_fatal("the descriptor of a compartment of %s changed while it was "
             "registered",
             t->object[i]);
  /* Its data bounds as the object's file gives them (RELATIVE
   * relocations): the descriptor was key-0 memory until the copy. */
  const struct bh_object *o = object_of(t, i);
  uintptr_t bounds[2];
  const char *why = "its object is not registered";
  if (!o || bh_object_file_data(
                getpid(), o->base, (uintptr_t)&t->domain[i]->data_start,
                (uintptr_t)&t->domain[i]->data_end + sizeof d->data_end,
                (unsigned char *)bounds, &why))
    bh_fatal("cannot read the descriptor of compartment '%s' of %s from its "
             "file: %s",
             d->name, t->object[i], why);
  if (bounds[0] != (uintptr_t)d->data_start ||
      bounds[1] != (uintptr_t)d->data_end)
    bh_fatal("compartment '%s' of %s claims data its file does not give it",
             d->name, t->object[i]);
  /* Still its object's writable memory (domain.c checked it in the
   * object's segments before), and no compartment's. */
  if (len && (!bh_mapped_as((uintptr_t)d->data_start, len, 1) ||
              bh_overlaps_compartment((uintptr_t)d->data_start,
                                      (uintptr_t)d->data_end)))
    bh_fatal("compartment '%s' of %s claims memory that is not its own",
             d->name, t->object[i]);
  bh_tag_data(d);
  restore_data(t, i, d);
  bh_replace_page(t->domain[i], d);
}

/* An object's copies of the runtime's words, filled on fresh pages made
 * read-only and then moved over the object's: never writable where its
 * gates read them. */
static void make_copies(char *copies) {
  char *w = mmap(NULL, BH_COPY_SIZE, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (w == MAP_FAILED)
    bh_fatal("cannot map pages to register a shared object");
  bh_fill_copies(w); /* read-only after */
  if (mremap(w, BH_COPY_SIZE, BH_COPY_SIZE, MREMAP_MAYMOVE | MREMAP_FIXED,
             copies) == MAP_FAILED)
    bh_fatal("cannot put a shared object's copies in place: %s",
             strerror(errno));
}

/* ------------------------------------------ under the system-call filter */

static long ask(int op, uintptr_t a, uintptr_t b) {
  return bh_supervisor_request(op, (long)a, (long)b);
}

/* The name of object k of T: its first compartment's entry. */
static const char *object_name(const struct bh_domain_table *t, size_t k) {
  for (size_t i = 0; i < t->count; i++)
    if (object_of(t, i) == &t->obj[k])
      return t->object[i];
  return "a shared object";
}

static void read_only(const char *obj, const char *what, void *lo, size_t len) {
  if (len && mprotect(lo, len, PROT_READ))
    bh_fatal("cannot make %s of %s read-only before its filter: %s", what, obj,
             strerror(errno));
}

/* Object k's pages the supervisor writes (descriptors, copies, imports)
 * made read-only, while a plain mprotect of them still goes through:
 * BH_KEY_GIVE requires them so; then its own filter, which the
 * supervisor writes into the policy's page, installed from there on
 * every thread and checked (step 6, piece 4). From then on nothing can
 * make its pages writable, unmap or replace them. */
static void protect_object(const struct bh_domain_table *t, size_t k) {
  const struct bh_object *o = &t->obj[k];
  const char *obj = object_name(t, k);
  read_only(obj, "the descriptors", o->domains_lo,
            (size_t)(o->domains_hi - o->domains_lo));
  read_only(obj, "the copies", o->copies, BH_COPY_SIZE);
  read_only(obj, "the imports", o->imports_lo,
            (size_t)(o->imports_hi - o->imports_lo));
  const char *step = "writing";
  long r = ask(BH_FILTER_WRITE, o->base, 0);
  if (!r) {
    step = "installing";
    r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC,
                bh_policy->filter_page);
  }
  if (r > 0) /* TSYNC: the thread that could not take it */
    bh_fatal("installing the filter of %s, loaded with dlopen, failed: "
             "thread %ld could not take it",
             obj, r);
  if (!r) {
    step = "checking";
    r = ask(BH_FILTER_CHECK, 0, 0);
  }
  if (r)
    bh_fatal("%s the filter of %s, loaded with dlopen, failed: %s", step, obj,
             strerror(errno));
}

/* Compartment i's key, reserved at start-up, given by the supervisor
 * (step 6, piece 3): the four tags it lets through (its stack cookie and
 * arena, its heap region, its data as the object's file says), then
 * BH_KEY_DONE, after which the supervisor has written the data back, the
 * descriptor, the gate-table entry and the table of compartments, and
 * the copies (piece 5). Returns the key. */
static long grant(const struct bh_domain_table *t, size_t i) {
  const char *obj = t->object[i];
  const struct bh_object *o = object_of(t, i);
  uintptr_t desc = (uintptr_t)t->domain[i], bounds[2];
  const char *why = "its object is not registered";
  if (!o || bh_object_file_data(
                getpid(), o->base, (uintptr_t)&t->domain[i]->data_start,
                (uintptr_t)&t->domain[i]->data_end + sizeof(void *),
                (unsigned char *)bounds, &why))
    bh_fatal("cannot read the descriptor of a compartment of %s from its "
             "file: %s",
             obj, why);
  long key = ask(BH_KEY_GIVE, o->base, desc);
  int s = 0;
  while (key >= 0 && s < bh_state->reserved_keys &&
         bh_state->reserved_key[s] != key)
    s++;
  if (key < 0 && errno == ENOSPC) {
    char list[1024];
    bh_fatal("out of protection keys: none left for a compartment of %s "
             "(loaded with dlopen; %d reserved at start-up, see "
             "BULKHEAD_LATE_COMPARTMENTS); compartments:%s",
             obj, bh_state->reserved_keys,
             bh_loaded_compartments(t, list, sizeof list));
  }
  if (key < 0 || s == bh_state->reserved_keys)
    bh_fatal("the supervisor gave no key to a compartment of %s: %s", obj,
             key < 0 ? strerror(errno) : "not a reserved key");
  uintptr_t arena = bh_state->arena_lo + (uintptr_t)s * BH_ARENA_SIZE;
  uintptr_t hlo, hhi;
  bh_heap_reserved_slot(s, &hlo, &hhi);
  if (syscall(SYS_pkey_mprotect, arena, BH_PAGE, PROT_READ, key) ||
      syscall(SYS_pkey_mprotect, arena + BH_PAGE, BH_ARENA_SIZE - BH_PAGE,
              PROT_NONE, key) ||
      (hhi > hlo && syscall(SYS_pkey_mprotect, hlo, hhi - hlo,
                            PROT_READ | PROT_WRITE, key)) ||
      (bounds[1] > bounds[0] &&
       syscall(SYS_pkey_mprotect, bounds[0], bounds[1] - bounds[0],
               PROT_READ | PROT_WRITE, key)))
    bh_fatal("cannot tag the memory of a compartment of %s with key %ld: %s",
             obj, key, strerror(errno));
  long index = ask(BH_KEY_DONE, (uintptr_t)key, 0);
  if (index < 0)
    bh_fatal("the supervisor did not publish a compartment of %s: %s", obj,
             strerror(errno));
  /* The table is the supervisor's now: the compartment where this
   * registration counted on it, and nowhere else. */
  if ((size_t)index != i || bh_domain_count() != i + 1 ||
      bh_domain_at(i) != t->domain[i])
    bh_fatal("the supervisor published a compartment of %s as index %ld, "
             "not %zu",
             obj, index, i);
  return key;
}

/* Object k's type words for the unwinder (issue 11, review 75): each
 * word its LSDAs name indirectly, recorded read-only before any of its
 * code runs, so that a compartment's throw reads no key-0 word to match
 * a catch clause (unwind-find.c, unwind-copy.c copy_lsda). Under the
 * filter the walk only says where the words are; the supervisor takes
 * each value from the word's relocation, never from memory
 * (supervisor-unwind.c). Without it the values are the words as they are
 * now: between ld.so's relocation of the object's .data and this,
 * another thread could have stored first (docs/threat-model.md). */
static void record_type_words(const struct bh_domain_table *t, size_t k,
                              int filtered) {
  struct bh_unwind_word *w;
  size_t n = bh_unwind_object_words(t->obj[k].base, &w);
  if (!n)
    return;
  if (!filtered)
    bh_unwind_late_add(w, n);
  else if (ask(BH_UNWIND_WORDS, (uintptr_t)w, n))
    bh_fatal("the supervisor did not record the type words of %s for the "
             "unwinder: %s",
             object_name(t, k), strerror(errno));
  munmap(w, n * sizeof *w);
}

/* Registration under the filter: no fresh pages moved over read-only ones
 * (the filter refuses mremap there); the runtime asks, the supervisor
 * writes (docs/shared-objects.md, step 6). For each new object, in
 * order: its pages read-only and its filter, then each compartment's key,
 * then the heaps, then its code. */
static void register_filtered(const struct bh_domain_table *t, size_t first,
                              size_t old) {
  for (size_t k = old; k < t->objects; k++) {
    protect_object(t, k);
    record_type_words(t, k, 1);
    for (size_t i = first; i < t->count; i++)
      if (object_of(t, i) == &t->obj[k])
        grant(t, i);
  }
  for (size_t i = first; i < t->count; i++)
    bh_heap_add(i);
  /* Last, as without the filter: the supervisor allows this mprotect only
   * for an object it registered (step 6, piece 6). Until it does, it
   * stops the process here, naming the object's file. */
  bh_exec_objects(t, old, 1);
}

/* Called by a shared object with compartments before its constructors
 * (dso-object.c); exported by every executable linked with the runtime.
 * No argument: what it registers comes from the notes (domain.c). */
void bh_register_loaded(void) __asm__(BH_SYM_DSO_REGISTER);
void bh_register_loaded(void) {
  lock_registration();
  struct bh_domain_table *t = fresh_copy(&bh_domain_table);
  size_t first = t->count, old = t->objects;
  bh_find_objects(t, first, 1);
  if (t->objects == old) { /* all registered (at start-up, or before) */
    munmap(t, BH_PAGE);
    unlock_registration();
    return;
  }
  const char *obj = first < t->count ? t->object[first] : "a shared object";
  if (bh_state->unprotected || !__bulkhead_domain0.enforced)
    bh_fatal("%s, loaded with dlopen, holds compartments, but this program "
             "set up no protection keys at start-up (it has no compartment "
             "of its own or of a library linked with it%s); "
             "docs/shared-objects.md",
             obj, bh_state->unprotected ? ", or runs unprotected" : "");
  for (size_t k = old; k < t->objects; k++)
    if (t->obj[k].share_hi > t->obj[k].share_lo)
      bh_fatal("%s, loaded with dlopen, has a sharing policy "
               "(-fpkey-share): not supported after start-up yet; link "
               "it with the program (docs/shared-objects.md)",
               obj);
  if (bh_policy->on) {
    register_filtered(t, first, old);
    munmap(t, BH_PAGE);
    unlock_registration();
    return;
  }
  if (!bh_late_objects_possible())
    bh_fatal("%s, loaded with dlopen, holds compartments: this program "
             "reserved nothing for compartments loaded later; "
             "docs/shared-objects.md",
             obj);
  for (size_t i = first; i < t->count; i++)
    make_descriptor(t, i);
  /* Published: gate entries first, then the table that counts them. */
  for (size_t i = first; i < t->count; i++)
    bh_index_add(i, t->domain[i], slot_offset(t, i));
  bh_replace_page(&bh_domain_table, t);
  bh_fill_imports(old);
  for (size_t k = old; k < bh_domain_table.t.objects; k++)
    make_copies(bh_domain_table.t.obj[k].copies);
  extern const char bh_index_table[] __asm__(BH_SYM_INDEX_TABLE) BH_HIDDEN;
  for (size_t k = 0; k < old; k++) {
    char *c = bh_domain_table.t.obj[k].copies;
    bh_replace_page(c + BH_COPY_INDEX_TABLE, fresh_copy(bh_index_table));
    bh_replace_page(c + BH_COPY_DOMAIN_TABLE, fresh_copy(&bh_domain_table));
  }
  for (size_t i = first; i < bh_domain_count(); i++)
    bh_heap_add(i);
  for (size_t k = old; k < bh_domain_table.t.objects; k++)
    record_type_words(&bh_domain_table.t, k, 0);
  /* Last: the new objects' code, readable only until now
   * (tools/dso-inert.h), none of which registration ran; its gates' words
   * are final (docs/shared-objects.md, step 6, piece 2). */
  bh_exec_objects(&bh_domain_table.t, old, 1);
  unlock_registration();
}

/* What a shared object with compartments refers to (dso-object.c), its
 * first .init_array entry: registration, under a name that tells a
 * program built without the runtime what it lacks. */
extern void bh_dso_needs_runtime(void) __asm__(BH_SYM_DSO_NEEDS_RUNTIME)
    __attribute__((alias(BH_SYM_DSO_REGISTER)));
