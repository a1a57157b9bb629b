/*
 * exceptions.c - C++ exception objects, allocated by the thrower's domain
 * and handed over where they enter another (issue 11, docs/design.md,
 * "Exceptions").
 *
 * libstdc++ keeps in front of every thrown object its header (type,
 * destructor, the landing pad its search phase found) and libgcc's unwind
 * header (exception_cleanup, the forced unwind's stop function), and calls
 * through them with the rights of whoever throws, unwinds and catches. Its
 * __cxa_allocate_exception took them from malloc, routed to the shared
 * heap: key-0 memory, which any domain could rewrite while a compartment
 * used them (attacks-rev30-landing-pad.cpp, attacks-rev33-unwind-stop-fn.cpp,
 * attacks-rev25-exception-ptr.cpp). libstdc++ calls these functions through
 * its PLT, so the executable's definitions below are the ones it reaches
 * (weak, as terminate.c's: a static libstdc++ keeps its own, and the
 * driver refuses that link anyway).
 *
 *   The default domain: as libstdc++, from the shared heap.
 *   Compartment T: a page-aligned block of whole pages from T's own heap,
 *   a record (struct bh_exc_record) then libstdc++'s header then the
 *   object, so that no other data of T's shares its pages. T's table of
 *   its blocks (struct bh_exc_list: on T's key, in its heap's metadata
 *   area, which its malloc never hands out) has an entry for each from
 *   allocation to free: whether a block is one of T's own live ones, and
 *   how long, is asked of the table only, never of the block's bytes
 *   (T's heap also holds what its callers give it: review 56).
 *
 * The pass calls __bulkhead_exception_arrives at the start of every landing
 * pad of a non-shared function, before its gate, with the thrower's rights
 * (the unwinder's), on a stack of T's (the stub at the end). When they are
 * T's and the pad is another domain's D, T gives the block to D: its pages
 * get D's key (pkey_mprotect; under the system-call filter the supervisor
 * allows it for a block T's table names as being given, supervisor-keys.c)
 * and T's table notes it given. D frees it later with its own rights
 * (__cxa_free_exception): that only marks it released (in the block, D's
 * memory, and in a key-0 hint); T takes its released blocks back when it
 * next allocates or frees an exception: the pages get T's key again (the
 * supervisor checks the mark), then T's heap has the block. A lying mark
 * hurts only the domain that wrote it (its exception is taken away while
 * it uses it).
 */
#define _GNU_SOURCE
#include "internal.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* libstdc++'s layout (unwind-cxx.h, GCC 12): __cxa_refcounted_exception
 * is 128 bytes before the object, its unwind header at 96; a
 * __cxa_dependent_exception (std::rethrow_exception) is 112 bytes, its
 * first word the primary's object, its unwind header at 80. */
#define HDR 128
#define HDR_UNWIND 96
#define DEP 112
#define DEP_UNWIND 80
#define REC sizeof(struct bh_exc_record)
#define MAGIC 0x6365786568627562ull /* "bubhexec" */
#define GNU_CXX 0x474e5543432b2b00ull     /* "GNUCC++\0" */
#define GNU_CXX_DEP 0x474e5543432b2b01ull /* "GNUCC++\1": dependent */
_Static_assert(REC == 64, "the record keeps the header 16-aligned");

extern void _ZSt9terminatev(void) __attribute__((noreturn));

/* Set by a receiver's free for slot s of compartment c's table: a key-0
 * hint, for blocks given to another compartment, which c cannot read. */
static volatile uint8_t released_hint[BH_MAX_COMPARTMENTS][BH_EXC_MAX];

static int key_of(int c) { return c < 0 ? 0 : bh_domain_at((size_t)c)->pkey; }

static const char *name_of(int c) {
  return c < 0 ? "the default domain" : bh_domain_at((size_t)c)->name;
}

/* No libc: its errno is reached through the thread pointer, key-0. */
static long retag(void *a, size_t len, int key) {
  return bh_raw_syscall(SYS_pkey_mprotect, (long)a, (long)len,
                        PROT_READ | PROT_WRITE, key);
}

static void lock(struct bh_exc_list *l) { bh_lock_take(&l->lock); }

