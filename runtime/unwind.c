/*
 * unwind.c - the return addresses of the calling thread's stack, for fault
 * reports and the sharing-policy recorder (record.c). libgcc's unwinder
 * reads each frame's memory; with the running code's rights it must not
 * touch a compartment stack it cannot read (it would fault inside the
 * report). So the walk stops at a frame on another compartment's stack,
 * and at a trampoline (pass/Stacks.cpp): the trampoline's CFI leads to its
 * caller's stack, whatever domain that is. A walk thus covers one domain's
 * run, which is what reports and the recorder need.
 *
 * Also the program's backtrace(3) (and __backtrace), in place of glibc's: glibc's calls
 * libgcc_s through a table of its own in libc's key-0 .bss, so one store
 * there ran code of the attacker's with the rights of a compartment that
 * asked for its backtrace (review 25, attacks-rev25-backtrace-link.c).
 * This one calls _Unwind_Backtrace through the executable's read-only GOT.
 */
#include "internal.h"

#include <unwind.h>

/* Every stack-switching trampoline is in this section. */
extern const char __start_bulkhead_trampolines[] __attribute__((weak))
BH_HIDDEN;
extern const char __stop_bulkhead_trampolines[] __attribute__((weak)) BH_HIDDEN;

struct walk {
  uintptr_t *out, *sp; /* sp: each frame's stack pointer, or NULL */
  int max, n;
  int own;     /* the compartment whose memory may be read, or -1 */
  int through; /* go on past trampolines */
};

static _Unwind_Reason_Code step(struct _Unwind_Context *ctx, void *arg) {
  struct walk *w = arg;
  int before = 0;
  uintptr_t ip = _Unwind_GetIPInfo(ctx, &before);
  if (!ip || w->n == w->max)
    return _URC_END_OF_STACK;
  /* The next step reads this frame's saved registers, near its stack
   * pointer (the CFA of the frame before). */
  uintptr_t sp = _Unwind_GetCFA(ctx);
  if (w->sp)
    w->sp[w->n] = sp;
  w->out[w->n++] = ip;
  if (!w->through && ip > (uintptr_t)__start_bulkhead_trampolines &&
      ip <= (uintptr_t)__stop_bulkhead_trampolines)
    return _URC_END_OF_STACK;
  int owner = bh_compartment_of((const void *)(sp - 8), NULL);
  return owner >= 0 && owner != w->own ? _URC_END_OF_STACK : _URC_NO_REASON;
}

/* A frame whose CFI the runtime will not copy ends these walks there
 * (bh_unwind_walk_begin), rather than the program. With a compartment's
 * rights they run with signals blocked, and FN must call no code of the
 * program's: nothing may leave the walk but its end. */
static void walk(_Unwind_Trace_Fn fn, void *arg) {
  uint64_t mask;
  int began = bh_unwind_walk_begin(&mask);
  _Unwind_Backtrace(fn, arg);
  if (began)
    bh_unwind_walk_end(&mask);
}

int bh_backtrace(uintptr_t *out, int max, int own) {
  struct walk w = {out, NULL, max, 0, own, 0};
  walk(step, &w);
  return w.n;
}

/* For the recorder, with the rights of compartment own: past trampolines
 * (a caller in a third compartment stops it with a fault), with each
 * frame's stack pointer. */
int bh_backtrace_across(uintptr_t *out, uintptr_t *sp, int max, int own) {
  struct walk w = {out, sp, max, 0, own, 1};
  walk(step, &w);
  return w.n;
}

struct trace {
  void **out;
  int max, n; /* n: -1 until this function's own frame is passed */
  int own;    /* the compartment whose rights the walk has, or -1 */
  int off;    /* the last frame was off its memory */
};

/* With a compartment's rights, a frame on its memory whose registers came
 * from a signal frame off it ends the walk, before the unwinder reads the
 * frame: libgcc_s's fallback takes a frame whose return address holds the
 * sigreturn stub's code for a signal frame, and every register of the
 * next frame from the ucontext above it, so a caller's key-0 words chose
 * a stack pointer in the compartment's stack, whose words then came back
 * as return addresses (review 77b, attacks-rev77b-walk-sigframe-leak.cpp).
 * Every other way back onto its memory is a checked CFA (unwind-copy.c). */
static int forged_return(struct trace *t, struct _Unwind_Context *ctx) {
  if (t->own < 0)
    return 0;
  int signal = 0;
  _Unwind_GetIPInfo(ctx, &signal);
  int off = bh_compartment_of((const void *)(_Unwind_GetCFA(ctx) - 8),
                              NULL) != t->own,
      was_off = t->off;
  t->off = off;
  return signal && !off && was_off;
}

static _Unwind_Reason_Code trace_step(struct _Unwind_Context *ctx, void *arg) {
  struct trace *t = arg;
  if (forged_return(t, ctx))
    return _URC_END_OF_STACK;
  if (t->n >= 0) {
    if (t->n == t->max)
      return _URC_END_OF_STACK;
    t->out[t->n] = (void *)_Unwind_GetIP(ctx);
  }
  t->n++;
  return _URC_NO_REASON;
}

int backtrace(void **out, int max) {
  int c = bh_current_compartment();
  struct trace t = {out, max, -1,
                    c >= 0 && bh_domain_at((size_t)c)->stack_lo ? c : -1, 0};
  if (max <= 0)
    return 0;
  walk(trace_step, &t);
  /* As glibc: the walk may end with a null return address above _start. */
  if (t.n > 1 && !out[t.n - 1])
    t.n--;
  return t.n < 0 ? 0 : t.n;
}
/* glibc's other name for it (review 26, attacks-rev25-backtrace-link.c -DALIAS). */
int __backtrace(void **out, int max) __attribute__((alias("backtrace")));
