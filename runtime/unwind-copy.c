/*
 * unwind-copy.c - the FDE the unwinder gets with a compartment's rights: a
 * copy of the object's FDE and its CIE that names no word anyone else can
 * write (unwind-find.c finds them).
 *
 * libgcc_s follows what the FDE it is given leads to: its CIE (the FDE's
 * CIE pointer, a distance back from it), and pointers encoded there. A
 * C++ frame's CIE names its personality routine indirectly (encoding
 * indirect|pcrel|sdata4) through a word DW.ref.__gxx_personality_v0 that
 * is writable key-0 memory in objects the driver does not link
 * (libstdc++.so.6's .data): one store there chose the code a compartment's
 * throw ran with its rights (runtime/attacks-unwind-libstdcxx-personality).
 * A catch clause's type goes through a word too (the LSDA's type table,
 * indirect|pcrel|sdata4: clang's .L_ZTI*.DW.stub in .data), which
 * libstdc++'s personality routine follows to call the type_info's virtual
 * __do_catch (runtime/attacks-rev25-unwind-typeinfo.cpp).
 * So the copy is the CIE and the FDE written out again with absolute
 * pointers (DW_EH_PE_absptr): the personality routine's address as the
 * caller's words give it (recorded before any of the program's code ran,
 * or read from read-only memory), the FDE's pc range as decoded, its LSDA
 * pointer the LSDA's copy, after them in the same slot, with an absolute
 * type table (each entry the type_info's address, recorded likewise,
 * for an object registered later at its registration: copy_lsda).
 * A trampoline's FDE out of the compartment (a call out) gets a
 * personality routine and an LSDA of the runtime's, which void its record
 * once the unwinder has passed it (callout_personality, below).
 * Everything else is copied as it is: the augmentation string
 * (S, B), the alignments, the CFA programs, which are position-independent
 * except DW_CFA_set_loc (a pointer in the FDE encoding: not re-encoded
 * here, the copy is refused) and an expression's DW_OP_GNU_encoded_addr
 * (refused alike); an instruction or operation not known here is refused
 * too; and a trampoline's marked CFA expression, whose saved stack
 * pointer other domains can write, is written in a form that checks it as
 * the trampoline's way back does (put_checked_cfa; review 53). The copy
 * ends at the row of the pc it is made for, the only one libgcc_s reads,
 * whose CFA rule, unless a call out's, is set again as an expression that
 * also checks it (put_rule_checked; review 62); a program that gives rsp
 * a rule up to there is refused, as the check reads rsp (sets_sp; review
 * 64b); and every rule of that row that reads memory (a saved register's
 * place, the return address's, a deref in an expression) is set again
 * with the read checked against the compartment's own memory; rax and
 * rdx, where the personality routine writes the exception and the
 * selector for the landing pad, only in the arena (put_rules_checked;
 * review 70b). A refused
 * copy stops the program with one line naming the frame
 * and why (review 30b): answered no FDE, libgcc_s would stop there and a
 * throw end in std::terminate, whose handler is a key-0 word called with
 * the compartment's rights. Only the runtime's own walks (backtrace(3),
 * fault reports, the recorder: bh_unwind_walk_begin) end quietly there
 * instead, as a walk ending early harms no one.
 *
 * Where the copy lives: memory the default domain cannot write, that no
 * other thread overwrites while this thread's unwinder reads it, and no
 * malloc (unwinding may run in a signal handler). It is a ring of SLOTS
 * slots on this thread's own stack of the compartment whose rights it
 * holds, in pages of their own at the stack's bottom (stacks.c: guard page,
 * ring, guard page, then the stack): the compartment's key, the same
 * protection as the unwinder's own frames, which hold its pointers into
 * the copy. libgcc_s uses them only until its next lookup but one on this
 * thread: uw_frame_state_for looks up, then the personality routine (or
 * _Unwind_Backtrace's callback) runs and uw_update_context evaluates the
 * frame's CFA expressions, then the next frame's lookup. A lookup nested in
 * that window (a signal handler of the same compartment that unwinds more
 * than SLOTS - 1 frames) would reuse the slot: the outer frame would be
 * unwound with another frame's CFI, a copy of read-only CFI all the same.
 * libstdc++'s personality routine keeps one LSDA pointer longer: the
 * handler frame's, from the search phase, which it parses again for a
 * violated dynamic exception specification (threat-model.md: open).
 * A CIE, FDE and LSDA too big for a slot (4 KiB less the ring's header)
 * are refused: measured on Debian's libstdc++.so.6, the largest
 * copy is under 1 KiB; among libclang-cpp.so.19's 108,000 FDEs three are
 * over 4 KiB (long CFA programs). The ring is small because it comes out
 * of the stack (20 KiB with its guard page, 28 KiB with the exception
 * hand-over's stack below it: review 9's aligned-alloca test
 * parks 960 KiB of locals on a 1 MiB stack). Without a
 * compartment stack (-fno-pkey-compartment-stacks, or a PKRU that is no
 * compartment's) there is no such memory: the caller answers the object's
 * own FDE, as before. Off its stacks (its code on a stack of its own,
 * makecontext: ring_here) only the runtime's own walks get the object's
 * FDE; a throw stops there (review 73a).
 */
#define _GNU_SOURCE
#include "internal.h"
#include "unwind-cfi.h"

#include <string.h>
#include <unwind.h>

#define SLOTS 4
#define RING_HEADER 64
#define SLOT ((BH_UNWIND_RING - RING_HEADER) / SLOTS)
_Static_assert(SLOT % 8 == 0 && SLOT == 4080, "a copy's slot, as said below");

struct ring {
  uint64_t next;  /* lookups so far: the next slot */
  uint64_t walks; /* the runtime's own walks under way (signals blocked) */
  struct bh_eh_globals eh; /* libstdc++'s, this thread's in the compartment */
  uint64_t handover;       /* a hand-over runs below the ring (exceptions.c) */
  uint64_t handover_mask;  /* the signal mask it blocked */
  uint64_t claim;          /* the stack's claim the header is of (stacks.c) */
  uint64_t dead; /* a call out's record the unwinder passes: kind | address
                  * (callout_personality), voided at the next lookup */
  uint8_t slot[SLOTS][SLOT];
};
_Static_assert(sizeof(struct ring) <= BH_UNWIND_RING &&
                   __builtin_offsetof(struct ring, slot) <= RING_HEADER,
               "the ring's size");
_Static_assert(__builtin_offsetof(struct ring, handover) == BH_RING_HANDOVER &&
                   __builtin_offsetof(struct ring, handover_mask) ==
                       BH_RING_HANDOVER_MASK,
               "the hand-over's words, as exceptions.c's stub finds them");

/* The end of the expression operation at p, one libgcc_s knows other
 * than DW_OP_GNU_encoded_addr; NULL if it is not. */
static const uint8_t *insn_end_op(const uint8_t *p) {
  uint8_t op = *p++;
  if ((op >= 0x30 && op <= 0x6f) || (op >= 0x12 && op <= 0x14) ||
      (op >= 0x16 && op <= 0x17) || (op >= 0x19 && op <= 0x22) ||
      (op >= 0x24 && op <= 0x27) || (op >= 0x29 && op <= 0x2e) || op == 0x06 ||
      op == 0x96)
    return p; /* lit, reg, stack and arithmetic ops, deref, nop */
  if (op >= 0x70 && op <= 0x8f) { /* breg: sleb offset */
    bh_cfi_uleb(&p);
    return p;
  }
  switch (op) {
  case 0x03: /* addr */
  case 0x0e: /* const8u */
  case 0x0f: /* const8s */
    return p + 8;
  case 0x08: /* const1u */
  case 0x09: /* const1s */
  case 0x15: /* pick */
  case 0x94: /* deref_size */
    return p + 1;
  case 0x0a: /* const2u */
  case 0x0b: /* const2s */
  case 0x28: /* bra */
  case 0x2f: /* skip */
    return p + 2;
  case 0x0c: /* const4u */
  case 0x0d: /* const4s */
    return p + 4;
  case 0x10: /* constu */
  case 0x11: /* consts */
  case 0x23: /* plus_uconst */
  case 0x90: /* regx */
    bh_cfi_uleb(&p);
    return p;
  case 0x92: /* bregx */
    bh_cfi_uleb(&p);
    bh_cfi_uleb(&p);
    return p;
  }
  return NULL;
}