static void unlock(struct bh_exc_list *l) { bh_lock_give(&l->lock); }

/* With compartment c's rights, l its list locked: its blocks released by
 * their holders come back (their key, then its heap). */
static void take_back_locked(int c, struct bh_exc_list *l) {
  for (uint32_t s = 0; s < l->used && s < BH_EXC_MAX; s++) {
    struct bh_exc_given *e = &l->e[s];
    if (e->state != BH_EXC_GIVEN)
      continue;
    struct bh_exc_record *r = (struct bh_exc_record *)e->addr;
    /* A key-0 block c can read; another compartment's it cannot. */
    int released =
        e->to_key == 0
            ? __atomic_load_n(&r->state, __ATOMIC_ACQUIRE) == BH_EXC_RELEASED
            : released_hint[c][s];
    if (!released)
      continue;
    long err = retag(r, e->len, key_of(c));
    if (err)
      bh_fatal("cannot take back an exception block of compartment '%s' "
               "(pkey_mprotect: error %ld)",
               name_of(c), -err);
    released_hint[c][s] = 0;
    /* Its pages are c's again: what they say now stays. */
    if (r->state != BH_EXC_RELEASED || r->slot != (uint32_t)s)
      bh_fatal("an exception block of compartment '%s' was marked released "
               "while its holder still had it",
               name_of(c));
    r->magic = 0;
    e->state = BH_EXC_FREE;
    e->addr = 0;
    free(r);
  }
}

static void take_back(int c) {
  struct bh_exc_list *l = bh_heap_exc_list(c);
  lock(l);
  take_back_locked(c, l);
  unlock(l);
}

/* A block of `size` bytes (record included) for compartment c, entered
 * in its table as its own. */
static struct bh_exc_record *block(int c, size_t size) {
  take_back(c);
  size_t len = (size + BH_PAGE - 1) & ~(size_t)(BH_PAGE - 1);
  struct bh_exc_record *r =
      len < size || len > UINT32_MAX ? NULL : bh_heap_exc_alloc(len);
  if (!r)
    _ZSt9terminatev(); /* as libstdc++ when its pool is empty too */
  /* All of it: the pages are handed over whole, with what the heap left
   * in their tail (attacks-rev58-exc-block-tail.cpp). */
  memset(r, 0, len);
  struct bh_exc_list *l = bh_heap_exc_list(c);
  lock(l);
  uint32_t s = 0;
  while (s < l->used && l->e[s].state != BH_EXC_FREE)
    s++;
  if (s == BH_EXC_MAX)
    bh_fatal("compartment '%s' has %d C++ exceptions alive at once, the "
             "limit",
             name_of(c), BH_EXC_MAX);
  if (s == l->used)
    l->used++;
  struct bh_exc_given *e = &l->e[s];
  e->addr = (uintptr_t)r;
  e->len = (uint32_t)len;
  e->to_key = 0;
  e->tid = 0;
  e->state = BH_EXC_KEPT;
  unlock(l);
  /* For a domain it may be given to, which cannot read the table. */
  r->magic = MAGIC;
  r->size = len;
  r->state = BH_EXC_LIVE;
  r->slot = s;
  return r;
}

__attribute__((weak)) void *__cxa_allocate_exception(size_t n) {
  int c = bh_current_compartment();
  if (c < 0) {
    char *p = n > SIZE_MAX - HDR ? NULL : malloc(n + HDR);
    if (!p)
      _ZSt9terminatev();
    memset(p, 0, HDR);
    return p + HDR;
  }
  if (n > SIZE_MAX - REC - HDR - BH_PAGE)
    _ZSt9terminatev();
  return (char *)block(c, REC + HDR + n) + REC + HDR;
}

__attribute__((weak)) void *__cxa_allocate_dependent_exception(void) {
  int c = bh_current_compartment();
  if (c < 0) {
    void *p = calloc(1, DEP);
    if (!p)
      _ZSt9terminatev();
    return p;
  }
  return (char *)block(c, REC + DEP) + REC;
}

/* Whether [a, a + len) meets a block that compartment c's table l
 * (locked) names as given to another domain: its pages may be that
 * domain's, its record anyone's (attacks-rev50-own-block-free.cpp). */
