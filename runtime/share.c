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
 * rights, so it writes its target to a short log in the record itself
 * through gates of its own into each policy compartment (note_jump below,
 * no stack touched while it holds those rights); c's code applies the
 * log the next time it looks. When the log was key-0 TLS, the default
 * domain rewound it after an error callback's longjmp and kept the bracket
 * open (attacks-review5-longjmp-log.c).
 */
#define _GNU_SOURCE
#include "gate.h"
#include "internal.h"

#include "../include/bulkhead.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define DEPTH 8    /* open brackets per thread and compartment */
#define RECORDS 96 /* threads at once inside a compartment's policy */
#define JUMPS 8    /* longjmps a thread may make before its records catch up */

/* One thread's brackets in one compartment. */
struct rec {
  uintptr_t fs;             /* the owner's FS base; 0: free */
  uint64_t tid;             /* the owner's thread id */
  uint64_t n;               /* open brackets */
  uint64_t seen;            /* the longjmps of the log applied */
  uint64_t jumps;           /* longjmps logged (note_jump) */
  uintptr_t jump_to[JUMPS]; /* the last JUMPS of their targets */
  uintptr_t sp[DEPTH], outer[DEPTH];
};
/* What note_jump's assembly reads and writes. */
#define REC_JUMPS 32
#define REC_JUMP_TO 40
#define REC_SIZE 232
#define TABLE_RECS 16
_Static_assert(__builtin_offsetof(struct rec, fs) == 0 &&
                   __builtin_offsetof(struct rec, jumps) == REC_JUMPS &&
                   __builtin_offsetof(struct rec, jump_to) == REC_JUMP_TO &&
                   sizeof(struct rec) == REC_SIZE && JUMPS == 8,
               "note_jump's record layout");

/* Compartment c's records: at the start of its arena's leading guard, after
 * the cookie's page; made read/write, on c's key, at start-up. Trampolines
 * write at most BH_MAX_STACK_ARGS and a frame below a checked stack top,
 * which is above stack_lo: far above this. */
struct table {
  uint64_t used; /* records claimed: 0 saves the scan */
  uint64_t pad;
  struct rec r[RECORDS];
};
_Static_assert(__builtin_offsetof(struct table, r) == TABLE_RECS,
               "note_jump's table layout");
#define TABLE_AT BH_PAGE
#define TABLE_SIZE                                                             \
  ((sizeof(struct table) + BH_PAGE - 1) & ~(size_t)(BH_PAGE - 1))
_Static_assert(TABLE_AT + TABLE_SIZE + BH_MAX_STACK_ARGS + 2 * BH_PAGE <=
                   BH_ARENA_GUARD,
               "the share records reach what trampolines may write");

static inline struct table *table(int i) {
  return (struct table *)(bh_domain_at(i)->stack_lo - BH_ARENA_GUARD +
                          TABLE_AT);
}

/* Key-0 TLS, written by any domain: where this thread's record of each
 * compartment was last (index + 1; checked before use). */
BH_HIDDEN __thread uintptr_t hint[BH_MAX_COMPARTMENTS] __asm__("bh_share_hint")
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

/* Applies the thread's longjmps since r last looked. More than JUMPS of
 * them drop every bracket (fail closed). */