/* Whether the expression [p, end) holds only operations libgcc_s knows,
 * none of them DW_OP_GNU_encoded_addr. */
static int expression_ok(const uint8_t *p, const uint8_t *end) {
  while (p && p < end)
    p = insn_end_op(p);
  return p == end;
}

/* The end of the CFA instruction at p, known here, before end; NULL if it
 * is not. */
static const uint8_t *insn_end(const uint8_t *p, const uint8_t *end) {
  uint8_t op = *p++;
  if (op >> 6 == 1 || op >> 6 == 3) /* advance_loc, restore */
    return p;
  if (op >> 6 == 2) { /* offset: uleb */
    bh_cfi_uleb(&p);
    return p;
  }
  switch (op) {
  case 0x00: /* nop */
  case 0x0a: /* remember_state */
  case 0x0b: /* restore_state */
  case 0x2d: /* GNU_window_save */
    break;
  case 0x02: /* advance_loc1 */
    p += 1;
    break;
  case 0x03: /* advance_loc2 */
    p += 2;
    break;
  case 0x04: /* advance_loc4 */
    p += 4;
    break;
  case 0x06: /* restore_extended */
  case 0x07: /* undefined */
  case 0x08: /* same_value */
  case 0x0d: /* def_cfa_register */
  case 0x0e: /* def_cfa_offset */
  case 0x13: /* def_cfa_offset_sf */
  case 0x2e: /* GNU_args_size */
    bh_cfi_uleb(&p);
    break;
  case 0x05: /* offset_extended */
  case 0x09: /* register */
  case 0x0c: /* def_cfa */
  case 0x11: /* offset_extended_sf */
  case 0x12: /* def_cfa_sf */
  case 0x14: /* val_offset */
  case 0x15: /* val_offset_sf */
  case 0x2f: /* GNU_negative_offset_extended */
    bh_cfi_uleb(&p);
    bh_cfi_uleb(&p);
    break;
  case 0x10: /* expression: register, block */
  case 0x16: /* val_expression */
    bh_cfi_uleb(&p);
    /* fall through */
  case 0x0f: { /* def_cfa_expression: block */
    uintptr_t n = bh_cfi_uleb(&p);
    if (n > (uintptr_t)(end - p) || !expression_ok(p, p + n))
      return NULL;
    p += n;
    break;
  }
  default: /* set_loc (0x01), and any other */
    return NULL;
  }
  return p <= end ? p : NULL;
}

/* Whether the CFA program [p, end) can be copied (put_program). */
static int program_ok(const uint8_t *p, const uint8_t *end) {
  while (p && p < end)
    p = insn_end(p, end);
  return p == end;
}

struct out {
  uint8_t *p, *end;
  int full;
};

static void put(struct out *o, const void *src, size_t n) {
  if ((size_t)(o->end - o->p) < n) {
    o->full = 1;
    return;
  }
  memcpy(o->p, src, n);
  o->p += n;
}
static void put1(struct out *o, uint8_t b) { put(o, &b, 1); }
static void put4(struct out *o, uint32_t v) { put(o, &v, 4); }
static void put8(struct out *o, uintptr_t v) { put(o, &v, 8); }
static void put_uleb(struct out *o, uintptr_t v) {
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    put1(o, b | (v ? 0x80 : 0));
  } while (v);
}
static void put_sleb(struct out *o, intptr_t v) {
  for (;;) {
    uint8_t b = v & 0x7f;
    v >>= 7;
    if ((v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40))) {
      put1(o, b);
      return;
    }
    put1(o, b | 0x80);
  }
}
/* Pads the entry begun at START with DW_CFA_nop to a multiple of 8 bytes
 * and writes its length. */
static void close_entry(struct out *o, uint8_t *start) {
  while ((o->p - start) % 8 && !o->full)
    put1(o, 0);
  if (!o->full) {
    uint32_t len = (uint32_t)(o->p - start - 4);
    memcpy(start, &len, 4);
  }
}

/* A trampoline's marked CFA expression [p, end) (include/bulkhead/abi.h,
 * BH_CFA_SAVED_SP_MARK): the saved pointer's offset from rsp into *at,
 * the CFA's distance above it into *above; 0 if it is not one, 1 for a
 * static frame's (the mark once), 2 for a run-time-chosen call's record
 * (twice). */
static int marked_cfa(const uint8_t *p, const uint8_t *end, intptr_t *at,
                      uintptr_t *above) {
  if (end - p < 6 || end[-1] != BH_CFA_SAVED_SP_MARK || *p++ != 0x77)
    return 0; /* DW_OP_breg7 */
  *at = bh_cfi_sleb(&p);
  if (end - p < 3 || *p++ != 0x06 || *p++ != 0x23) /* deref, plus_uconst */
    return 0;
  *above = bh_cfi_uleb(&p);
  if (p == end - 1)
    return 1;
  return p == end - 2 && *p == BH_CFA_SAVED_SP_MARK ? 2 : 0;
}

/* A marked expression's checked form, as the trampoline's way back checks
 * (pass/Stacks.cpp): the saved pointer s lies in STACK, this thread's
 * stack of D, the compartment whose rights the unwinder holds (the copy is
 * this thread's; the way back checks the stack's owner: another thread's
 * live call out led this thread's unwinder into the catch of that thread's
 * activation, review 70a, attacks-rev70a-unwind-other-thread.cpp), and
 * points at D's cookie
 * with BH_STATIC_FRAME_MARK flipped, or for a record (KIND 2; the way back
 * is enter.c's __bulkhead_return_to_index) at D's index C, D's cookie as
 * it is after it (BH_RECORD_*); then the CFA is s + above. Otherwise
 * it reads BH_UNWIND_STOP, which faults (fault.c reports it in one line),
 * and were that mapped the CFA would be 0, whose return address the
 * unwinder cannot read. Constants: the stack's bounds and the cookie's address,
 * which only D's rights read. libgcc's binary operations take the top of
 * the stack as their second operand ("s lo gt" is s > lo), signed. */