static int given_away(struct bh_exc_list *l, uintptr_t a, size_t len) {
  for (uint32_t s = 0; s < l->used && s < BH_EXC_MAX; s++) {
    const struct bh_exc_given *e = &l->e[s];
    if ((e->state == BH_EXC_GIVING || e->state == BH_EXC_GIVEN) &&
        a < e->addr + e->len && e->addr < a + len)
      return 1;
  }
  return 0;
}

/* The entry of compartment c's table l (locked) for its own live block
 * whose libstdc++ part starts at p, or NULL. Only the table decides: the
 * block's bytes are c's heap, where c's malloc also keeps what its
 * callers give it (attacks-rev56-eptr-forged-record.cpp). */
static struct bh_exc_given *live_record(struct bh_exc_list *l, char *p) {
  uintptr_t r = (uintptr_t)p - REC;
  if (r % BH_PAGE)
    return NULL;
  for (uint32_t s = 0; s < l->used && s < BH_EXC_MAX; s++)
    if (l->e[s].state == BH_EXC_KEPT && l->e[s].addr == r)
      return &l->e[s];
  return NULL;
}

/* Frees the block whose libstdc++ part starts at p, with the rights of
 * whoever frees it. */
static void free_block(char *p, const char *fn) {
  int owner = bh_heap_owner(p), c = bh_current_compartment();
  if (owner < 0) { /* the shared heap's */
    free(p);
    return;
  }
  struct bh_exc_record *r = (struct bh_exc_record *)(p - REC);
  if (owner == c) {
    /* Decided from c's table (its key), not from the record: a block c
     * gave away comes back to its heap only through take_back. */
    struct bh_exc_list *l = bh_heap_exc_list(c);
    lock(l);
    if (given_away(l, (uintptr_t)r, BH_PAGE))
      bh_fatal_abort("%s of %p, an exception block compartment '%s' gave to "
                     "another domain",
                     fn, (void *)p, name_of(c));
    struct bh_exc_given *e = live_record(l, p);
    if (!e)
      bh_fatal_abort("%s of %p, no exception block of compartment '%s'", fn,
                     (void *)p, name_of(c));
    e->state = BH_EXC_FREE;
    e->addr = 0;
    r->magic = 0;
    unlock(l);
    free(r);
    take_back(c);
    return;
  }
  /* Given to this domain by its owner: marked released for the owner to
   * take back (readable by this domain, which holds it). */
  uint32_t s = r->slot;
  if (r->magic != MAGIC || r->state != BH_EXC_AWAY || s >= BH_EXC_MAX)
    bh_fatal_abort("%s of %p, an exception block of compartment '%s' that "
                   "%s does not hold",
                   fn, (void *)p, name_of(owner),
                   c < 0 ? "the default domain" : name_of(c));
  __atomic_store_n(&r->state, BH_EXC_RELEASED, __ATOMIC_RELEASE);
  released_hint[owner][s] = 1;
  if (c >= 0)
    take_back(c);
}

__attribute__((weak)) void __cxa_free_exception(void *object) {
  free_block((char *)object - HDR, "__cxa_free_exception");
}

__attribute__((weak)) void __cxa_free_dependent_exception(void *dep) {
  free_block(dep, "__cxa_free_dependent_exception");
}

/* std::exception_ptr (review 50, attacks-rev50-foreign-exception-ptr.cpp).
 * A compartment may hold one to an exception it did not allocate: the
 * default domain's (its header in the shared heap, key-0) or one of its
 * own it handed away (key-0 pages, or another domain's), passed in as an
 * argument. libstdc++'s _M_release, with the compartment's rights, runs
 * that header's destructor word when the last reference goes, and
 * std::rethrow_exception makes the compartment catch it (the header's
 * type decides the catch; the end of the catch drops the reference in
 * libstdc++, by no PLT). exception_ptr's copy constructor and destructor
 * are inline and call _M_addref and _M_release, and libstdc++'s own uses
 * (current_exception, its out-of-line copies, nested_exception, future's
 * results) reach them through its PLT (GCC 12's libstdc++, checked with
 * objdump). std::rethrow_exception counts its reference inline, and the
 * end of the catch that follows drops it without the PLT, so it is
 * checked itself; the program calls it through the PLT. So the
 * executable's definitions below are the ones every caller reaches (weak,
 * as above). With a compartment's rights each asks whether the
 * exception_ptr itself is in the compartment's own memory (check_self)
 * and whether the exception is one of its own live blocks (its table
 * names it as kept), and stops the process with one line if not;
 * then, and with the default domain's rights, libstdc++'s own runs, found
 * at start-up with the default domain's rights into the runtime's
 * read-only state. Not accepted either: an exception another compartment
 * threw and handed to this one at its landing pad (its pages are this
 * compartment's key then, but nothing this compartment can read says so,
 * and handed to the default domain they would be key-0). */
