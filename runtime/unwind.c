/*
 * unwind.c - the return addresses of the calling thread's stack, for fault
 * reports and the sharing-policy recorder (record.c). libgcc's unwinder
 * reads each frame's memory; with the running code's rights it must not
 * touch a compartment stack it cannot read (it would fault inside the
 * report). So the walk stops at a frame on another compartment's stack,
 * and at a trampoline (pass/Stacks.cpp): the trampoline's CFI leads to its
 * caller's stack, whatever domain that is. A walk thus covers one domain's
 * run, which is what reports and the recorder need.
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

int bh_backtrace(uintptr_t *out, int max, int own) {
  struct walk w = {out, NULL, max, 0, own, 0};
  _Unwind_Backtrace(step, &w);
  return w.n;
}

/* For the recorder, with the rights of compartment own: past trampolines
 * (a caller in a third compartment stops it with a fault), with each
 * frame's stack pointer. */
int bh_backtrace_across(uintptr_t *out, uintptr_t *sp, int max, int own) {
  struct walk w = {out, sp, max, 0, own, 1};
  _Unwind_Backtrace(step, &w);
  return w.n;
}