static void put_checked_cfa(struct out *o, intptr_t at, uintptr_t above,
                            int kind, const struct bulkhead_domain *d,
                            size_t c, uintptr_t stack) {
  uint8_t e[96];
  size_t n = 0;
  uintptr_t lo = stack, hi = stack + BH_STACK_SIZE,
            cookie = (uintptr_t)d->stack_lo - BH_COOKIE_BELOW;
#define OP(b) (e[n++] = (uint8_t)(b))
#define OP8(v) (memcpy(e + n, &(uintptr_t){(v)}, 8), n += 8)
  OP(0x77); /* breg7 at: where the trampoline saved s */
  for (intptr_t v = at;;) {
    uint8_t b = v & 0x7f;
    v >>= 7;
    int done = (v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40));
    OP(done ? b : b | 0x80);
    if (done)
      break;
  }
  OP(0x06);             /* deref: s */
  OP(0x12);             /* dup */
  OP(0x0e), OP8(lo);    /* const8u lo */
  OP(0x2b);             /* gt: s, s > lo */
  OP(0x14);             /* over */
  OP(0x0e), OP8(hi);    /* const8u hi */
  OP(0x2c);             /* le: s, s > lo, s <= hi */
  OP(0x1a);             /* and */
  OP(0x30), OP(0x29);   /* lit0, eq: s, not in the arena */
  OP(0x28);             /* bra: to refused */
  size_t to_refused = n;
  n += 2;
  if (kind == 2) {
    _Static_assert(BH_RECORD_INDEX == 0 && BH_RECORD_COOKIE == 8,
                   "the record's words, as checked here");
    OP(0x12), OP(0x06);  /* dup, deref: s, *s */
    OP(0x08), OP(c);     /* const1u c */
    OP(0x29);            /* eq: s, whether *s is C */
    OP(0x14);            /* over: s, b, s */
    OP(0x23), OP(8);     /* plus_uconst 8 */
    OP(0x06);            /* deref: s, b, s[1] */
    OP(0x0e), OP8(cookie);
    OP(0x06);            /* deref: s, b, s[1], the cookie */
    OP(0x29);            /* eq */
    OP(0x1a);            /* and: s, whether the record is C's */
  } else {
    OP(0x12), OP(0x06);  /* dup, deref: s, *s */
    OP(0x0e), OP8(cookie);
    OP(0x06);            /* deref: s, *s, the cookie */
    OP(0x08), OP(BH_STATIC_FRAME_MARK);
    OP(0x27);            /* xor */
    OP(0x29);            /* eq: s, whether *s is the marked cookie */
  }
  OP(0x28);             /* bra: to ok */
  size_t to_ok = n;
  n += 2;
  int16_t off = (int16_t)(n - (to_refused + 2)); /* refused: */
  memcpy(e + to_refused, &off, 2);
  OP(0x0a), OP(BH_UNWIND_STOP & 0xff), OP(BH_UNWIND_STOP >> 8); /* const2u */
  OP(0x06);             /* deref: faults */
  OP(0x13), OP(0x13);   /* drop, drop */
  OP(0x30);             /* lit0: the CFA */
  OP(0x2f);             /* skip: to the end */
  size_t to_end = n;
  n += 2;
  off = (int16_t)(n - (to_ok + 2)); /* ok: */
  memcpy(e + to_ok, &off, 2);
  OP(0x23);             /* plus_uconst above */
  do {
    uint8_t b = above & 0x7f;
    above >>= 7;
    OP(b | (above ? 0x80 : 0));
  } while (above && n < sizeof e - 2);
  off = (int16_t)(n - (to_end + 2));
  memcpy(e + to_end, &off, 2);
#undef OP
#undef OP8
  uint8_t head[2] = {0x0f, (uint8_t)n}; /* def_cfa_expression, length */
  put(o, head, 2);
  put(o, e, n);
}

/* The CFA rule the copied program has set so far, as libgcc_s reads it
 * (DW_CFA_remember_state and restore_state keep and take it back too). */
enum { CFA_UNSET, CFA_REG, CFA_EXPR, CFA_MARKED };
struct cfa_rule {
  int how;
  uintptr_t reg;             /* CFA_REG: reg + off */
  intptr_t off;
  const uint8_t *exp, *exp_end; /* CFA_EXPR: the expression's operations */
};

/* The columns whose rules are tracked (struct track): x86-64's general
 * registers, the return address (16) and 17, which libgcc_s's state
 * still holds (its columns 0 to DWARF_FRAME_REGISTERS); a rule that
 * places another in memory is refused. */
#define COLUMNS 18

/* Where the copy of a program stops: the row of PC, as libgcc_s runs it
 * (the CIE's instructions, then the FDE's while the location is at most
 * PC), and the rule then in force. */
struct track {
  uintptr_t loc, pc, code_align;
  intptr_t data_align;
  struct cfa_rule cfa, kept[8];
  size_t depth;
  int cut, bad, sp_rule;
  int eh_rule; /* rax or rdx given a place other than the CFA plus an offset */
  int high;    /* a place in memory for a column libgcc_s does not unwind */
  /* Each column's rule, if it reads memory (reg_rule's 1): the instruction
   * that set it; the CIE's, for restore; those remembered. */
  const uint8_t *rule[COLUMNS], *init[COLUMNS], *kept_rule[8][COLUMNS];
};

/* Whether the CFA instruction at p gives rsp (DWARF register 7) a rule
 * that reads it from somewhere: libgcc_s then takes the next frame's rsp
 * from there instead of this frame's CFA, and put_reentry_check's
 * DW_OP_breg7 reads it (review 64b: glibc's setcontext takes it from the
 * ucontext at rdx, any domain's memory, like a signal frame). */
static int sets_sp(const uint8_t *p) {
  uint8_t op = *p++;
  if (op >> 6 == 2) /* offset */
    return (op & 0x3f) == 7;
  switch (op) {
  case 0x05: /* offset_extended */
  case 0x09: /* register: rsp's value in another register */
  case 0x10: /* expression */
  case 0x11: /* offset_extended_sf */
  case 0x14: /* val_offset */
  case 0x15: /* val_offset_sf */
  case 0x16: /* val_expression */
  case 0x2f: /* GNU_negative_offset_extended */
    return bh_cfi_uleb(&p) == 7;
  }
  return 0; /* restore, undefined, same_value: none (rsp is the CFA) */
}

/* The compartment's memory as constants of the checks below: its arena
 * (stack_lo, stack_hi], where its frames are, and the ranges its key may
 * tag, [lo, hi) each (its data, its arena with the guard below it, and
 * its heap's: bh_heap_keyed). Memory of another compartment's key faults
 * at the address read, which the walk chose: nothing of it comes back. */
struct dmem {
  uintptr_t alo, ahi;
  uintptr_t lo[4], hi[4];
};

static struct dmem dmem_of(const struct bulkhead_domain *d, size_t di) {
  struct dmem m = {(uintptr_t)d->stack_lo, (uintptr_t)d->stack_hi, {0}, {0}};
  uintptr_t h[4];
  bh_heap_keyed((int)di, h);
  m.lo[0] = (uintptr_t)d->data_start, m.hi[0] = (uintptr_t)d->data_end;
  m.lo[1] = m.alo - BH_ARENA_GUARD, m.hi[1] = m.ahi;
  m.lo[2] = h[0], m.hi[2] = h[1];
  m.lo[3] = h[2], m.hi[3] = h[3];
  return m;
}

/* [x] -> [x, lo < x < hi] (libgcc compares signed; addresses are below
 * 2^47, and a word read at a "negative" one faults at it). */
static void put_within(struct out *o, uintptr_t lo, uintptr_t hi) {
  put1(o, 0x12);              /* dup: x, x */
  put1(o, 0x0e), put8(o, lo); /* const8u lo */
  put1(o, 0x2b);              /* gt: x, x > lo */
  put1(o, 0x14);              /* over: x, a, x */
  put1(o, 0x0e), put8(o, hi); /* const8u hi */
  put1(o, 0x2d);              /* lt: x, a, x < hi */
  put1(o, 0x1a);              /* and */
}

/* [g, x] -> [x], where g says the frame is on the compartment's stacks
 * (its CFA, or its stack pointer, in the arena) and x is the address of a
 * word the unwinder is about to read (or the personality routine write).
 * x passes if it and g lie in the arena, or, unless STRICT, if no byte of
 * the word is the compartment's memory (M); otherwise the word read is
 * STOP, which faults (fault.c names it). */
static void put_word_check(struct out *o, const struct dmem *m, int strict,
                           uint16_t stop) {
  /* No DW_OP_pick: libgcc_s's asserts one entry more than it reads. */
  if (!strict) {
    put1(o, 0x30); /* lit0: g, x, any */
    for (int r = 0; r < 4; r++) {
      if (m->hi[r] <= m->lo[r])
        continue;
      put1(o, 0x14);                         /* over: g, x, any, x */
      put_within(o, m->lo[r] - 8, m->hi[r]); /* a byte of it in range r */
      put1(o, 0x16), put1(o, 0x13);          /* swap, drop: g, x, any, b */
      put1(o, 0x21);                         /* or */
    }
    put1(o, 0x17); /* rot: any, g, x */
  }
  put_within(o, m->alo, m->ahi - 7); /* g, x, the word in the arena */
  put1(o, 0x17), put1(o, 0x17);      /* rot, rot: x, s, g */
  put1(o, 0x1a);                     /* and: x, in */
  if (!strict) {
    put1(o, 0x17), put1(o, 0x17); /* rot, rot: any, x, in -> x, in, any */
    put1(o, 0x30), put1(o, 0x29); /* lit0, eq: x, in, none */
    put1(o, 0x21);                /* or: x, ok */
  }
  const uint8_t refused[] = {
      0x28, 7,           0,         /* bra: to the end, x */
      0x0a, stop & 0xff, stop >> 8, /* const2u stop */
      0x06,                         /* deref: faults */
      0x13, 0x13,                   /* drop, drop */
      0x30,                         /* lit0 */
  };
  put(o, refused, sizeof refused);
}