static const char *const eptr_name[3] = {
    [BH_EPTR_ADDREF] = "_ZNSt15__exception_ptr13exception_ptr9_M_addrefEv",
    [BH_EPTR_RELEASE] = "_ZNSt15__exception_ptr13exception_ptr10_M_releaseEv",
    [BH_EPTR_RETHROW] =
        "_ZSt17rethrow_exceptionNSt15__exception_ptr13exception_ptrE"};

void bh_exception_ptr_init(void *fn[3]) {
  for (int i = 0; i < 3; i++)
    fn[i] = dlsym(RTLD_NEXT, eptr_name[i]);
}

/* libstdc++'s entry point i: known since start-up; with the default
 * domain's rights looked up now if it was not (libstdc++ loaded later). */
static void *libstdcxx(int i, int c) {
  void *fn = bh_state->exception_ptr_fn[i];
  if (!fn && c < 0)
    fn = dlsym(RTLD_NEXT, eptr_name[i]);
  if (!fn)
    bh_fatal("cannot find libstdc++'s %s", eptr_name[i]);
  return fn;
}

/* With compartment c's rights, before it uses the exception whose thrown
 * object is at `object` (an exception_ptr's word): one of its own live
 * blocks, or the process stops. */
static void check_own(int c, void *object, const char *what) {
  char *hdr = (char *)object - HDR;
  int own = 0;
  if (bh_heap_owner(hdr) == c) {
    struct bh_exc_list *l = bh_heap_exc_list(c);
    lock(l);
    own = live_record(l, hdr) != NULL;
    unlock(l);
  }
  if (!own)
    bh_fatal("compartment '%s' %s a std::exception_ptr to an exception it "
             "does not own (%p: another domain may write its header)",
             name_of(c), what, object);
}

/* With compartment c's rights, before it uses the exception_ptr at self:
 * self in c's own memory (its data, its stacks, its heap but not a block
 * it gave away), which no other domain writes, or the process stops. A
 * word the default domain could copy would be a reference libstdc++ never
 * counted: released twice, it frees c's exception while c still names it
 * (attacks-rev56-eptr-forged-record.cpp, "own"). Without compartment
 * stacks (-fno-pkey-compartment-stacks) c's locals are on key-0 stacks
 * and nothing is asked. */
static void check_self(int c, void **self, const char *what) {
  const struct bulkhead_domain *d = bh_domain_at((size_t)c);
  if (!d->stack_lo || !d->slot_address)
    return;
  uintptr_t a = (uintptr_t)self;
  int own = a % sizeof(void *) == 0 && bh_compartment_of(self, NULL) == c;
  if (own && bh_heap_owner(self) == c) {
    struct bh_exc_list *l = bh_heap_exc_list(c);
    lock(l);
    own = !given_away(l, a, sizeof(void *));
    unlock(l);
  }
  if (!own)
    bh_fatal("compartment '%s' %s a std::exception_ptr kept outside its own "
             "memory (at %p: another domain may write it)",
             name_of(c), what, (void *)self);
}

/* With compartment c's rights, the exception_ptr at self (its only member
 * is the thrown object's address) as one read: checked, and the copy is
 * what libstdc++ is given. self may be memory another domain writes, and
 * libstdc++ reads the word again for each use (review 54,
 * attacks-rev54-eptr-double-read.cpp). */
static void *own_word(int c, void **self, const char *what) {
  check_self(c, self, what);
  void *object = *(void *volatile *)self;
  if (object)
    check_own(c, object, what);
  return object;
}