static void catch_up(int i, struct rec *r) {
  uint64_t now = r->jumps;
  if (now - r->seen > JUMPS)
    r->n = 0;
  else
    for (uint64_t k = r->seen; k != now && r->n; k++)
      jumped(i, r, r->jump_to[k % JUMPS]);
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
    uint64_t tid = (uint64_t)bh_raw_gettid();
    if (r->tid != tid) {
      r->tid = tid;
      r->n = 0;
      r->seen = r->jumps;
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
    r->tid = (uint64_t)bh_raw_gettid();
    r->n = 0;
    r->seen = r->jumps;
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

/* Entries [e, end) of one object's section: each the offset from itself of
 * a compartment's descriptor, which must be in the table. */
static void add_policies(struct bh_state *s, const int32_t *e,
                         const int32_t *end) {
  for (; e < end; e++) {
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

void bh_share_init(struct bh_state *s) {
  add_policies(s, __start_bulkhead_share_policies,
               __stop_bulkhead_share_policies);
  const struct bh_domain_table *t = &bh_domain_table.t;
  for (size_t k = 0; k < t->objects; k++)
    add_policies(s, t->obj[k].share_lo, t->obj[k].share_hi);
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

/* note_jump(i = edi, fs = rsi, target = rdx): with compartment i's rights,
 * appends target to the log of i's record whose FS base is fs, if there is
 * one, then back to the rights the caller held (the default domain's if
 * they were no compartment's). Assembly, so that nothing is read from or
 * written to memory another domain can write while it holds i's rights:
 * i's records are found from the read-only table of compartments, the
 * rest is in registers. Each gate is checked (include/bulkhead/abi.h) and
 * followed by code that sets edi to its own index, as enter.c's way back
 * does. Only ever drops brackets: anyone may call it.
 * It leaves nothing of i's in a register for the caller, so its way out
 * clears no vector register: between its gates it runs no vector or x87
 * instruction and calls nothing (the vector registers are the caller's
 * as they came in), reads of i's memory only a record's FS word (compared)
 * and its count of jumps (in rax and edx, cleared with rcx, which held the
 * record's address, before the gate out); the rest is the caller's (rsi,
 * r8, r9: its arguments; r11: its index) or public (edi: i; r10: the
 * index table's address; the flags: the gate's compare). Any change that
 * brings i's memory into another register must clear it here too. */
// clang-format off
#define NOTE_GATE_TEXT(i)                                                      \
  BH_CHECKED_GATE_ASM(BH_SYM_INDEX_TABLE "+" BH_STR(BH_INDEX_PKRU) "+4*" #i)
#define NOTE_IN(i)                                                             \
  "  cmpl $" #i ", %edi\n"                                                     \
  "  jne 3f\n" NOTE_GATE_TEXT(i) "  movl $" #i ", %edi\n"                      \
                                 "  jmp 5f\n"                                  \
                                 "3:\n"
#define NOTE_OUT(i)                                                            \
  "  cmpl $" #i ", %r11d\n"                                                    \
  "  jne 3f\n" NOTE_GATE_TEXT(i) "  ret\n"                                     \
                                 "3:\n"
_Static_assert(BH_MAX_COMPARTMENTS == 15, "one gate per compartment index");
__asm__(
    ".text\n"
    ".type bh_share_note_jump,@function\n"
    "bh_share_note_jump:\n"
    "  movq %rdx, %r8\n"
    "  movq %rsi, %r9\n"
    /* r11: the index whose rights the caller holds, or -1 */
    "  xorl %ecx, %ecx\n"
    "  " BH_RDPKRU "\n"
    "  leaq " BH_SYM_INDEX_TABLE "+" BH_STR(BH_INDEX_PKRU) "(%rip), %r10\n"
    "  xorl %r11d, %r11d\n"
    "6:\n"
    "  cmpl (%r10,%r11,4), %eax\n"
    "  je 7f\n"
    "  incl %r11d\n"
    "  cmpl $" BH_STR(BH_MAX_COMPARTMENTS) ", %r11d\n"
    "  jb 6b\n"
    "  movq $-1, %r11\n"
    "7:\n" NOTE_IN(0) NOTE_IN(1) NOTE_IN(2) NOTE_IN(3) NOTE_IN(4) NOTE_IN(5)
        NOTE_IN(6) NOTE_IN(7) NOTE_IN(8) NOTE_IN(9) NOTE_IN(10) NOTE_IN(11)
            NOTE_IN(12) NOTE_IN(13) NOTE_IN(14) "  ud2\n"
    "5:\n"
    /* rcx: i's first record, from i's descriptor */
    BH_ASM_DOMAIN_AT("%rdi", "%rcx")
    "  movq " BH_STR(BH_DOMAIN_STACK_LO) "(%rcx), %rcx\n"
    "  subq $" BH_STR(BH_ARENA_GUARD) "-" BH_STR(BH_PAGE) "-" BH_STR(TABLE_RECS) ", %rcx\n"
    "  movl $" BH_STR(RECORDS) ", %edx\n"
    "6:\n"
    "  cmpq %r9, (%rcx)\n"
    "  je 7f\n"
    "  addq $" BH_STR(REC_SIZE) ", %rcx\n"
    "  decl %edx\n"
    "  jnz 6b\n"
    "  jmp 8f\n"
    "7:\n"
    "  movq " BH_STR(REC_JUMPS) "(%rcx), %rax\n"
    "  movl %eax, %edx\n"
    "  andl $7, %edx\n"
    "  movq %r8, " BH_STR(REC_JUMP_TO) "(%rcx,%rdx,8)\n"
    "  incq %rax\n"
    "  movq %rax, " BH_STR(REC_JUMPS) "(%rcx)\n"
    "8:\n"
    "  xorl %eax, %eax\n"
    "  xorl %ecx, %ecx\n"
    "  xorl %edx, %edx\n" NOTE_OUT(0) NOTE_OUT(1) NOTE_OUT(2) NOTE_OUT(3)
        NOTE_OUT(4) NOTE_OUT(5) NOTE_OUT(6) NOTE_OUT(7) NOTE_OUT(8)
            NOTE_OUT(9) NOTE_OUT(10) NOTE_OUT(11) NOTE_OUT(12) NOTE_OUT(13)
                NOTE_OUT(14) BH_CHECKED_GATE_ASM(BH_SYM_DOMAIN0) "  ret\n"
    "9:\n"
    "  ud2\n"
    ".size bh_share_note_jump, .-bh_share_note_jump\n");
// clang-format on
void bh_share_note_jump(int i, uintptr_t fs, uintptr_t target) BH_HIDDEN
    __asm__("bh_share_note_jump");

/* A longjmp to stack position target, for every compartment with a policy
 * to apply to this thread's record the next time it looks (this may run
 * with any domain's rights). */
void bh_share_longjmp(uintptr_t target) {
  unsigned mask = bh_state->share_mask;
  if (!mask)
    return;
  uintptr_t fs = (uintptr_t)bh_share_fs_base();
  for (int i = 0; i < BH_MAX_COMPARTMENTS; i++) {
    if (!(mask & (1u << i)))
      continue;
    if (__bulkhead_domain0.enforced) {
      bh_share_note_jump(i, fs, target);
      continue;
    }
    /* No gate runs: every thread holds every right. */
    struct table *t = table(i);
    for (size_t k = 0; k < RECORDS; k++)
      if (t->r[k].fs == fs) {
        t->r[k].jump_to[t->r[k].jumps % JUMPS] = target;
        t->r[k].jumps++;
        break;
      }
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