/* [x] -> [g, x]: g whether the frame's stack pointer (rsp as the frame's
 * rules see it: the callee's CFA) lies in the arena. */
static void put_sp_guard(struct out *o, const struct dmem *m) {
  put1(o, 0x77), put1(o, 0);         /* breg7 0: x, rsp */
  put_within(o, m->alo, m->ahi + 1); /* x, rsp, g */
  put1(o, 0x16), put1(o, 0x13);      /* swap, drop: x, g */
  put1(o, 0x16);                     /* swap: g, x */
}

/* Copies the expression [p, end) to O with each of its reads checked
 * (put_word_check, the frame's stack pointer as its guard): a deref in a
 * CFA or register rule reads with the compartment's rights at an address
 * the frame's registers give, and a value read there becomes a CFA or a
 * register (review 70b). 0 if it has a branch, whose distances the checks
 * would change: not a form compilers write next to a deref. */
static int put_expr_checked(struct out *o, const uint8_t *p, const uint8_t *end,
                            const struct dmem *m) {
  int branches = 0, derefs = 0;
  for (const uint8_t *q = p; q < end; q = insn_end_op(q)) {
    branches |= *q == 0x28 || *q == 0x2f;
    derefs |= *q == 0x06 || *q == 0x94;
  }
  if (branches && derefs)
    return 0;
  while (p < end) {
    const uint8_t *next = insn_end_op(p);
    if (*p == 0x06 || *p == 0x94) {
      put_sp_guard(o, m);
      put_word_check(o, m, 0, BH_UNWIND_STOP_MEMORY);
    }
    put(o, p, (size_t)(next - p));
    p = next;
  }
  return 1;
}

/* The column whose rule the CFA instruction at p sets, into *col, and
 * how: 1 a place in memory (offset, offset_extended(_sf),
 * GNU_negative_offset_extended, expression) or val_expression (a value
 * its derefs read), -1 another rule (undefined, same_value, register,
 * val_offset), 2 restore (the CIE's rule), 0 none. */
static int reg_rule(const uint8_t *p, uintptr_t *col) {
  uint8_t op = *p++;
  if (op >> 6 == 2 || op >> 6 == 3) { /* offset, restore */
    *col = op & 0x3f;
    return op >> 6 == 2 ? 1 : 2;
  }
  switch (op) {
  case 0x05: /* offset_extended */
  case 0x10: /* expression */
  case 0x11: /* offset_extended_sf */
  case 0x16: /* val_expression */
  case 0x2f: /* GNU_negative_offset_extended */
    *col = bh_cfi_uleb(&p);
    return 1;
  case 0x06: /* restore_extended */
    *col = bh_cfi_uleb(&p);
    return 2;
  case 0x07: /* undefined */
  case 0x08: /* same_value */
  case 0x09: /* register */
  case 0x14: /* val_offset */
  case 0x15: /* val_offset_sf */
    *col = bh_cfi_uleb(&p);
    return -1;
  }
  return 0;
}

/* Follows the CFA instruction at p (program_ok's) in t; 0 once it is past
 * t->pc's row, so the copy stops before it. */
static int follow(struct track *t, const uint8_t *p, const uint8_t *next) {
  uint8_t op = *p++;
  uintptr_t delta = 0;
  if (op >> 6 == 1)
    delta = op & 0x3f;
  else if (op == 0x02)
    delta = p[0];
  else if (op == 0x03)
    delta = (uintptr_t)p[0] | (uintptr_t)p[1] << 8;
  else if (op == 0x04)
    delta = (uintptr_t)p[0] | (uintptr_t)p[1] << 8 | (uintptr_t)p[2] << 16 |
            (uintptr_t)p[3] << 24;
  if (op >> 6 == 1 || (op >= 0x02 && op <= 0x04)) {
    t->loc += delta * t->code_align;
    return t->loc <= t->pc;
  }
  t->sp_rule |= sets_sp(p - 1);
  uintptr_t col;
  int how = reg_rule(p - 1, &col);
  if (how && col >= COLUMNS)
    t->high |= how == 1;
  else if (how)
    t->rule[col] = how == 1 ? p - 1 : how == 2 ? t->init[col] : NULL;
  /* rax or rdx in a place an expression or another register gives */
  t->eh_rule |= how && col <= 1 && (op == 0x10 || op == 0x09);
  switch (op) {
  case 0x0c: /* def_cfa */
  case 0x12: /* def_cfa_sf */
    t->cfa.how = CFA_REG;
    t->cfa.reg = bh_cfi_uleb(&p);
    t->cfa.off = op == 0x0c ? (intptr_t)bh_cfi_uleb(&p)
                            : bh_cfi_sleb(&p) * t->data_align;
    break;
  case 0x0d: /* def_cfa_register */
    t->cfa.reg = bh_cfi_uleb(&p);
    t->bad |= t->cfa.how != CFA_REG;
    break;
  case 0x0e: /* def_cfa_offset */
    t->cfa.off = (intptr_t)bh_cfi_uleb(&p);
    t->bad |= t->cfa.how != CFA_REG;
    break;
  case 0x13: /* def_cfa_offset_sf */
    t->cfa.off = bh_cfi_sleb(&p) * t->data_align;
    t->bad |= t->cfa.how != CFA_REG;
    break;
  case 0x0f: { /* def_cfa_expression */
    uintptr_t n = bh_cfi_uleb(&p);
    intptr_t at;
    uintptr_t above;
    t->cfa.how = marked_cfa(p, p + n, &at, &above) ? CFA_MARKED : CFA_EXPR;
    t->cfa.exp = p;
    t->cfa.exp_end = next;
    break;
  }
  case 0x0a: /* remember_state */
    if (t->depth == sizeof t->kept / sizeof t->kept[0])
      t->bad = 1;
    else
      memcpy(t->kept_rule[t->depth], t->rule, sizeof t->rule),
          t->kept[t->depth++] = t->cfa;
    break;
  case 0x0b: /* restore_state */
    if (!t->depth)
      t->bad = 1;
    else
      t->cfa = t->kept[--t->depth],
      memcpy(t->rule, t->kept_rule[t->depth], sizeof t->rule);
    break;
  }
  return 1;
}

/* Appends to O the operations that check the CFA on the expression stack
 * of a frame that is not a call out's: in the arena of D, the compartment
 * whose rights the unwinder holds, it must be the CFA of a frame whose
 * stack pointer (rsp, the callee's CFA) is in it too; otherwise it reads
 * BH_UNWIND_STOP_REENTRY, which faults (fault.c). Out of the arena, a
 * frame's CFA comes from registers and words any domain can write. */