/* std::__exception_ptr::exception_ptr::_M_addref() and _M_release(). */
__attribute__((weak)) void
_ZNSt15__exception_ptr13exception_ptr9_M_addrefEv(void **self) {
  int c = bh_current_compartment();
  void (*fn)(void **) = (void (*)(void **))libstdcxx(BH_EPTR_ADDREF, c);
  if (c < 0) {
    fn(self);
    return;
  }
  void *object = own_word(c, self, "took");
  fn(&object);
}

__attribute__((weak)) void
_ZNSt15__exception_ptr13exception_ptr10_M_releaseEv(void **self) {
  int c = bh_current_compartment();
  void (*fn)(void **) = (void (*)(void **))libstdcxx(BH_EPTR_RELEASE, c);
  if (c < 0) {
    fn(self);
    return;
  }
  void *object = own_word(c, self, "let go of");
  fn(&object);
  *self = object; /* libstdc++'s clears it at the last release */
}

/* std::rethrow_exception(std::exception_ptr): the argument by invisible
 * reference (a non-trivial class). */
__attribute__((weak, noreturn)) void
_ZSt17rethrow_exceptionNSt15__exception_ptr13exception_ptrE(void **ep) {
  int c = bh_current_compartment();
  void (*fn)(void **) = (void (*)(void **))libstdcxx(BH_EPTR_RETHROW, c);
  if (c < 0)
    fn(ep);
  else {
    void *object = own_word(c, ep, "rethrew");
    fn(&object);
  }
  __builtin_unreachable();
}

/* libstdc++'s per-thread list of caught exceptions and count of uncaught
 * ones (__cxa_eh_globals), which __cxa_throw, __cxa_begin_catch and
 * __cxa_end_catch reach through these two functions (its PLT): one per
 * domain and thread. The default domain's here (key-0, as libstdc++'s
 * own); compartment c's in the header of this thread's ring on its stack
 * of c, on c's key (bh_ring_eh_globals). A catch stays in one domain, so
 * each list holds only what its domain caught: a key-0 list head no longer
 * chooses which header a compartment's __cxa_end_catch trusts
 * (attacks-exc-caught-exceptions.cpp). Without compartment stacks
 * (-fno-pkey-compartment-stacks) a compartment uses the default domain's,
 * as before. */
static __thread struct bh_eh_globals default_eh;

static struct bh_eh_globals *eh_globals(int c) {
  struct bh_eh_globals *g = c < 0 ? NULL : bh_ring_eh_globals(c);
  return g ? g : &default_eh;
}

__attribute__((weak)) void *__cxa_get_globals(void) {
  return eh_globals(bh_current_compartment());
}

__attribute__((weak)) void *__cxa_get_globals_fast(void) {
  return eh_globals(bh_current_compartment());
}

/* Gives compartment c's own block, entry e of its table l (locked), to
 * key `key`: its address and length from the table. */
static void give_locked(int c, struct bh_exc_list *l, struct bh_exc_given *e,
                        int key, const char *to) {
  uint32_t s = (uint32_t)(e - l->e);
  struct bh_exc_record *r = (struct bh_exc_record *)e->addr;
  released_hint[c][s] = 0;
  e->to_key = (int16_t)key;
  e->tid = (int32_t)bh_raw_gettid();
  e->state = BH_EXC_GIVING; /* what the supervisor allows */
  r->state = BH_EXC_AWAY;
  r->slot = s;
  long err = retag(r, e->len, key);
  if (err)
    bh_fatal("cannot hand an exception of compartment '%s' to %s "
             "(pkey_mprotect: error %ld)",
             name_of(c), to, -err);
  e->state = BH_EXC_GIVEN;
}

/* The landing pad of a function of domain `to` (the pass's argument: its
 * descriptor) starts with the exception exc (the _Unwind_Exception) and the
 * rights of the code that unwound to it, its stack pointer at sp. A
 * model-B attacker that jumps to a landing pad calls this with the default
 * domain's rights: then nothing happens. */
