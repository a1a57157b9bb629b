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
 * This state is key-0 TLS, like the heap's own per-thread state: any domain
 * can write it, and so make a compartment's allocations shared (see
 * docs/threat-model.md). So it counts only for compartments built with a
 * policy: the pass lists them in a read-only section, which start-up turns
 * into a read-only mask (bh_share_init). It is read and written
 * %fs-relative only, never through the thread pointer at %fs:0, which any
 * domain can overwrite: push and pop run with the compartment's rights.
 */
#include "gate.h"
#include "internal.h"

#include "../include/bulkhead.h"

#include <stdint.h>
#include <stdlib.h>

#define DEPTH 8 /* open brackets per thread and compartment */

/* Entry k of compartment i is [i * DEPTH + k]. */
BH_HIDDEN __thread uintptr_t
    open_sp[BH_MAX_COMPARTMENTS * DEPTH] __asm__("bh_share_open_sp")
        __attribute__((used));
BH_HIDDEN __thread uintptr_t
    open_outer[BH_MAX_COMPARTMENTS * DEPTH] __asm__("bh_share_open_outer")
        __attribute__((used));
BH_HIDDEN __thread uintptr_t
    open_n[BH_MAX_COMPARTMENTS] __asm__("bh_share_open_n")
        __attribute__((used));

/* Where the default domain's stack continues while compartment code runs
 * (the trampolines' slot, pass/Stacks.cpp; signals.c defines it). */
extern __thread char *
    default_stack_slot __asm__(BH_SYM_DEFAULT_STACK_SLOT) BH_HIDDEN;

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

/* Number of open brackets of compartment i, clamped: the count is key-0
 * memory, and indexes the other arrays. */
static inline size_t depth(int i) {
  uintptr_t n = get(TPOFF(bh_share_open_n), (size_t)i);
  return n > DEPTH ? DEPTH : n;
}

/* Drops compartment i's brackets opened below sp on their own stack: their
 * frames are gone, since code runs at sp. Keeps those at sp itself (a
 * function inlined into another of the policy shares its frame). */
static size_t drop_below(int i, uintptr_t sp) {
  size_t n = depth(i);
  long sps = TPOFF(bh_share_open_sp);
  while (n && get(sps, (size_t)i * DEPTH + n - 1) < sp)
    n--;
  set(TPOFF(bh_share_open_n), (size_t)i, n);
  return n;
}

static inline int in_arena(int i, uintptr_t sp) {
  const struct bulkhead_domain *d = bh_domain_at((size_t)i);
  return sp > (uintptr_t)d->stack_lo && sp <= (uintptr_t)d->stack_hi;
}

__attribute__((noinline, noreturn, cold)) static void too_deep(int i) {
  bh_fatal("functions of the share policy nested more than 8 deep in "
           "compartment '%s' (recursion?)",
           bh_domain_at((size_t)i)->name);
}

void __bulkhead_share_push(void *sp) {
  int i = bh_current_compartment();
  if (i < 0)
    return; /* a shared helper run by the default domain: nothing to share */
  uintptr_t s = (uintptr_t)sp;
  size_t n = drop_below(i, s);
  if (n == DEPTH)
    too_deep(i);
  uintptr_t outer = in_arena(i, s) ? (uintptr_t)default_stack_slot : s;
  set(TPOFF(bh_share_open_sp), (size_t)i * DEPTH + n, s);
  set(TPOFF(bh_share_open_outer), (size_t)i * DEPTH + n, outer);
  set(TPOFF(bh_share_open_n), (size_t)i, n + 1);
}

void __bulkhead_share_pop(void *sp) {
  int i = bh_current_compartment();
  if (i < 0)
    return;
  uintptr_t s = (uintptr_t)sp;
  size_t n = drop_below(i, s);
  if (n && get(TPOFF(bh_share_open_sp), (size_t)i * DEPTH + n - 1) == s)
    set(TPOFF(bh_share_open_n), (size_t)i, n - 1);
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
    s->share_mask |= 1u << i;
  }
}

int bh_share_active(int i) {
  if (!(bh_state->share_mask & (1u << i)))
    return 0; /* no policy: brackets (key-0 memory) mean nothing */
  if (!get(TPOFF(bh_share_open_n), (size_t)i))
    return 0;
  return drop_below(i, stack_pointer()) != 0;
}

/* A longjmp to stack position target: a bracket survives if its frame is
 * above the target, compared on the stack where the target is: its own
 * compartment's, or the default domain's (where `outer` says where its run
 * of the compartment was entered). A target on a third compartment's stack
 * says nothing comparable: those brackets are dropped (fail closed: the
 * allocations stay private). */
void bh_share_longjmp(uintptr_t target) {
  for (int i = 0; i < (int)bh_domain_count() && i < BH_MAX_COMPARTMENTS; i++) {
    size_t n = depth(i);
    if (!n)
      continue;
    int own = in_arena(i, target), other = 0;
    for (int j = 0; !own && j < (int)bh_domain_count(); j++)
      other |= j != i && in_arena(j, target);
    long sps = TPOFF(bh_share_open_sp), outers = TPOFF(bh_share_open_outer);
    while (n) {
      size_t k = (size_t)i * DEPTH + n - 1;
      uintptr_t at = own ? get(sps, k) : get(outers, k);
      if (!other && at >= target)
        break;
      n--;
    }
    set(TPOFF(bh_share_open_n), (size_t)i, n);
  }
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