static void put_reentry_check(struct out *o, const struct bulkhead_domain *d) {
  uintptr_t lo = (uintptr_t)d->stack_lo, hi = (uintptr_t)d->stack_hi;
  _Static_assert(BH_UNWIND_STOP_REENTRY < 0x10000, "a const2u");
  static const uint8_t ops[] = {
      0x30, 0x29,       /* lit0, eq: cfa, in, rsp out of it */
      0x1a,             /* and: cfa, back into the arena */
      0x28, 3, 0,       /* bra: past the skip */
      0x2f, 7, 0,       /* skip: to the end, the CFA */
      0x0a, BH_UNWIND_STOP_REENTRY & 0xff,
      BH_UNWIND_STOP_REENTRY >> 8, /* const2u */
      0x06,             /* deref: faults */
      0x13, 0x13,       /* drop, drop */
      0x30,             /* lit0: the CFA */
  };
  put1(o, 0x12);                      /* dup: cfa, cfa */
  put1(o, 0x0e), put8(o, lo);         /* const8u lo */
  put1(o, 0x2b);                      /* gt: cfa, cfa > lo */
  put1(o, 0x14);                      /* over: cfa, a, cfa */
  put1(o, 0x0e), put8(o, hi);         /* const8u hi */
  put1(o, 0x2c);                      /* le: cfa, a, cfa <= hi */
  put1(o, 0x1a);                      /* and: cfa, the CFA in the arena */
  put1(o, 0x77), put1(o, 0);          /* breg7 0: cfa, in, rsp */
  put1(o, 0x12);                      /* dup */
  put1(o, 0x0e), put8(o, lo);         /* const8u lo */
  put1(o, 0x2b);                      /* gt: cfa, in, rsp, rsp > lo */
  put1(o, 0x16);                      /* swap: cfa, in, a, rsp */
  put1(o, 0x0e), put8(o, hi);         /* const8u hi */
  put1(o, 0x2c);                      /* le: cfa, in, a, rsp <= hi */
  put1(o, 0x1a);                      /* and: cfa, in, rsp in the arena */
  put(o, ops, sizeof ops);
}

/* Appends to O the rule R, checked: a call out's is already
 * (put_checked_cfa wrote it where the program sets it), any other becomes
 * a CFA expression that computes it as R does, then put_reentry_check's
 * operations. */
static int put_rule_checked(struct out *o, const struct cfa_rule *r,
                            const struct bulkhead_domain *d,
                            const struct dmem *m) {
  if (r->how == CFA_MARKED)
    return 1;
  uint8_t body[SLOT];
  struct out b = {body, body + sizeof body, 0};
  if (r->how == CFA_EXPR) {
    if (!put_expr_checked(&b, r->exp, r->exp_end, m))
      return 0;
  } else if (r->reg < 32) {
    put1(&b, (uint8_t)(0x70 + r->reg)); /* breg<reg> off */
    put_sleb(&b, r->off);
  } else {
    put1(&b, 0x92); /* bregx reg off */
    put_uleb(&b, r->reg);
    put_sleb(&b, r->off);
  }
  put_reentry_check(&b, d);
  if (b.full) {
    o->full = 1;
    return 1;
  }
  put1(o, 0x0f); /* def_cfa_expression */
  put_uleb(o, (uintptr_t)(b.p - body));
  put(o, body, (size_t)(b.p - body));
  return 1;
}

/* Appends to O, for each column whose rule at T's row reads memory, that
 * rule again with its reads checked (put_word_check; review 70b): with
 * the compartment's rights the unwinder reads each saved register (the
 * return address too: the CIE's rule) where the rule says, and the
 * personality routine writes rax and rdx there (_Unwind_SetGR). A forged
 * frame off the compartment's stacks (its CFA from a chosen rbp) put that
 * place next to the compartment's data, and the word read came back as a
 * return address with no FDE, the address of the fault at it
 * (attacks-rev70b-unwind-read-pin.cpp). A place from the CFA plus an
 * offset is checked with the CFA as the guard (a CFA in the arena has
 * passed put_reentry_check), an expression's with the frame's stack
 * pointer; rax and rdx only in the arena (review 70b, where the landing
 * pad takes its exception: attacks-rev70b-eh-data-reg.cpp). 0 if an
 * expression cannot be checked (put_expr_checked). */
static int put_rules_checked(struct out *o, const struct track *t,
                             const struct dmem *m) {
  for (uintptr_t col = 0; col < COLUMNS; col++) {
    const uint8_t *p = t->rule[col];
    if (!p)
      continue;
    uint8_t op = *p++, body[SLOT];
    struct out b = {body, body + sizeof body, 0};
    int strict = col <= 1;
    uint16_t stop = strict ? BH_UNWIND_STOP_EH_DATA : BH_UNWIND_STOP_MEMORY;
    if (op >> 6 == 2 || op == 0x05 || op == 0x11 || op == 0x2f) {
      if (op >> 6 != 2)
        bh_cfi_uleb(&p);
      intptr_t off = op == 0x11 ? bh_cfi_sleb(&p) * t->data_align
                                : (intptr_t)bh_cfi_uleb(&p) * t->data_align;
      if (op == 0x2f)
        off = -off;
      put_within(&b, m->alo, m->ahi + 1); /* cfa, g */
      put1(&b, 0x16);                     /* swap: g, cfa */
      put1(&b, 0x11), put_sleb(&b, off);  /* consts off */
      put1(&b, 0x22);                     /* plus: g, x */
      put_word_check(&b, m, strict, stop);
    } else { /* expression, val_expression: register, block */
      bh_cfi_uleb(&p);
      uintptr_t n = bh_cfi_uleb(&p);
      if (!put_expr_checked(&b, p, p + n, m))
        return 0;
      if (op == 0x10) { /* the place it computes, read */
        put_sp_guard(&b, m);
        put_word_check(&b, m, strict, stop);
      }
    }
    if (b.full) {
      o->full = 1;
      return 1;
    }
    put1(o, op == 0x16 ? 0x16 : 0x10); /* (val_)expression: column, block */
    put_uleb(o, col);
    put_uleb(o, (uintptr_t)(b.p - body));
    put(o, body, (size_t)(b.p - body));
  }
  return 1;
}

/* Copies the CFA program [p, end) (program_ok's) up to T's row: each
 * marked expression in its checked form for compartment D, index C, this
 * thread's stack of it at STACK. */
static void put_program(struct out *o, const uint8_t *p, const uint8_t *end,
                        const struct bulkhead_domain *d, size_t c,
                        uintptr_t stack, struct track *t) {
  while (p < end && !t->cut) {
    const uint8_t *next = insn_end(p, end), *block = p + 1;
    intptr_t at;
    uintptr_t above;
    int kind = 0;
    if (!follow(t, p, next)) {
      t->cut = 1;
      break;
    }
    if (*p == 0x0f) /* def_cfa_expression: past the block's length */
      bh_cfi_uleb(&block);
    if (*p == 0x0f && (kind = marked_cfa(block, next, &at, &above)))
      put_checked_cfa(o, at, above, kind, d, c, stack);
    else
      put(o, p, (size_t)(next - p));
    p = next;
  }
}

/* The first marked CFA expression in the FDE's program [p, end) (its
 * kind, as marked_cfa's, or 0), its saved pointer's offset into *at. In a
 * trampoline out of a compartment (pass/Stacks.cpp) the first is the one
 * in force at its call, where an exception passes it. */
static int first_marked(const uint8_t *p, const uint8_t *end, intptr_t *at) {
  while (p < end) {
    const uint8_t *next = insn_end(p, end), *block = p + 1;
    uintptr_t above;
    int kind;
    if (*p == 0x0f) { /* def_cfa_expression */
      bh_cfi_uleb(&block);
      if ((kind = marked_cfa(block, next, at, &above)))
        return kind;
    }
    p = next;
  }
  return 0;
}

/* What the copy of a call out's FDE gives its personality routine as its
 * LSDA: where its saved pointer is, and its kind. */
struct callout_lsda {
  intptr_t at;
  uint64_t kind;
};

static struct ring *this_ring(void);

/* The personality routine of the copy of a trampoline out of the
 * compartment (copy_into gives it one): called by libgcc_s with the
 * compartment's rights for the call out's frame, before it computes that
 * frame's CFA from the saved pointer (the checked expression,
 * put_checked_cfa). An exception passing the call out in its second phase
 * (or a forced unwind) unwinds the frames that would return through its
 * record; wherever the catch is (the compartment's own, another domain's,
 * shared code's), the record is dead. Its address (the same word the
 * expression reads) is noted in the ring: the next lookup, once the CFA is
 * computed, voids it and every record below it on the stack
 * (bh_unwind_copy; stacks.c). */