__attribute__((used)) static void
bh_exception_arrives(void *exc, const struct bulkhead_domain *to,
                     const char *sp) {
  int c = bh_current_compartment();
  if (c < 0)
    return; /* no compartment's exception to give */
  /* A shared object's default-domain pad names its copy of the default
   * descriptor (read-only, like every descriptor). */
  int d = bh_domain_index(to);
  /* A pad of the thrower's own: its stack below sp is dead, and so are the
   * records of the calls out the exception unwound through, whose ways
   * back never ran; their cookies are voided, so that no later way back
   * (nor the unwinder's check) takes one (review 55,
   * attacks-rev55-stale-cookie.cpp). The unwinder voids each call out it
   * passes too, wherever the catch is (unwind-copy.c). */
  if (d == c)
    bh_stack_void_records(c, sp);
  if (d == c || (d < 0 && to->pkru != __bulkhead_domain0.pkru))
    return;
  /* Only c's own blocks: not glibc's forced unwind, not a foreign
   * exception, not one from the shared heap. */
  if (bh_heap_owner(exc) != c || (uintptr_t)exc % 16)
    return;
  struct bh_exc_list *l = bh_heap_exc_list(c);
  lock(l);
  /* Which block, from the table first: only c's own live block is c's
   * memory to read (the unwind header is at one offset in a primary's
   * block, another in a dependent's; both blocks are page-aligned). */
  struct bh_exc_given *r, *primary = NULL;
  int dependent = 0;
  if (!(r = live_record(l, (char *)exc - HDR_UNWIND))) {
    r = live_record(l, (char *)exc - DEP_UNWIND);
    dependent = 1;
  }
  if (!r)
    goto out;
  uint64_t cls = *(const uint64_t *)exc;
  if (!dependent && cls == GNU_CXX) {
    char *hdr = (char *)exc - HDR_UNWIND;
    if (__atomic_load_n((int *)hdr, __ATOMIC_ACQUIRE) != 1)
      bh_fatal("an exception of compartment '%s' leaves it for %s while it "
               "keeps a std::exception_ptr to it",
               name_of(c), name_of(d));
  } else if (dependent && cls == GNU_CXX_DEP) {
    char *dep = (char *)exc - DEP_UNWIND;
    /* std::rethrow_exception: the primary goes too, if c's and held only
     * by this dependent. */
    char *object = *(char **)dep;
    if (bh_heap_owner(object) == c) {
      char *hdr = object - HDR;
      if (!(primary = live_record(l, hdr)))
        goto out;
      if (__atomic_load_n((int *)hdr, __ATOMIC_ACQUIRE) != 1)
        bh_fatal("an exception of compartment '%s' leaves it for %s while it "
                 "keeps a std::exception_ptr to it",
                 name_of(c), name_of(d));
    }
  } else {
    goto out;
  }
  give_locked(c, l, r, key_of(d), name_of(d));
  if (primary)
    give_locked(c, l, primary, key_of(d), name_of(d));
  unlock(l);
  /* The throw counted it uncaught in c's list; the catch will count it
   * caught in d's: the count moves with it. Into the default domain's
   * (key-0); another compartment's c cannot write, and c reaches one only
   * without compartment stacks, where both use the default domain's. */
  struct bh_eh_globals *from = eh_globals(c), *into = eh_globals(d);
  if (from != into && d < 0 && from->uncaught > 0) {
    from->uncaught--;
    into->uncaught++;
  }
  return;
out:
  unlock(l);
}

/* Where the stub cannot run the hand-over on the thrower's memory: on the
 * catcher's stack, with the thrower's rights, but it does not return. */
__attribute__((used, noreturn)) static void bh_exception_stuck(long nested) {
  bh_fatal(nested ? "a C++ exception hand-over began during another on this "
                    "thread"
                  : "a compartment's C++ exception hand-over found no stack "
                    "of it for this thread");
}

_Static_assert(BH_STACK_SIZE == 1 << 20 && BH_STACKS_PER_ARENA == 512,
               "the stub's owner lookup");

/* Read-only: the kernel reads the mask from memory. */
__attribute__((used)) static const uint64_t all_signals_exc
    __asm__("bh_exc_all_signals") = ~(uint64_t)0;

