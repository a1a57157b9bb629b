/*
 * share.c - the sharing policy's run-time half (docs/heaps.md, "Sharing
 * policy"). The pass brackets each function the policy names with
 * __bulkhead_share_push(sp) at entry and __bulkhead_share_pop(sp) at every
 * exit, sp being the function's stack pointer. While such a bracket of
 * compartment c is open on a thread, c's allocations come from the shared
 * heap (heap.c asks bh_share_active).
 *
 * Per thread and compartment, a small stack of open brackets, each with two
 * stack positions: `sp`, on the stack the function runs on (c's own with
 * per-compartment stacks), and `outer`, the default domain's stack position
 * below which this run of c was entered (the same as sp with shared
 * stacks). A longjmp skips the pops, so a bracket is dropped as soon as its
 * frame is provably gone: when code runs at a position above it on the same
 * stack (push, pop, allocation), or when a longjmp targets a position above
 * it (signals.c calls bh_share_longjmp).
 *
 * The brackets decide where c's allocations go, so they are on c's key:
 * a table of per-thread records in the leading guard of c's stack arena
 * (below what any trampoline writes), read and written only by c's own
 * code (push and pop run in c's functions, bh_share_active in c's malloc).
 * When they were key-0 TLS, one store from the default domain opened a
 * bracket and shared c's next allocation (attacks-share-policy-brackets.c).
 * A thread finds its record by its FS base, which the CPU reports (no store
 * changes it), and the record's thread id must be the caller's (gettid):
 * a record whose thread ended with a bracket open is reset, not inherited
 * by the next thread on that TLS block. A key-0 hint says where to look
 * first; a wrong one costs a scan. A longjmp may run with any domain's
 * rights, so it only logs its target in key-0 TLS; c's code applies the log
 * to its record the next time it looks. A rewritten log can only drop
 * brackets (fail closed: allocations stay private).
 */
#define _GNU_SOURCE
#include "gate.h"
#include "internal.h"

#include "../include/bulkhead.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define DEPTH 8    /* open brackets per thread and compartment */
#define RECORDS 96 /* threads at once inside a compartment's policy */
#define JUMPS 8    /* longjmps a thread may make before its records catch up */

/* One thread's brackets in one compartment. */
struct rec {
  uintptr_t fs;  /* the owner's FS base; 0: free */
  uint64_t tid;  /* the owner's thread id */
  uint64_t n;    /* open brackets */
  uint64_t seen; /* the owner's longjmps applied (its log's count) */
  uintptr_t sp[DEPTH], outer[DEPTH];
};

/* Compartment c's records: at the start of its arena's leading guard, after
 * the cookie's page; made read/write, on c's key, at start-up. Trampolines
 * write at most BH_MAX_STACK_ARGS and a frame below a checked stack top,
 * which is above stack_lo: far above this. */
struct table {
  uint64_t used; /* records claimed: 0 saves the scan */
  uint64_t pad;
  struct rec r[RECORDS];
};
#define TABLE_AT BH_PAGE
#define TABLE_SIZE                                                             \
  ((sizeof(struct table) + BH_PAGE - 1) & ~(size_t)(BH_PAGE - 1))
_Static_assert(TABLE_AT + TABLE_SIZE + BH_MAX_STACK_ARGS + 2 * BH_PAGE <=
                   BH_ARENA_GUARD,
               "the share records reach what trampolines may write");

static inline struct table *table(int i) {
  return (struct table *)(bh_domain_at(i)->stack_lo -
                          BH_ARENA_GUARD + TABLE_AT);
}

/* Key-0 TLS, written by any domain: where this thread's record of each
 * compartment was last (index + 1; checked before use), and the log of its
 * longjmps' targets (`jumps` counts them, the last JUMPS are kept). */
BH_HIDDEN __thread uintptr_t hint[BH_MAX_COMPARTMENTS] __asm__("bh_share_hint")
    __attribute__((used));
BH_HIDDEN __thread uintptr_t jumps __asm__("bh_share_jumps")
    __attribute__((used));
BH_HIDDEN __thread uintptr_t jump_to[JUMPS] __asm__("bh_share_jump_to")
    __attribute__((used));

/* Where the default domain's stack continues while compartment code runs
 * (the trampolines' slot, pass/Stacks.cpp; signals.c defines it). */
extern __thread char *default_stack_slot __asm__(BH_SYM_DEFAULT_STACK_SLOT);

/* The thread's FS base from the CPU or the kernel (tls.c). */
char *bh_share_fs_base(void) __asm__(BH_SYM_FS_BASE) BH_HIDDEN;