static _Unwind_Reason_Code callout_personality(int version,
                                               _Unwind_Action actions,
                                               uint64_t cls,
                                               struct _Unwind_Exception *exc,
                                               struct _Unwind_Context *ctx) {
  (void)version, (void)cls, (void)exc;
  const struct callout_lsda *l = _Unwind_GetLanguageSpecificData(ctx);
  struct ring *r = this_ring();
  if ((actions & _UA_CLEANUP_PHASE) && l && r)
    r->dead =
        *(const uintptr_t *)(_Unwind_GetCFA(ctx) + (uintptr_t)l->at) |
        l->kind;
  return _URC_CONTINUE_UNWIND;
}

typedef _Unwind_Reason_Code personality_fn(int, _Unwind_Action, uint64_t,
                                           struct _Unwind_Exception *,
                                           struct _Unwind_Context *);

/* Where the pad of a listed frame off the compartment's stacks goes, and
 * what it gets in rax and rdx (listed_personality, bh_pad_gate): key-0
 * memory, read only after the gate into the default domain. */
__thread uintptr_t bh_pad_to[3] __attribute__((tls_model("initial-exec")))
BH_HIDDEN;

/* Where a listed pad off the compartment's stacks starts instead of at
 * itself, with the compartment's rights, the registers the unwinder
 * installed (rax the exception) and the catcher's stack: the hand-over
 * to the default domain (exceptions.c), the gate into it, then the pad
 * with the default domain's rights, so that nothing the compiler puts
 * before the pad's own hand-over (spills, reloads through %rbp: review
 * 68b, attacks-rev68b-pad-spill.cpp) runs with the compartment's. The
 * pad's own hand-over then finds the default domain's rights and does
 * nothing; a compartment's pad traps at its rights check. Nothing here
 * reads or writes the stack. */
void bh_pad_gate(void) BH_HIDDEN;
// clang-format off
__asm__(".text\n"
        ".type bh_pad_gate,@function\n"
        "bh_pad_gate:\n"
        "  movq %rax, %rdi\n"
        "  leaq " BH_SYM_DOMAIN0 "(%rip), %rsi\n"
        "  leaq 3f(%rip), %r11\n"
        "  jmp " BH_SYM_EXCEPTION_ARRIVES "\n"
        "3:\n"
        BH_CHECKED_GATE_ASM(BH_SYM_DOMAIN0)
        "  movq bh_pad_to@gottpoff(%rip), %rcx\n"
        "  movq %fs:8(%rcx), %rax\n"
        "  movq %fs:16(%rcx), %rdx\n"
        "  movq %fs:(%rcx), %rcx\n"
        "  jmpq *%rcx\n"
        ".size bh_pad_gate, .-bh_pad_gate\n");
// clang-format on

/* The personality routine of the copy of a frame with one (but a call
 * out's): the frame's own routine, kept in the word before the LSDA's
 * copy, decides. A catch or cleanup it finds for a frame whose stack
 * pointer (the callee's CFA) lies off the compartment's stacks would run
 * there with the compartment's rights, on a stack and with registers
 * other domains wrote. In a function Bulkhead did not build (FOREIGN,
 * unwind-cfi.h: libstdc++.so.6, a plain archive) no hand-over comes
 * before it (reviews 64a and 65b, attacks-rev64a-shared-catch-unwind.cpp):
 * the program stops with one line instead. A listed one's pad starts at
 * bh_pad_gate. On the compartment's stack the frame is the compartment's
 * own activation (of shared code too: qsort, a libstdc++ function it
 * called), and stays. */
static _Unwind_Reason_Code checked_personality(int version,
                                               _Unwind_Action actions,
                                               uint64_t cls,
                                               struct _Unwind_Exception *exc,
                                               struct _Unwind_Context *ctx,
                                               int foreign) {
  const uint8_t *lsda = _Unwind_GetLanguageSpecificData(ctx);
  if (!lsda)
    return _URC_CONTINUE_UNWIND;
  personality_fn *own;
  memcpy(&own, lsda - 8, 8);
  int c = bh_current_compartment();
  const struct bulkhead_domain *d = c < 0 ? NULL : bh_domain_at((size_t)c);
  uintptr_t sp = _Unwind_GetCFA(ctx);
  if (d && d->stack_lo && sp > (uintptr_t)d->stack_lo &&
      sp <= (uintptr_t)d->stack_hi)
    return own(version, actions, cls, exc, ctx);
  /* Off them, a pc no call site covers makes libstdc++'s routine call
   * std::terminate itself (__cxa_call_terminate, past the runtime's), and
   * so the handler the exception's header copied from key-0 memory, with
   * the compartment's rights (review 69b, attacks-rev69b-terminate-gap.cpp):
   * the program stops here instead. */
  int before = 0;
  uintptr_t pc = _Unwind_GetIPInfo(ctx, &before);
  struct bh_lsda l;
  if (bh_lsda_read(lsda, &l) ||
      !bh_lsda_covers(&l, pc - !before - _Unwind_GetRegionStart(ctx)))
    bh_fatal("an exception of compartment '%s' would end the program at pc "
             "0x%lx, off its stacks, in no call site of the frame's LSDA, "
             "with the compartment's rights (runtime/unwind-copy.c)",
             d ? d->name : "?", (unsigned long)pc);
  _Unwind_Reason_Code r = own(version, actions, cls, exc, ctx);
  if (r != _URC_HANDLER_FOUND && r != _URC_INSTALL_CONTEXT)
    return r;
  pc = _Unwind_GetIP(ctx); /* the pad's, once installed */
  if (!foreign) {
    if (r == _URC_INSTALL_CONTEXT && d && d->stack_lo) {
      bh_pad_to[0] = pc;
      bh_pad_to[1] = (uintptr_t)exc;
      bh_pad_to[2] = _Unwind_GetGR(ctx, __builtin_eh_return_data_regno(1));
      _Unwind_SetIP(ctx, (uintptr_t)bh_pad_gate);
    }
    return r;
  }
  const char *path;
  uintptr_t off;
  if (!bh_code_module(pc, &path, &off))
    path = "no object known", off = pc;
  bh_fatal("an exception of compartment '%s' would be %s at pc 0x%lx "
           "(%s+0x%lx), off its stacks, in code Bulkhead did not build, "
           "with the compartment's rights (runtime/unwind-copy.c)",
           d ? d->name : "?",
           r == _URC_HANDLER_FOUND ? "caught" : "caught or cleaned up",
           (unsigned long)pc, path, (unsigned long)off);
}

static _Unwind_Reason_Code foreign_personality(int version,
                                               _Unwind_Action actions,
                                               uint64_t cls,
                                               struct _Unwind_Exception *exc,
                                               struct _Unwind_Context *ctx) {
  return checked_personality(version, actions, cls, exc, ctx, 1);
}

static _Unwind_Reason_Code listed_personality(int version,
                                              _Unwind_Action actions,
                                              uint64_t cls,
                                              struct _Unwind_Exception *exc,
                                              struct _Unwind_Context *ctx) {
  return checked_personality(version, actions, cls, exc, ctx, 0);
}

/* The ring at p, with compartment c's rights. A stack outlives its thread:
 * the next thread to take it starts with no caught or uncaught exceptions
 * and no walk under way, not the ones the last left (an exception in
 * flight when it longjmp'd out of a cleanup, exceptions-stack-reuse.cpp).
 * The next thread is the next claim in the read-only owner table, not the
 * next thread id: the kernel hands a dead thread's id to a new thread
 * (exceptions-stack-reuse-tid.cpp). The hand-over's words are the stub's
 * (it clears them as it leaves). */
static struct ring *owned(char *p, uint64_t claim) {
  struct ring *r = (struct ring *)p;
  if (r && r->claim != claim) {
    r->walks = 0;
    r->dead = 0;
    memset(&r->eh, 0, sizeof r->eh);
    r->claim = claim;
  }
  return r;
}

/* This thread's ring on the stack of the compartment whose rights it
 * holds, or NULL (see the top): the one the unwinder runs on; off the
 * compartment's stacks (its code on a stack of its own: makecontext on
 * its memory), the first the owner table gives this thread, and *off is
 * 1 (review 73a: with no ring there, a throw got the objects' own FDEs,
 * and libstdc++'s key-0 personality word chose the code its frames ran
 * with the compartment's rights, attacks-rev73a-coroutine-raw-fde.cpp). */