/* The pass's way in (pass/CallGates.cpp) is a jump, not a call: exc in
 * rdi, the pad's descriptor in rsi, the pad's return point in r11; the
 * stub may change what a call may (the caller-saved registers, the flags).
 * With a compartment's rights it writes nothing on the catcher's stack,
 * which another domain may write while the hand-over runs (a return
 * address there chose the code run with the thrower's rights:
 * attacks-rev51-handover-return.cpp for the C part's,
 * attacks-rev52-stub-return.cpp for the stub's). It finds this thread's
 * stack of the compartment as bh_run_in_compartment does (the rights by
 * RDPKRU against the read-only index table, the stack by gettid in the
 * read-only owner table; nothing read from memory another domain writes,
 * exc, the descriptor and the return point kept in registers), blocks
 * signals (a handler on the hand-over stack would find no room to keep
 * its frame; one nested anyway, by a fault, stops at the ring's busy
 * word), switches to the hand-over stack below that stack's ring
 * (internal.h, BH_EXC_STACK), keeps there the catcher's stack pointer and
 * the return point, and runs bh_exception_arrives, which decides with the
 * thrower's rights on memory only the thrower writes
 * (attacks-rev50-handover-spill.cpp). Then back on the catcher's stack,
 * signals as they were, it jumps to the return point. A default-domain
 * caller that jumps here with a return point of its own keeps its own
 * rights. With the default domain's rights it jumps back at once. With no
 * enforcement or no compartment stacks (-fno-pkey-compartment-stacks:
 * every stack key-0, the compartment's frames too) it runs where it is,
 * the return point and the C part's on that stack. */
/* Before the jump to the return point with the thrower's rights: the
 * pad, and bh_pad_gate's gate into the default domain, come next, and the
 * vector registers held what the thrower and its unwinder left there (a
 * landing pad takes only rax and rdx, which it reads after this): a
 * vault's key reached the default domain's signal frame (review 79b,
 * attacks-rev79b-catch-vectors.cpp). In place, no stack: r9 is the return
 * point. */