/* TLS is addressed %fs-relative only, never through the thread pointer at
 * %fs:0, which any domain can overwrite: push and pop run with the
 * compartment's rights. */
#define TPOFF(sym)                                                             \
  ({                                                                           \
    long o_;                                                                   \
    __asm__("movq " #sym "@gottpoff(%%rip), %0" : "=r"(o_));                   \
    o_;                                                                        \
  })

static inline uintptr_t get(long base, size_t k) {
  uintptr_t v;
  __asm__ volatile("movq %%fs:(%1,%2,8), %0"
                   : "=r"(v)
                   : "r"(base), "r"(k)
                   : "memory");
  return v;
}

static inline void set(long base, size_t k, uintptr_t v) {
  __asm__ volatile("movq %2, %%fs:(%0,%1,8)" ::"r"(base), "r"(k), "r"(v)
                   : "memory");
}

static inline uintptr_t stack_pointer(void) {
  uintptr_t sp;
  __asm__ volatile("movq %%rsp, %0" : "=r"(sp));
  return sp;
}

static inline uint64_t my_tid(void) {
  long r;
  __asm__ volatile("syscall"
                   : "=a"(r)
                   : "a"((long)SYS_gettid)
                   : "rcx", "r11", "memory");
  return (uint64_t)r;
}

static inline int in_arena(int i, uintptr_t sp) {
  const struct bulkhead_domain *d = bh_domain_at((size_t)i);
  return sp > (uintptr_t)d->stack_lo && sp <= (uintptr_t)d->stack_hi;
}

/* Number of open brackets, clamped (it indexes the arrays). */
static inline size_t depth(const struct rec *r) {
  return r->n > DEPTH ? DEPTH : (size_t)r->n;
}

/* Drops the brackets of r opened below sp on their own stack: their frames
 * are gone, since code runs at sp. Keeps those at sp itself (a function
 * inlined into another of the policy shares its frame). */
static size_t drop_below(struct rec *r, uintptr_t sp) {
  size_t n = depth(r);
  while (n && r->sp[n - 1] < sp)
    n--;
  r->n = n;
  return n;
}

/* A longjmp to stack position target: a bracket survives if its frame is
 * above the target, compared on the stack where the target is: its own
 * compartment's, or the default domain's (where `outer` says where its run
 * of the compartment was entered). A target on a third compartment's stack
 * says nothing comparable: those brackets are dropped (fail closed: the
 * allocations stay private). */
static void jumped(int i, struct rec *r, uintptr_t target) {
  size_t n = depth(r);
  int own = in_arena(i, target), other = 0;
  for (int j = 0; !own && j < (int)bh_domain_count(); j++)
    other |= j != i && in_arena(j, target);
  while (n) {
    uintptr_t at = own ? r->sp[n - 1] : r->outer[n - 1];
    if (!other && at >= target)
      break;
    n--;
  }
  r->n = n;
}

/* Applies the thread's longjmps since r last looked. A log that is not a
 * few jumps ahead (rewritten, or too many jumps) drops every bracket. */
static void catch_up(int i, struct rec *r) {
  uintptr_t now = get(TPOFF(bh_share_jumps), 0);
  if (now - r->seen > JUMPS)
    r->n = 0;
  else
    for (uintptr_t k = r->seen; k != now && r->n; k++)
      jumped(i, r, get(TPOFF(bh_share_jump_to), k % JUMPS));
  r->seen = now;
}

/* Gives r back once it holds no bracket. */
static void settle(int i, struct rec *r) {
  if (r->n)
    return;
  __atomic_store_n(&r->fs, 0, __ATOMIC_RELEASE);
  __atomic_fetch_sub(&table(i)->used, 1, __ATOMIC_RELAXED);
}

/* This thread's record of compartment i, up to date; NULL if it has none
 * and claim is 0. Called with i's rights only. */
static struct rec *mine(int i, int claim) {
  struct table *t = table(i);
  uintptr_t fs = (uintptr_t)bh_share_fs_base();
  uintptr_t h = get(TPOFF(bh_share_hint), (size_t)i) - 1;
  struct rec *r = NULL;
  if (h < RECORDS && __atomic_load_n(&t->r[h].fs, __ATOMIC_ACQUIRE) == fs)
    r = &t->r[h];
  else if (__atomic_load_n(&t->used, __ATOMIC_ACQUIRE))
    for (size_t k = 0; k < RECORDS && !r; k++)
      if (__atomic_load_n(&t->r[k].fs, __ATOMIC_ACQUIRE) == fs) {
        r = &t->r[k];
        set(TPOFF(bh_share_hint), (size_t)i, k + 1);
      }
  if (r) {
    /* Only this thread and a thread that ended have this FS base. */
    uint64_t tid = my_tid();
    if (r->tid != tid) {
      r->tid = tid;
      r->n = 0;
      r->seen = get(TPOFF(bh_share_jumps), 0);
    }
    catch_up(i, r);
    return r;
  }
  if (!claim)
    return NULL;
  for (size_t k = 0; k < RECORDS; k++) {
    uintptr_t none = 0;
    if (__atomic_load_n(&t->r[k].fs, __ATOMIC_RELAXED) ||
        !__atomic_compare_exchange_n(&t->r[k].fs, &none, fs, 0,
                                     __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
      continue;
    __atomic_fetch_add(&t->used, 1, __ATOMIC_RELAXED);
    r = &t->r[k];
    r->tid = my_tid();
    r->n = 0;
    r->seen = get(TPOFF(bh_share_jumps), 0);
    set(TPOFF(bh_share_hint), (size_t)i, k + 1);
    return r;
  }
  bh_fatal("more than %d threads at once inside functions of the share "
           "policy of compartment '%s'",
           RECORDS, bh_domain_at(i)->name);
}

/* Whether compartment i has a policy, hence a table. */
static inline int has_policy(int i) {
  return i >= 0 && (bh_state->share_mask & (1u << i));
}

__attribute__((noinline, noreturn, cold)) static void too_deep(int i) {
  bh_fatal("functions of the share policy nested more than 8 deep in "
           "compartment '%s' (recursion?)",
           bh_domain_at((size_t)i)->name);
}

void __bulkhead_share_push(void *sp) {
  int i = bh_current_compartment();
  if (!has_policy(i))
    return; /* a shared helper run by the default domain: nothing to share */
  uintptr_t s = (uintptr_t)sp;
  struct rec *r = mine(i, 1);
  size_t n = drop_below(r, s);
  if (n == DEPTH)
    too_deep(i);
  r->sp[n] = s;
  r->outer[n] = in_arena(i, s) ? (uintptr_t)default_stack_slot : s;
  r->n = n + 1;
}

void __bulkhead_share_pop(void *sp) {
  int i = bh_current_compartment();
  if (!has_policy(i))
    return;
  uintptr_t s = (uintptr_t)sp;
  struct rec *r = mine(i, 0);
  if (!r)
    return;
  size_t n = drop_below(r, s);
  if (n && r->sp[n - 1] == s)
    r->n = n - 1;
  settle(i, r);
}

/* The compartments with a sharing policy (abi.h). */
extern const int32_t __start_bulkhead_share_policies[] __attribute__((weak))
BH_HIDDEN;
extern const int32_t __stop_bulkhead_share_policies[] __attribute__((weak))
BH_HIDDEN;

void bh_share_init(struct bh_state *s) {
  for (const int32_t *e = __start_bulkhead_share_policies;
       e < __stop_bulkhead_share_policies; e++) {
    const struct bulkhead_domain *d =
        (const struct bulkhead_domain *)((const char *)e + *e);
    int i = bh_domain_index(d);
    if (i < 0 || i >= BH_MAX_COMPARTMENTS)
      bh_fatal("a sharing policy names no compartment");
    /* The arena is tagged with the compartment's key (stacks.c), which
     * mprotect keeps. */
    if (!(s->share_mask & (1u << i)) &&
        mprotect(table((int)i), TABLE_SIZE, PROT_READ | PROT_WRITE))
      bh_fatal("cannot map the share records of compartment '%s'", d->name);
    s->share_mask |= 1u << i;
  }
}

int bh_share_active(int i) {
  if (!has_policy(i))
    return 0; /* no policy: nothing is shared */
  struct rec *r = mine(i, 0);
  if (!r)
    return 0;
  size_t n = drop_below(r, stack_pointer());
  settle(i, r);
  return n != 0;
}

/* Logged for the compartments' records to apply (this may run with any
 * domain's rights). */
void bh_share_longjmp(uintptr_t target) {
  uintptr_t k = get(TPOFF(bh_share_jumps), 0);
  set(TPOFF(bh_share_jump_to), k % JUMPS, target);
  set(TPOFF(bh_share_jumps), 0, k + 1);
}

/* Frame entries of the policy: the function's address-taken locals live in
 * a shared block while it runs (pass/Share.cpp). */
void *__bulkhead_frame_alloc(size_t n) {
  void *p = bulkhead_shared_malloc(n);
  if (!p)
    bh_fatal("out of memory for a shared frame");
  return p;
}

void __bulkhead_frame_free(void *p) { free(p); }