static struct ring *ring_here(int *off) {
  *off = 0;
  int c = bh_current_compartment();
  if (c < 0)
    return NULL;
  char *sp;
  __asm__ volatile("movq %%rsp, %0" : "=r"(sp));
  uint64_t claim = 0;
  char *p = bh_stack_ring(c, sp, &claim);
  if (!p && (p = bh_stack_ring_mine(c, &claim)))
    *off = 1;
  return owned(p, claim);
}

static struct ring *this_ring(void) {
  int off;
  return ring_here(&off);
}

int bh_unwind_signal_frame_ok(void) {
  struct ring *r = this_ring();
  return !r || __atomic_load_n(&r->walks, __ATOMIC_RELAXED);
}

struct bh_eh_globals *bh_ring_eh_globals(int c) {
  uint64_t claim = 0;
  struct ring *r = owned(bh_stack_ring_mine(c, &claim), claim);
  return r ? &r->eh : NULL;
}

/* Read-only: the kernel reads the mask from memory. */
static const uint64_t all_signals = ~(uint64_t)0;

/* The count is up only while every signal is blocked (review 58b): it lets
 * signal frames through, so nothing may leave a walk but its end, and a
 * handler the program chose (the default domain's code) may leave by
 * siglongjmp, which once left it up for every later throw
 * (attacks-rev58b-stale-walk.cpp). A fault meanwhile kills the thread's
 * process (a blocked fault is not handled), and the walk's callbacks are
 * the runtime's (unwind.c), which call no one. Blocking is simpler than
 * telling a throw apart from a walk by other means: glibc's forced unwind
 * reaches libgcc_s by its own table, past any interposed entry point. */
int bh_unwind_walk_begin(uint64_t *mask) {
  struct ring *r = this_ring();
  if (!r)
    return 0;
  if (bh_raw_syscall(SYS_rt_sigprocmask, 0 /* SIG_BLOCK */,
                     (long)&all_signals, (long)mask, 8))
    bh_fatal("cannot block signals around the runtime's stack walk");
  __atomic_fetch_add(&r->walks, 1, __ATOMIC_RELAXED);
  return 1;
}

void bh_unwind_walk_end(const uint64_t *mask) {
  __atomic_fetch_sub(&this_ring()->walks, 1, __ATOMIC_RELAXED);
  bh_raw_syscall(SYS_rt_sigprocmask, 2 /* SIG_SETMASK */, (long)mask, 0, 8);
}

/* Writes at O->p a copy of the LSDA read into L whose type table is
 * absolute (DW_EH_PE_absptr): each entry the type_info's address, from W
 * for one the LSDA names indirectly: recorded at start-up, or for an
 * object registered later at its registration, before any of its code
 * ran (unwind-find.c; read as it is at throw time, one key-0 store chose
 * the clause: dso/attacks-rev75-late-type-word.test), or read-only. A
 * word with none is refused. Everything else as it is: the
 * call-site table (absolute values), the action records (offsets and
 * filters, unchanged: the type table is indexed backwards from its base,
 * the exception specifications forwards), the specifications. The copy's
 * address, or NULL if a word has no known value. */
static const uint8_t *copy_lsda(struct out *o, const struct bh_lsda *l,
                                const struct bh_words *w) {
  const uint8_t *start = o->p;
  put1(o, l->lpstart_enc == BH_PE_OMIT ? BH_PE_OMIT : BH_PE_ABSPTR);
  if (l->lpstart_enc != BH_PE_OMIT)
    put8(o, l->lpstart);
  uint8_t *off_at = NULL;
  if (!l->ttype) {
    put1(o, BH_PE_OMIT);
  } else {
    put1(o, BH_PE_ABSPTR);
    off_at = o->p;
    put4(o, 0); /* the base's offset: a four-byte ULEB128, below */
  }
  put(o, l->cs_at, (size_t)(l->cs_end - l->cs_at));
  if (!l->ttype) {
    put(o, l->cs_end, (size_t)(l->actions_end - l->cs_end));
    return o->full ? NULL : start;
  }
  /* The actions and any padding, up to the lowest entry used. */
  const uint8_t *types = l->ttype - l->types * l->ttype_size;
  put(o, l->cs_end, (size_t)(types - l->cs_end));
  for (uintptr_t i = l->types; i >= 1; i--) {
    int indirect;
    uintptr_t v = bh_lsda_type(l, i, &indirect);
    if (indirect && w->type_value(w->ctx, v, &v))
      return NULL;
    put8(o, v);
  }
  uintptr_t off = (uintptr_t)(o->p - (off_at + 4));
  if (o->full || off >= (1u << 28))
    return NULL;
  for (int k = 0; k < 4; k++) /* padded: a fixed width */
    off_at[k] = (uint8_t)(((off >> (7 * k)) & 0x7f) | (k < 3 ? 0x80 : 0));
  put(o, l->ttype, (size_t)(l->specs_end - l->ttype));
  return o->full ? NULL : start;
}

/* The copy into SLOT of the FDE as libgcc_s reads it for PC, or NULL
 * with the reason in *WHY; D is the compartment whose rights the thread
 * holds, DI its index, STACK this thread's stack of it (put_checked_cfa). */