#define PAD_SCRUB BH_SCRUB_ASM("eax,ecx,edx,esi,edi,r8d,r10d,r11d")
__asm__(".text\n"
        ".globl " BH_SYM_EXCEPTION_ARRIVES "\n"
        ".hidden " BH_SYM_EXCEPTION_ARRIVES "\n"
        ".type " BH_SYM_EXCEPTION_ARRIVES ",@function\n" BH_SYM_EXCEPTION_ARRIVES
        ":\n"
        "  movq %r11, %r9\n" /* the return point: syscalls clobber r11 */
        /* the compartment whose rights the thread holds: r11 */
        "  cmpl $0, " BH_SYM_ENFORCED "(%rip)\n"
        "  je 9f\n"
        "  xorl %ecx, %ecx\n"
        "  " BH_RDPKRU "\n"
        "  cmpl " BH_SYM_DOMAIN0 "(%rip), %eax\n"
        "  je 8f\n"
        "  leaq " BH_SYM_INDEX_TABLE "+" BH_STR(BH_INDEX_PKRU) "(%rip), %r10\n"
        "  xorl %r11d, %r11d\n"
        "1:\n"
        "  cmpl (%r10,%r11,4), %eax\n"
        "  je 2f\n"
        "  incl %r11d\n"
        "  cmpl $" BH_STR(BH_MAX_COMPARTMENTS) ", %r11d\n"
        "  jb 1b\n"
        "  jmp 9f\n"
        "2:\n"
        /* its descriptor (r8, read-only), its arena (r10); without its
         * stacks (no slot: -fno-pkey-compartment-stacks) none to use */
        BH_ASM_DOMAIN_AT("%r11", "%r8")
        "  movq " BH_STR(BH_DOMAIN_STACK_LO) "(%r8), %r10\n"
        "  testq %r10, %r10\n"
        "  jz 9f\n"
        "  cmpq $0, " BH_STR(BH_DOMAIN_SLOT_ADDRESS) "(%r8)\n"
        "  je 9f\n"
        /* this thread's stack of it: owner.tid[c][i] == gettid(), the row
         * in rdx (kept by syscall) */
        "  shlq $11, %r11\n" /* 4 * BH_STACKS_PER_ARENA bytes a row */
        "  leaq __bulkhead_stack_owners(%rip), %rdx\n"
        "  addq %r11, %rdx\n"
        "  movl $" BH_STR(SYS_gettid) ", %eax\n"
        "  syscall\n"
        "  xorl %ecx, %ecx\n"
        "3:\n"
        "  cmpl (%rdx,%rcx,4), %eax\n"
        "  je 4f\n"
        "  incl %ecx\n"
        "  cmpl $" BH_STR(BH_STACKS_PER_ARENA) ", %ecx\n"
        "  jb 3b\n"
        "  xorl %edi, %edi\n"
        "  call bh_exception_stuck\n"
        "4:\n"
        /* its ring (rdx), whose start is the hand-over stack's top */
        "  shlq $20, %rcx\n" /* BH_STACK_SIZE */
        "  leaq " BH_STR(BH_PAGE) "+" BH_STR(BH_EXC_STACK) "(%r10,%rcx), %rdx\n"
        "  cmpq $0, " BH_STR(BH_RING_HANDOVER) "(%rdx)\n"
        "  je 5f\n"
        "  movl $1, %edi\n"
        "  call bh_exception_stuck\n"
        "5:\n"
        /* exc in r8, the descriptor in xmm0, across the system call */
        "  movq %rdi, %r8\n"
        "  movq %rsi, %xmm0\n"
        "  xorl %edi, %edi\n" /* SIG_BLOCK */
        "  leaq bh_exc_all_signals(%rip), %rsi\n"
        "  addq $" BH_STR(BH_RING_HANDOVER_MASK) ", %rdx\n"
        "  movl $8, %r10d\n"
        "  movl $" BH_STR(SYS_rt_sigprocmask) ", %eax\n"
        "  syscall\n"
        "  testq %rax, %rax\n"
        "  jz 6f\n"
        "  ud2\n"
        "6:\n"
        "  subq $" BH_STR(BH_RING_HANDOVER_MASK) ", %rdx\n"
        "  movq $1, " BH_STR(BH_RING_HANDOVER) "(%rdx)\n"
        "  movq %rsp, %rax\n"
        "  movq %rdx, %rsp\n"
        "  pushq %rax\n" /* the catcher's stack pointer */
        "  pushq %r9\n"  /* the return point */
        "  pushq %rdx\n" /* the ring */
        "  subq $8, %rsp\n"
        "  movq %r8, %rdi\n"
        "  movq %xmm0, %rsi\n"
        "  movq %rax, %rdx\n" /* the catcher's stack pointer */
        "  call bh_exception_arrives\n"
        "  addq $8, %rsp\n"
        "  popq %rsi\n"
        "  popq %r9\n"
        "  popq %rax\n"
        /* back on the catcher's stack before the hand-over stack is free
         * and signals may come */
        "  movq %rax, %rsp\n"
        "  movq $0, " BH_STR(BH_RING_HANDOVER) "(%rsi)\n"
        "  movl $2, %edi\n" /* SIG_SETMASK */
        "  addq $" BH_STR(BH_RING_HANDOVER_MASK) ", %rsi\n"
        "  xorl %edx, %edx\n"
        "  movl $8, %r10d\n"
        "  movl $" BH_STR(SYS_rt_sigprocmask) ", %eax\n"
        "  syscall\n"
        PAD_SCRUB
        "  jmp *%r9\n"
        /* the default domain's rights: no compartment's exception to give
         * (bh_exception_arrives would return at once), and nothing pushed
         * on the catcher's stack (a pad that bh_pad_gate ran, unwind-copy.c,
         * comes here so) */
        "8:\n"
        "  jmpq *%r9\n"
        /* where it is: exc in rdi, the descriptor in rsi */
        "9:\n"
        "  movq %rsp, %rax\n"
        "  andq $-16, %rsp\n"
        "  pushq %rax\n"
        "  pushq %r9\n"
        "  movq %rax, %rdx\n"
        "  call bh_exception_arrives\n"
        "  popq %r9\n"
        "  popq %rax\n"
        "  movq %rax, %rsp\n"
        PAD_SCRUB
        "  jmp *%r9\n"
        ".size " BH_SYM_EXCEPTION_ARRIVES ", .-" BH_SYM_EXCEPTION_ARRIVES "\n");
