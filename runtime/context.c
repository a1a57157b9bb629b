/*
 * context.c - makecontext, so that a context's return leaves through the
 * runtime.
 *
 * glibc's makecontext makes the function return into its __start_context,
 * which resumes uc_link with libc's internal setcontext: past the
 * interposed one (signals.c), so a signal handler left that way kept its
 * frame top in the GS base, and a later handler's longjmp gave the
 * alternate stack back over a running dispatch
 * (attacks-review12d-uclink.c). This one builds the context as glibc
 * does on x86-64 (arguments read as greg_t, the first six in registers,
 * the rest on the new stack just above the return address; uc_link read
 * now), but the function returns into bh_context_return, which resumes
 * uc_link through the interposed setcontext, or exits as glibc does when
 * there is none.
 */
#define _GNU_SOURCE
#include "internal.h"

#include <stdarg.h>
#include <stdlib.h>
#include <ucontext.h>

/* Where a context's function returns, with uc_link in %rbx (callee-saved,
 * set by makecontext). The nop before it keeps the return address minus
 * one inside this code's unwind entry, which marks the outermost frame. */
void bh_context_return(void) BH_HIDDEN;
__asm__(".text\n"
        ".type bh_context_return_cfi,@function\n"
        "bh_context_return_cfi:\n"
        "  .cfi_startproc\n"
        "  .cfi_undefined rip\n"
        "  nop\n"
        "bh_context_return:\n"
        "  movq %rbx, %rdi\n"
        "  andq $-16, %rsp\n"
        "  callq bh_context_done\n"
        "  ud2\n"
        "  .cfi_endproc\n"
        ".size bh_context_return_cfi, .-bh_context_return_cfi\n");

/* The interposed setcontext (signals.c) drops a handler's narrowing if
 * the link leaves it; exit(-1) if it fails, exit(0) without a link, as
 * glibc's __start_context. */
__attribute__((noreturn, used)) void
bh_context_done(const ucontext_t *link) BH_HIDDEN;
void bh_context_done(const ucontext_t *link) {
  exit(link ? setcontext(link) : 0);
}

void makecontext(ucontext_t *ucp, void (*func)(void), int argc, ...) {
  static const int in_registers[] = {REG_RDI, REG_RSI, REG_RDX,
                                     REG_RCX, REG_R8,  REG_R9};
  int on_stack = argc > 6 ? argc - 6 : 0;
  uintptr_t top = (uintptr_t)ucp->uc_stack.ss_sp + ucp->uc_stack.ss_size;
  /* As a call leaves it: the return address at a stack pointer 8 below a
   * 16-byte boundary, the stack arguments above it. */
  greg_t *sp = (greg_t *)((top - 8 * (uintptr_t)on_stack) & ~(uintptr_t)15) - 1;
  sp[0] = (greg_t)bh_context_return;
  va_list ap;
  va_start(ap, argc);
  for (int i = 0; i < argc; i++) {
    greg_t arg = va_arg(ap, greg_t);
    if (i < 6)
      ucp->uc_mcontext.gregs[in_registers[i]] = arg;
    else
      sp[i - 5] = arg;
  }
  va_end(ap);
  ucp->uc_mcontext.gregs[REG_RIP] = (greg_t)func;
  ucp->uc_mcontext.gregs[REG_RSP] = (greg_t)sp;
  ucp->uc_mcontext.gregs[REG_RBX] = (greg_t)ucp->uc_link;
}