static const void *copy_into(uint8_t *slot, const uint8_t *fde, uintptr_t pc,
                             const struct bh_cie *c, const struct bh_words *w,
                             const struct bulkhead_domain *d, size_t di,
                             uintptr_t stack, const char **why) {
  int ok = 1;
  uint32_t len;
  memcpy(&len, fde, 4);
  const uint8_t *end = fde + 4 + len, *p = fde + 8;
  uintptr_t begin = bh_cfi_encoded(&p, c->fde_enc, 0, &ok);
  uintptr_t range = bh_cfi_encoded(&p, c->fde_enc & 0x0f, 0, &ok);
  uintptr_t lsda = 0, personality = c->pers;
  const uint8_t *insns = p;
  if (c->aug[0] == 'z') {
    uintptr_t n = bh_cfi_uleb(&p);
    insns = p + n;
    if (c->lsda_enc != BH_PE_OMIT) {
      if (c->lsda_enc & BH_PE_INDIRECT) /* never written so: not followed */
        return *why = "its LSDA pointer is indirect", NULL;
      lsda = bh_cfi_encoded(&p, c->lsda_enc, 0, &ok);
    }
  }
  if (c->pers_enc != BH_PE_OMIT && (c->pers_enc & BH_PE_INDIRECT) &&
      w->value(w->ctx, c->pers, &personality))
    return *why = "its CIE's personality word has no value recorded at "
                  "start-up nor is read-only",
           NULL;
  if (!ok || p > insns || insns > end)
    return *why = "its FDE is not well formed", NULL;
  if (!program_ok(c->insns, c->end) || !program_ok(insns, end))
    return *why = "its CFA program has an instruction not copied "
                  "(DW_CFA_set_loc, DW_OP_GNU_encoded_addr or one not known)",
           NULL;
  if (c->pers_enc != BH_PE_OMIT && !personality)
    return *why = "its personality routine's address is 0", NULL;
  if (c->pers_enc != BH_PE_OMIT && !w->routine_ok(personality))
    return *why = "its personality routine is neither libstdc++'s nor "
                  "libgcc_s's (glibc's forwards through key-0 words)",
           NULL;
  /* A call out's frame (a marked expression: a trampoline out of the
   * compartment) gets the runtime's personality routine, and as its LSDA
   * where its saved pointer is (callout_personality). */
  struct callout_lsda callout = {0, 0};
  callout.kind = (uint64_t)first_marked(insns, end, &callout.at);
  char aug[16];
  if (strlen(c->aug) + 3 > sizeof aug)
    return *why = "its CIE's augmentation is too long", NULL;
  strcpy(aug, c->aug);
  if (callout.kind) {
    if (c->aug[0] != 'z' || c->pers_enc != BH_PE_OMIT ||
        c->lsda_enc != BH_PE_OMIT)
      return *why = "it is a call out's, but its CIE has a personality "
                    "routine, an LSDA or no augmentation data",
             NULL;
    strcpy(aug, "zPL");
    strcat(aug, c->aug + 1);
    personality = (uintptr_t)callout_personality;
  }

  /* A frame with a personality routine: the runtime's first
   * (checked_personality), the frame's own in the word before the LSDA's
   * copy. Also a listed frame of an object registered after start-up:
   * with the object's routine, its pad off the compartment's stacks ran
   * its spills with the compartment's rights (review 68b's, in a late
   * object: dso/attacks-rev72-late-pad-spill.test). */
  uintptr_t own = 0;
  if (!callout.kind && c->pers_enc != BH_PE_OMIT) {
    own = personality;
    personality = w->foreign ? (uintptr_t)foreign_personality
                             : (uintptr_t)listed_personality;
  }

  struct out o = {slot, slot + SLOT, 0};
  uint8_t *cie = o.p;
  put4(&o, 0); /* its length, below */
  put4(&o, 0); /* a CIE */
  put1(&o, c->version);
  put(&o, aug, strlen(aug) + 1);
  put(&o, c->fields, (size_t)(c->fields_end - c->fields));
  if (aug[0] == 'z') {
    uint8_t data[32];
    size_t n = 0;
    for (const char *a = aug + 1; *a; a++) {
      if (n + 9 > sizeof data) /* not a CIE any compiler writes */
        return *why = "its CIE's augmentation is too long", NULL;
      if (*a == 'R')
        data[n++] = BH_PE_ABSPTR;
      else if (*a == 'L')
        data[n++] = c->lsda_enc == BH_PE_OMIT && !callout.kind ? BH_PE_OMIT
                                                               : BH_PE_ABSPTR;
      else if (*a == 'P') {
        data[n++] = BH_PE_ABSPTR;
        memcpy(data + n, &personality, 8);
        n += 8;
      }
    }
    put_uleb(&o, n);
    put(&o, data, n);
  }
  /* The program stops at PC's row, whose CFA rule it then sets checked
   * (put_rule_checked): only that row is ever read from this copy. */
  struct track t = {
      .loc = begin, .pc = pc, .cfa = {CFA_UNSET, 0, 0, NULL, NULL}};
  const uint8_t *f_at = c->fields;
  t.code_align = bh_cfi_uleb(&f_at);
  t.data_align = bh_cfi_sleb(&f_at);
  put_program(&o, c->insns, c->end, d, di, stack, &t);
  memcpy(t.init, t.rule, sizeof t.rule); /* what restore takes back */
  close_entry(&o, cie);

  uint8_t *f = o.p;
  put4(&o, 0);
  put4(&o, (uint32_t)(f + 4 - cie)); /* back to the copied CIE */
  put8(&o, begin);
  put8(&o, range);
  uint8_t *lsda_at = NULL;
  if (aug[0] == 'z') {
    int has_lsda = c->lsda_enc != BH_PE_OMIT || callout.kind;
    put_uleb(&o, has_lsda ? 8 : 0);
    lsda_at = has_lsda ? o.p : NULL;
    if (has_lsda)
      put8(&o, lsda);
  }
  put_program(&o, insns, end, d, di, stack, &t);
  if (t.bad || t.cfa.how == CFA_UNSET)
    return *why = "its CFA program changes a CFA rule it has not set, "
                  "restores a state it did not remember or remembers "
                  "more than 8",
           NULL;
  if (t.eh_rule)
    return *why = "its CFI keeps rax or rdx (the landing pad's exception "
                  "and selector) elsewhere than at an offset from the CFA",
           NULL;
  if (t.high)
    return *why = "its CFI saves in memory a register libgcc_s does not "
                  "unwind (a column over 17)",
           NULL;
  if (t.sp_rule)
    return *why = "its CFI reads the next frame's stack pointer from "
                  "memory or another register, as a signal frame's does "
                  "(glibc's setcontext, __longjmp)",
           NULL;
  struct dmem m = dmem_of(d, di);
  if (!put_rule_checked(&o, &t.cfa, d, &m) || !put_rules_checked(&o, &t, &m))
    return *why = "its CFI has an expression that reads memory and "
                  "branches (its reads cannot be checked)",
           NULL;
  close_entry(&o, f);
  if (lsda_at && callout.kind && !o.full) {
    const uint8_t *lc = o.p;
    put(&o, &callout, sizeof callout);
    memcpy(lsda_at, &lc, 8);
  }
  /* The LSDA after the FDE, its pointer made the copy's. Every frame with
   * a routine has its LSDA copied: checked_personality takes the
   * object's routine from the word before the copy, and before the
   * object's own LSDA lies the previous one's tail (review 68b,
   * dso/attacks-rev68b-late-lsda-word.test). */
  if (lsda_at && lsda && !o.full && (!w->late || own)) {
    struct bh_lsda l;
    if (bh_lsda_read((const uint8_t *)lsda, &l))
      return *why = "its LSDA is not of the form compilers write", NULL;
    if (own)
      put8(&o, own);
    const uint8_t *lc = copy_lsda(&o, &l, w);
    if (!lc && !o.full)
      return *why = "its LSDA's type table could not be copied (a type "
                    "word with no value recorded at start-up or at its "
                    "object's registration, nor read-only?)",
             NULL;
    if (lc)
      memcpy(lsda_at, &lc, 8);
  }
  if (o.full)
    return *why = "its CIE, FDE and LSDA together are over the 4080 bytes "
                  "of a copy's slot",
           NULL;
  bh_stats_unwind_copy((size_t)(o.p - slot));
  return f;
}

int bh_unwind_copy(const uint8_t *fde, uintptr_t pc, const struct bh_cie *c,
                   const struct bh_words *w, const void **copy,
                   const char **why) {
  int off;
  struct ring *r = ring_here(&off);
  if (!r)
    return 0; /* no compartment stack: the caller decides */
  /* Off its stacks: the runtime's walk reads the frames there, its own
   * memory, with the objects' FDEs as before (it calls no personality
   * routine); a throw or forced unwind stops (its pad there would trap
   * anyway: the landing pad's check of rsp, review 58b). */
  if (off) {
    if (__atomic_load_n(&r->walks, __ATOMIC_RELAXED))
      return 0;
    *copy = NULL;
    *why = "the compartment's code runs off its stacks (a context on a "
           "stack of its own), where its exception has no checked copy";
    return 1;
  }
  size_t di = (size_t)bh_current_compartment();
  /* The call out the unwinder passed last: its CFA is computed now. The
   * unwinder goes on above that record and never comes back below it, so
   * every record of this stack below it is dead too: the one the
   * exception really passed among them if its saved pointer (key-0) was
   * moved to an older live record (review 59a,
   * attacks-rev59-callout-moved-record.cpp). A record voided while live
   * only makes its way back trap. */
  uint64_t dead = r->dead;
  r->dead = 0;
  if (dead) {
    /* The record itself too: its cookie word ends 16 bytes above it. */
    const char *s = (const char *)(dead & ~(uint64_t)7);
    bh_stack_void_records((int)di, s + 16);
  }
  /* Taken before it is written: a signal handler's lookup in between
   * takes the next one. */
  uint64_t k = __atomic_fetch_add(&r->next, 1, __ATOMIC_RELAXED);
  *why = NULL;
  /* The ring is at the bottom of this thread's stack of di (stacks.c,
   * bh_stack_ring): past its guard page and the hand-over's stack. */
  uintptr_t stack = (uintptr_t)r - BH_PAGE - BH_EXC_STACK;
  *copy = copy_into(r->slot[k % SLOTS], fde, pc, c, w, bh_domain_at(di), di,
                    stack, why);
  if (*copy || __atomic_load_n(&r->walks, __ATOMIC_RELAXED))
    *why = NULL; /* the runtime's own walk: it just ends there */
  return 1;
}
