/*
 * signals.c - where signal handlers run.
 *
 * The kernel starts a handler with its default PKRU, which denies every
 * compartment key, on the interrupted stack. Interrupted on a compartment's
 * stack (runtime/stacks.c), the handler's first push would fault and the
 * process would die. So every thread gets an alternate signal stack of
 * key-0 memory, and sigaction and signal are interposed (the runtime is
 * linked into the executable, so its definitions come first): the kernel
 * always calls `dispatch` on that stack, which enters the default domain
 * and calls the program's handler on a stack where it may stay:
 *  - the interrupted stack, below the interrupted frame, if that is not a
 *    compartment's;
 *  - else the thread's default-domain stack, below where the default domain
 *    left it (the trampolines keep that in __bulkhead_stack.0);
 *  - the alternate stack itself if the program asked for SA_ONSTACK.
 * While the handler runs off the alternate stack, the alternate stack is
 * narrowed to end below `dispatch`'s frame: a second signal, taken while
 * the handler is inside a compartment, must not be written over the first
 * one's frame. rt_sigreturn puts the whole stack back (uc_stack); a
 * handler left by longjmp skips it, so longjmp and its variants are
 * interposed too and put it back themselves, when the jump leaves the
 * outermost handler: where that handler's frames begin is kept in the GS
 * base, which no store can change (live_top).
 * Code interrupted with a compartment's rights is resumed from a copy of
 * its frame on that compartment's stack, not from the kernel's frame on
 * the alternate stack (dispatch, below; docs/signals.md).
 * The kernel calls `dispatch` with every signal blocked; the program's
 * handler alone runs with the mask the program asked for (call_program).
 */
#define _GNU_SOURCE
#include "gate.h"
#include "internal.h"

#include <asm/prctl.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>

#define ALT_SIZE (256u << 10)
#define RED_ZONE 128

/* Where the default domain's stack continues while compartment code runs:
 * the slot the pass's trampolines keep (pass/Stacks.cpp). */
extern __thread char *default_stack_slot __asm__(BH_SYM_DEFAULT_STACK_SLOT);
/* Not hidden: the executable exports it to the shared objects with
 * compartments it loads, whose trampolines keep it too. */
__thread char *default_stack_slot;

/* The program's handlers, with the flags and mask it gave (the kernel's
 * first word of sa_mask, SIGKILL and SIGSTOP taken out as the kernel does):
 * key-0 memory, like every other function pointer the default domain
 * calls. */
static struct {
  void (*handler)(int, siginfo_t *, void *);
  int flags;
  uint64_t mask;
} wanted[_NSIG];

/* This thread's alternate stack (guard first). Key-0 memory: used only
 * where the kernel's record agrees (release). Global (hidden) only so that
 * test/runtime/attacks-exit-unmap.c can name it. */
BH_HIDDEN __thread char *mine __asm__("__bulkhead_sigstack");
/* While the outermost handler runs with the alternate stack narrowed: the
 * whole alternate stack. Key-0, so checked against the kernel's record
 * before use (widen). Scalars, so that every access is %fs-relative: the
 * interposed longjmp may run with a compartment's rights, and the thread
 * pointer at %fs:0 is key-0 memory. */
static __thread char *whole_sp;
static __thread size_t whole_size;

/* Where the outermost narrowed handler's frames begin, or 0 if none runs:
 * whether a longjmp leaves it decides whether the alternate stack is given
 * back whole, and a whole stack lets a nested signal be dispatched over a
 * running dispatch, at its stack pointer (docs/signals.md). So not memory
 * (it was a key-0 word: attacks-review11-restart-nested.c): the thread's GS
 * base, which programs do not use on x86-64 and which only a system call
 * or WRGSBASE changes; rt_sigreturn does not restore it. The bench runtime
 * keeps its stand-in PKRU there (init.c), and protects nothing. */
#ifdef BH_BENCH_NOP_WRPKRU
static __thread char *handler_top;
static char *live_top(void) { return handler_top; }
static void set_live_top(char *top) { handler_top = top; }
#else
static char *live_top(void) {
  uintptr_t top = 0;
  if (bh_fsgsbase())
    __asm__ volatile("rdgsbase %0" : "=r"(top));
  else
    bh_raw_syscall(SYS_arch_prctl, ARCH_GET_GS, (long)&top, 0, 0);
  return (char *)top;
}
static void set_live_top(char *top) {
  if (bh_raw_syscall(SYS_arch_prctl, ARCH_SET_GS, (long)top, 0, 0))
    bh_fatal_abort("cannot set the GS base");
}
#endif

extern int __cxa_thread_atexit_impl(void (*)(void *), void *, void *);
extern char __dso_handle[];

static int protected(void) {
  return bh_domain_count() != 0 && !bh_state->unprotected;
}

/* Read-only: the mask is read by the kernel from memory. */
static const uint64_t all_signals = ~(uint64_t)0;

static void mask_signals(int how, const uint64_t *set, uint64_t *old) {
  if (bh_raw_syscall(SYS_rt_sigprocmask, how, (long)set, (long)old, 8))
    bh_fatal("cannot set the signal mask around a signal handler");
}

/* The program's handler, with the signal mask the kernel would have given
 * it: the interrupted code's (the frame's uc_sigmask), the handler's
 * sa_mask, and the signal itself unless SA_NODEFER. The dispatcher itself
 * runs with every signal blocked (the sa_mask it is installed with:
 * sigaction, below), so that no signal is taken in it before it has kept
 * and wiped a compartment's frame: a nested handler ran on the unwiped
 * frame, and one left by siglongjmp left the compartment's registers in
 * key-0 memory for good (attacks-nested-sigframe-registers.c). Every signal
 * is blocked again when the handler returns; rt_sigreturn restores the
 * interrupted mask from the frame (a compartment's: from its copy). */
static void call_program(int sig, siginfo_t *si, ucontext_t *uc) {
  void (*handler)(int, siginfo_t *, void *) = wanted[sig].handler;
  uint64_t mask;
  memcpy(&mask, &uc->uc_sigmask, sizeof mask);
  mask |= wanted[sig].mask;
  if (!(wanted[sig].flags & SA_NODEFER))
    mask |= (uint64_t)1 << (sig - 1);
  mask_signals(SIG_SETMASK, &mask, NULL);
  handler(sig, si, uc);
  mask_signals(SIG_SETMASK, &all_signals, NULL);
}

struct call {
  int sig;
  siginfo_t *si;
  ucontext_t *uc;
  stack_t narrowed;
};

/* Runs on the handler's stack, off the alternate one. */
static void call_handler(struct call *c) {
  char *top = __builtin_frame_address(0);
  if (!live_top()) {
    whole_sp = c->uc->uc_stack.ss_sp;
    whole_size = c->uc->uc_stack.ss_size;
    set_live_top(top);
  }
  sigaltstack(&c->narrowed, NULL);
  call_program(c->sig, c->si, c->uc);
  /* rt_sigreturn puts the stack back. No flag kept across the handler
   * (key-0 frames): the outermost is the one whose frames begin here. */
  if (live_top() == top)
    set_live_top(NULL);
}

/* Calls fn(arg) with the stack pointer at sp; back on the caller's stack
 * afterwards. */
void bh_call_on_stack(void (*fn)(struct call *), struct call *arg,
                      char *sp) BH_HIDDEN;
__asm__(".text\n"
        ".type bh_call_on_stack,@function\n"
        "bh_call_on_stack:\n"
        "  pushq %rbp\n"
        "  movq %rsp, %rbp\n"
        "  andq $-16, %rdx\n"
        "  movq %rdx, %rsp\n"
        "  movq %rdi, %rax\n"
        "  movq %rsi, %rdi\n"
        "  callq *%rax\n"
        "  movq %rbp, %rsp\n"
        "  popq %rbp\n"
        "  ret\n"
        ".size bh_call_on_stack, .-bh_call_on_stack\n");

static void run_handler(int sig, siginfo_t *si, ucontext_t *uc) {
  char *sp = (char *)uc->uc_mcontext.gregs[REG_RSP];
  char *here = __builtin_frame_address(0);
  char *alt = uc->uc_stack.ss_sp;
  int on_alt = !(uc->uc_stack.ss_flags & SS_DISABLE) && here > alt &&
               here <= alt + uc->uc_stack.ss_size;
  char *run = bh_stack_slot_at(sp) ? default_stack_slot : sp - RED_ZONE;
  if (run && bh_in_compartment_memory(run - 1))
    run = NULL; /* a key-0 value pointed into a compartment: stay here */
  if (!on_alt || !run || (wanted[sig].flags & SA_ONSTACK) ||
      (run > alt && run <= alt + uc->uc_stack.ss_size)) {
    call_program(sig, si, uc); /* stay where the kernel put us */
    return;
  }
  /* `here` is below the kernel's frame; leave room for our own calls. */
  struct call c = {
      sig, si, uc, {.ss_sp = alt, .ss_size = (size_t)(here - 512 - alt)}};
  bh_call_on_stack(call_handler, &c, run);
}

/*
 * A compartment's interrupted context. The kernel saves it on the key-0
 * alternate stack, where any thread can rewrite it while the handler runs,
 * and rt_sigreturn would restore it with the compartment's own PKRU (found
 * in review: attacks-review2-sigframe.c). So for code interrupted with a
 * compartment's rights on that compartment's stack, the dispatcher copies
 * the kernel's ucontext and XSAVE image onto that stack, below the
 * interrupted frame (the compartment's key), and returns by rt_sigreturn
 * from that copy itself, with the compartment's rights: what the
 * compartment resumes with is what the kernel saved, read before the
 * handler ran. The program's handler sees the kernel's frame; its edits of
 * such a context are ignored (docs/signals.md).
 *
 * Upwards from the stack pointer the copy is made on: a record, the
 * pretcode word rt_sigreturn skips, the kernel's ucontext, the XSAVE image
 * (64-byte aligned), then the interrupted frame's red zone.
 */
#define KERNEL_UC_SIZE (offsetof(ucontext_t, uc_sigmask) + 8)
#define XSAVE_MAX (64u << 10)
#define KEEP_ROOM (16u << 10) /* for keep's and give_back's frames, at the
                              * bottom of the stack */

struct kept {
  uint64_t seal;  /* seal(): only the compartment could have written this */
  char *old_mark; /* the stack's mark before (give_back puts it back) */
  long tid;
  long index;
  ucontext_t *uc; /* the copy */
  /* The dispatch that made it: its stack pointer, from a register
   * (bh_run_in_compartment). A nested dispatch's is lower. */
  uintptr_t dispatcher;
  struct kept *older; /* the stack's newest record before this one */
  size_t n;           /* the copy's XSAVE image's size */
};

struct layout {
  char *fp;
  ucontext_t *uc;
  struct kept *k;
};

/* Where a copy of an XSAVE image of n bytes goes below `below`. */
static struct layout layout(uintptr_t below, size_t n) {
  struct layout l;
  l.fp = (char *)((below - n) & ~(uintptr_t)63);
  l.uc = (ucontext_t *)(((uintptr_t)l.fp - KERNEL_UC_SIZE) & ~(uintptr_t)15);
  l.k = (struct kept *)(((uintptr_t)l.uc - 8 - sizeof(struct kept)) &
                        ~(uintptr_t)15);
  return l;
}

static uint64_t compartment_cookie(long c) {
  return *(const uint64_t *)(bh_domain_at((size_t)c)->stack_lo -
                             BH_COOKIE_BELOW);
}

/* The XSAVE image's size the kernel checks at rt_sigreturn (its software
 * bytes' xstate_size, then FP_XSTATE_MAGIC2), or 0 if fx holds none. */
static size_t xsave_size(const char *fx) {
  uint32_t magic, xstate_size;
  memcpy(&magic, fx + 464, 4);
  memcpy(&xstate_size, fx + 480, 4);
  if (magic != FP_XSTATE_MAGIC1 || xstate_size < 576 ||
      xstate_size > XSAVE_MAX - 4)
    return 0;
  return xstate_size + 4;
}

/* Once the compartment's copy is kept: what the kernel's frame (key-0
 * memory) says of compartment code's registers, all but where it was (rsp,
 * rip, the system flags, the fault words) and its PKRU. The program's
 * handler is given that frame, and it stays on the alternate stack: an
 * honest handler that logged it, or any later load, read the vault's
 * registers (attacks-sigframe-registers.c). The compartment resumes from
 * its copy, so nothing here changes how it goes on. n: xsave_size(fx), or 0
 * (the general registers and the legacy area only). */
static void wipe_registers(ucontext_t *uc, char *fx, size_t n) {
  static const int kept[] = {REG_RSP,    REG_RIP, REG_EFL,     REG_CSGSFS,
                             REG_ERR,    REG_TRAPNO, REG_OLDMASK, REG_CR2};
  for (int r = 0; r < NGREG; r++) {
    int keep_it = 0;
    for (size_t k = 0; k < sizeof kept / sizeof *kept; k++)
      keep_it |= r == kept[k];
    if (!keep_it)
      uc->uc_mcontext.gregs[r] = 0;
  }
  /* Of the flags, the arithmetic ones (CF, PF, AF, ZF, SF, OF) are the
   * result of the compartment's last compare or arithmetic on its values
   * (review 82a, attacks-rev82a-sigframe-flags.c); the system ones (TF,
   * IF, DF, AC, ...) stay. */
  uc->uc_mcontext.gregs[REG_EFL] &= ~(greg_t)0x8d5;
  /* The legacy area: the x87 status word's condition codes C0-C3 (its
   * last fcom or fxam) and TOP, the tag word, the last opcode and the
   * instruction and data pointers (where its last x87 instruction was and
   * the address it used); st0-7 and xmm0-15. The control words, the
   * status word's exception flags and the MXCSR stay. Then every extended
   * component but the PKRU, up to the software bytes' second magic
   * word. */
  if (!fx)
    return;
  uint16_t sw;
  memcpy(&sw, fx + 2, 2);
  sw &= 0x80ff;
  memcpy(fx + 2, &sw, 2);
  memset(fx + 4, 0, 24 - 4);
  memset(fx + 32, 0, 416 - 32);
  if (!n)
    return;
  unsigned char *pkru = bh_frame_pkru_at(uc);
  uint32_t kept_pkru = 0;
  if (pkru)
    memcpy(&kept_pkru, pkru, 4);
  memset(fx + 576, 0, n - 4 - 576);
  if (pkru)
    memcpy(pkru, &kept_pkru, 4);
}

/* Compartment c's stack slot on this thread, %fs-relative (the thread
 * pointer at %fs:0 is key-0 memory). */
static char *slot_get(int c) {
  char *v;
  __asm__ volatile("movq %%fs:(%1), %0" : "=r"(v) : "r"(bh_slot_tpoff(c)));
  return v;
}
static void slot_set(int c, char *v) {
  __asm__ volatile("movq %0, %%fs:(%1)" ::"r"(v), "r"(bh_slot_tpoff(c))
                   : "memory");
}

/* The last byte of the stack of compartment d that holds p (in its arena),
 * and that stack's mark (abi.h, BH_STACK_HEADER): the highest value the
 * slot may hold while frames of the compartment are live there. The
 * trampolines and the dispatcher move it with the compartment's rights
 * only; the newest kept frame's record is the mark while its handler runs.
 * Its records are so a stack, newest at the mark; an entry that finds the
 * slot at the fresh top starts the mark over, voiding them all. */
static char **mark_of(const struct bulkhead_domain *d, const char *p) {
  return (char **)(bh_stack_end(d, p) + 1 - BH_STACK_MARK_BELOW);
}
/* The stack's newest record, in its header too; a trampoline that starts
 * the mark over clears it (abi.h, BH_STACK_KEPT_BELOW). */
static struct kept **newest_of(const struct bulkhead_domain *d, const char *p) {
  return (struct kept **)(bh_stack_end(d, p) + 1 - BH_STACK_KEPT_BELOW);
}

/* A record's fields and place mixed with the compartment's cookie, which
 * only it can read: a record give_back walks past may lie in memory the
 * compartment has reused since (dead frames), and no frame of it holds
 * this value. Never 0, which voids a record. */
static uint64_t seal(const struct kept *k, long c) {
  const uint64_t w[] = {(uint64_t)k,        (uint64_t)k->old_mark,
                        (uint64_t)k->tid,   (uint64_t)k->index,
                        (uint64_t)k->uc,    k->dispatcher,
                        (uint64_t)k->older, (uint64_t)k->n};
  uint64_t h = compartment_cookie(c);
  for (size_t i = 0; i < sizeof w / sizeof w[0]; i++) {
    h = (h ^ w[i]) * 0x9e3779b97f4a7c15u;
    h ^= h >> 29;
  }
  return h | 1;
}

/* A record c made for this thread on the stack that ends at `end`, above
 * `here` (the caller's frame), not used since. */
static int is_kept(const struct kept *k, long c, const char *here,
                   const char *end) {
  return (const char *)k > here && (const char *)k < end &&
         (uintptr_t)k % 16 == 0 && k->index == c && k->tid == bh_raw_gettid() &&
         k->seal == seal(k, c);
}

/* Whether the copy at uc, with an image of n bytes, resumes compartment d
 * with d's rights, as rt_sigreturn reads it: fpregs at its own image, just
 * above it (layout); the software bytes keep checked and the kernel reads
 * (magic words, sizes, the PKRU feature), else the kernel restores only
 * the legacy state and PKRU from its init state, 0; the standard format
 * (XCOMP_BV 0), where the PKRU is where bh_frame_pkru looks; XSTATE_BV's
 * PKRU bit, else the kernel loads 0; and d's PKRU, from its read-only
 * descriptor. Called by keep, and by give_back right before rt_sigreturn:
 * the copy is on d's key, and d's own code may have rewritten it since. */
static int resumes(const ucontext_t *uc, size_t n,
                   const struct bulkhead_domain *d) {
  const char *fp =
      (const char *)(((uintptr_t)uc + KERNEL_UC_SIZE + 63) & ~(uintptr_t)63);
  if ((const char *)uc->uc_mcontext.fpregs != fp || xsave_size(fp) != n)
    return 0;
  uint32_t extended_size, magic2, pkru;
  uint64_t xfeatures, xstate_bv, xcomp_bv;
  memcpy(&extended_size, fp + 468, 4);
  memcpy(&xfeatures, fp + 472, 8);
  memcpy(&xstate_bv, fp + 512, 8);
  memcpy(&xcomp_bv, fp + 520, 8);
  memcpy(&magic2, fp + n - 4, 4);
  return extended_size == n && (xfeatures & xstate_bv & (1u << 9)) &&
         !xcomp_bv && magic2 == FP_XSTATE_MAGIC2 && bh_frame_pkru(uc, &pkru) &&
         pkru == d->pkru;
}

/* With compartment c's rights, at the bottom of its stack on this thread:
 * copies frame src (key-0 memory, read once) below `below`, and below the
 * stack's mark; the record, now the mark and the newest, or 0 if the copy
 * is not a frame that resumes c (rewritten since the dispatcher looked at
 * it) or there is no room; 1 if the dispatch (its stack pointer) is not
 * below the one of the stack's newest record, or that record is gone; 2
 * if another thread has taken the stack over. */
static uintptr_t keep(uintptr_t below, uintptr_t src_uc, uintptr_t c_n,
                      uintptr_t dispatcher) {
  long c = (long)(c_n & 0xff);
  size_t n = c_n >> 8;
  const char *src = (const char *)src_uc;
  const char *fx = (const char *)((const ucontext_t *)src)->uc_mcontext.fpregs;
  if (fx < src + KERNEL_UC_SIZE || fx > src + XSAVE_MAX || (uintptr_t)fx % 64)
    return 0;
  /* `below` came through key-0 memory too: the copy goes on this thread's
   * stack of c, below its mark (the slot or the kernel's frame may point
   * higher, into frames c has live), above this function's frame. */
  const struct bulkhead_domain *d = bh_domain_at((size_t)c);
  if ((char *)below <= d->stack_lo || (char *)below > d->stack_hi ||
      !bh_stack_slot_at((char *)below) ||
      bh_stack_end(d, (char *)below) !=
          bh_stack_end(d, __builtin_frame_address(0)))
    return 0;
  char **mark = mark_of(d, (char *)below), *m = *mark;
  char *fresh = bh_stack_end(d, (char *)below) + 1 - BH_STACK_HEADER;
  if (m <= fresh + BH_STACK_HEADER - BH_STACK_SIZE || m > fresh)
    m = fresh; /* never set on this thread's stack: nothing live */
  /* And its owner (abi.h, BH_STACK_OWNER_BELOW) this thread: before
   * review 67b another thread's entry could take it over at its fresh
   * top, which the owner table does not show, and have frames live below
   * the mark (review 65a, attacks-rev65a-trap-keep-taken-stack.c); the
   * runtime now writes the owner when it gives the stack (stacks.c
   * own_stacks) and no entry changes it. The dispatcher never changes it
   * either: taking the stack over here let a thread paused in its own
   * takeover lose it (review 66). */
  if (__bulkhead_domain0.owner_check && m < fresh &&
      *(char **)(bh_stack_end(d, (char *)below) + 1 -
                 BH_STACK_OWNER_BELOW) !=
          bh_fs_base())
    return 2;
  if ((uintptr_t)(m - RED_ZONE) < below)
    below = (uintptr_t)(m - RED_ZONE);
  struct layout l = layout(below, n);
  /* Above the room this function and give_back run in. */
  if ((char *)l.k < fresh + BH_STACK_HEADER - BH_STACK_SIZE + BH_STACK_LOW +
                        KEEP_ROOM ||
      (char *)__builtin_frame_address(0) >= (char *)l.k)
    return 0;
  memcpy(l.uc, src, KERNEL_UC_SIZE);
  memcpy(l.fp, fx, n);
  l.uc->uc_mcontext.fpregs = (struct _libc_fpstate *)l.fp;
  /* Checked on the copy, which only c can write. */
  if (!resumes(l.uc, n, d))
    return 0;
  /* A dispatch nested in another runs below it: the records' dispatchers
   * go down, so that give_back can tell its own from nested ones. A
   * dispatch at or above the newest record's, where the alternate stack
   * was moved over a running dispatch, could pass for it; and past a
   * newest record that is gone (its memory reused) no order is known. */
  struct kept **newest = newest_of(d, (char *)below);
  if (*newest && (!is_kept(*newest, c, __builtin_frame_address(0), fresh) ||
                  (*newest)->dispatcher <= dispatcher))
    return 1;
  *l.k =
      (struct kept){0, *mark, bh_raw_gettid(), c, l.uc, dispatcher, *newest, n};
  l.k->seal = seal(l.k, c);
  *newest = l.k;
  /* The mark first: the slot is never above it. A handler entering c
   * again continues below the copy. */
  *mark = (char *)l.k;
  slot_set((int)c, (char *)l.k);
  return (uintptr_t)l.k;
}

/* rt_sigreturn with the stack pointer at uc; does not return. */
__attribute__((noreturn)) void bh_sigreturn_at(ucontext_t *uc) BH_HIDDEN;
__asm__(".text\n"
        ".type bh_sigreturn_at,@function\n"
        "bh_sigreturn_at:\n"
        "  movq %rdi, %rsp\n"
        "  movl $15, %eax\n" /* SYS_rt_sigreturn */
        "  syscall\n"
        "  ud2\n"
        ".size bh_sigreturn_at, .-bh_sigreturn_at\n");

/* With compartment c's rights, at the bottom of its stack on this thread:
 * rt_sigreturn from the copy that the dispatch whose stack pointer is
 * `dispatcher` kept there. The records are a stack, newest in the stack's
 * header; those newer than this dispatch's were made by dispatches nested
 * in it (lower stack pointers) that never returned, left by a longjmp out
 * of their handlers: they are voided, never given back. 0 if a record on
 * the way is not one c made for this thread, or is an outer dispatch's
 * (this one's is gone: the stack started over); 1 if the copy no longer
 * resumes c with its own rights (c's code, a handler of c's or a nested
 * entry, rewrote it while the handler ran). No record address is taken
 * from key-0 memory. */
static uintptr_t give_back(uintptr_t c, uintptr_t unused1, uintptr_t unused2,
                           uintptr_t dispatcher) {
  (void)unused1, (void)unused2;
  const struct bulkhead_domain *d = bh_domain_at((size_t)c);
  char *here = __builtin_frame_address(0);
  char *fresh = bh_stack_end(d, here) + 1 - BH_STACK_HEADER;
  struct kept **newest = newest_of(d, here);
  for (;;) {
    struct kept *k = *newest;
    if (!is_kept(k, (long)c, here, fresh) || k->dispatcher > dispatcher)
      return 0;
    k->seal = 0; /* once */
    *newest = k->older;
    if (k->dispatcher == dispatcher) {
      /* Nothing made since this record is live: the mark goes back. */
      *mark_of(d, here) = k->old_mark;
      if (!resumes(k->uc, k->n, d))
        return 1;
      bh_sigreturn_at(k->uc);
    }
  }
}

/* A fault the kernel raised repeats when its handler returns, and then
 * kills the process with its default action (the fault reporter counts on
 * that). A compartment is not resumed from key-0 memory, so that ending
 * comes here instead. */
static void die_of(int sig) {
  signal(sig, SIG_DFL);
  raise(sig); /* blocked while its handler runs: pending */
  uint64_t one = (uint64_t)1 << (sig - 1);
  mask_signals(SIG_UNBLOCK, &one, NULL);
}

/* The compartment whose rights the frame's code had, or -1; *below: where
 * a copy of the frame may end on this thread's stack of it, *base: that
 * stack's bottom. Below the interrupted frame if it is on that stack; else
 * (a gate between its WRPKRU and its stack switch) below where the next
 * entry's frames begin, the slot, which the gate has already checked and
 * loaded, and the record the gate may have begun there. -1 also if neither is
 * this thread's stack of it (no stack of its own, e.g.
 * -fno-pkey-compartment-stacks). */
static int interrupted_compartment(const ucontext_t *uc, char **below,
                                   char **base) {
  uint32_t pkru;
  if (!bh_frame_pkru(uc, &pkru))
    return -1;
  const struct bulkhead_domain *d = bh_domain_of_pkru(pkru);
  int c = d ? bh_domain_index(d) : -1;
  if (c < 0 || !bh_slot_tpoff(c))
    return -1;
  char *at = (char *)uc->uc_mcontext.gregs[REG_RSP];
  if (!(at > d->stack_lo && at <= d->stack_hi && bh_stack_slot_at(at))) {
    at = slot_get(c);
    if (at <= d->stack_lo || at > d->stack_hi || (uintptr_t)at % 16 ||
        !bh_stack_slot_at(at))
      return -1;
    /* The gates write their record just below the slot before they switch
     * stacks (pass/Stacks.cpp), and put a slot back only after the switch:
     * below here nothing of the compartment's is live. */
  }
  /* The stack is the one `at` is on, before the red zone: interrupted
   * within a red zone of its bottom (an overflow into its guard page),
   * below it is the next stack down, another thread's, and the copy has
   * no room. */
  *below = at - RED_ZONE;
  *base = d->stack_lo +
          (size_t)(at - 1 - d->stack_lo) / BH_STACK_SIZE * BH_STACK_SIZE;
  return c;
}

/* The kernel starts a handler with the interrupted code's general
 * registers but rdi, rsi, rdx, rax, rsp and rip in place (its vector state
 * is reset). A C dispatcher's prologue pushed rbx, rbp and r12-r15 onto
 * the key-0 alternate stack, below the kernel's frame, where they stayed
 * after wipe_registers and the handler: a compartment's words in them were
 * read with loads only (review 80a, attacks-rev80a-dispatch-spill.c). So
 * the kernel calls this entry, which clears every general register the
 * kernel did not set (sigreturn restores them from a frame) and jumps to
 * the dispatcher with the kernel's stack pointer and return address. */
void bh_signal_dispatch(int sig, siginfo_t *si, void *ucv) BH_HIDDEN;
void dispatch(int, siginfo_t *, void *) BH_HIDDEN __asm__(
    "__bulkhead_signal_entry");
__asm__(".text\n"
        ".globl __bulkhead_signal_entry\n"
        ".hidden __bulkhead_signal_entry\n"
        ".type __bulkhead_signal_entry,@function\n"
        "__bulkhead_signal_entry:\n"
        BH_ZERO_GPRS("ebx,ebp,ecx,r8d,r9d,r10d,r11d,r12d,r13d,r14d,r15d")
        "  jmp bh_signal_dispatch\n"
        ".size __bulkhead_signal_entry, .-__bulkhead_signal_entry\n");

void bh_signal_dispatch(int sig, siginfo_t *si, void *ucv) {
  if (protected())
    bh_enter_default_domain();
  ucontext_t *uc = ucv;
  char *below = NULL, *base = NULL;
  /* The recorder (BULKHEAD_SHARE_RECORD, not isolation) single-steps
   * default-domain code with a PKRU that can equal a compartment's, and
   * edits those frames: they are returned through. */
  int c = protected() && !bh_state->record
              ? interrupted_compartment(uc, &below, &base)
              : -1;
  if (c < 0) {
    /* Compartment code interrupted on its stack has not left it through a
     * trampoline, so its slot still holds where its last entry began: a
     * handler entering that compartment again must continue below the
     * interrupted frames, not over them. */
    char *sp = (char *)uc->uc_mcontext.gregs[REG_RSP];
    void **slot = bh_stack_slot_at(sp);
    void *saved = slot ? *slot : NULL;
    if (slot)
      *slot = (void *)((uintptr_t)(sp - RED_ZONE) & ~(uintptr_t)15);
    run_handler(sig, si, uc);
    if (slot)
      *slot = saved;
    return;
  }
  const char *fx = (const char *)uc->uc_mcontext.fpregs;
  size_t n = fx ? xsave_size(fx) : 0;
  struct layout l = layout((uintptr_t)below, n);
  if (!n || (char *)l.k - KEEP_ROOM < base + BH_STACK_LOW) {
    /* No room (e.g. a stack overflow): the handler may report it or leave
     * by longjmp, but the compartment is not resumed from key-0 memory,
     * so nothing of its registers is needed there: a handler that left by
     * siglongjmp left them on the alternate stack (review 80a,
     * attacks-rev80a-overflow-frame.c). */
    wipe_registers(uc, (char *)fx, n);
    run_handler(sig, si, uc);
    if (si->si_code > 0 && (sig == SIGSEGV || sig == SIGBUS || sig == SIGILL ||
                            sig == SIGFPE || sig == SIGTRAP))
      die_of(sig);
    bh_fatal_abort("a signal interrupted compartment '%s' with no room on "
                   "its stack to keep its frame",
                   bh_domain_at((size_t)c)->name);
  }
  /* keep moves the slot below the copy, where a handler entering c again
   * continues; it is put back after the handler (key-0 memory meanwhile:
   * what it says no longer matters once give_back has checked the mark). */
  char *saved = slot_get(c);
  /* Both calls below come from this frame, with the same stack pointer:
   * bh_run_in_compartment hands it to keep, which writes it into the
   * record, and to give_back, which looks for it. Every signal is blocked
   * here, from the kernel's write of the frame on (the dispatcher's
   * sa_mask), through keep and the wipe, until call_program opens the
   * program's mask around its handler; and again from the handler's return
   * through give_back's rt_sigreturn, which restores the copy's mask. */
  uintptr_t k = bh_run_in_compartment(c, base + BH_STACK_LOW + KEEP_ROOM, keep,
                                      (uintptr_t)below, (uintptr_t)uc,
                                      (uintptr_t)c | n << 8);
  if (!k)
    bh_fatal_abort("the signal frame of compartment '%s' was rewritten "
                   "before the runtime kept it",
                   bh_domain_at((size_t)c)->name);
  if (k == 2)
    bh_fatal_abort("a signal in compartment '%s' arrived for a stack whose "
                   "header names another thread as its owner",
                   bh_domain_at((size_t)c)->name);
  if (k == 1)
    bh_fatal_abort("a signal in compartment '%s' was dispatched at or above "
                   "the dispatch of its newest kept frame, or that frame is "
                   "gone",
                   bh_domain_at((size_t)c)->name);
  wipe_registers(uc, (char *)fx, n);
  run_handler(sig, si, uc);
  /* `c` and `base` were key-0 memory meanwhile: give_back runs on this
   * thread's own stack of c (bh_run_in_compartment checks it) and finds the
   * record from the newest one there and this frame's stack pointer, not
   * from anything kept here. Every signal is blocked again (call_program). */
  if (c < 0 || c >= BH_MAX_COMPARTMENTS || (size_t)c >= bh_domain_count())
    bh_fatal_abort("a kept signal frame's compartment was rewritten");
  slot_set(c, saved);
  const struct bulkhead_domain *d = bh_domain_at((size_t)c);
  if (bh_run_in_compartment(c, base + BH_STACK_LOW + KEEP_ROOM, give_back,
                            (uintptr_t)c, 0, 0) == 1)
    bh_fatal_abort("the kept signal frame of compartment '%s' was rewritten "
                   "while its handler ran (its PKRU, XSAVE header or "
                   "fpregs)",
                   d->name);
  bh_fatal_abort("a kept signal frame of compartment '%s' was not the "
                 "runtime's, or not this handler's",
                 d->name);
}

static void release(void *unused) {
  (void)unused;
  char *sp = __builtin_frame_address(0);
  if (!mine || (sp >= mine && sp < mine + BH_PAGE + ALT_SIZE))
    return; /* exiting from inside a handler: keep it */
  /* `mine` is key-0 memory: unmap only the alternate stack the kernel
   * has for this thread, and only memory no compartment or loaded object
   * owns (found in review: a store made this munmap compartment data). */
  stack_t cur, off = {.ss_flags = SS_DISABLE};
  if (sigaltstack(NULL, &cur) || (cur.ss_flags & SS_DISABLE) ||
      cur.ss_sp != mine + BH_PAGE || cur.ss_size != ALT_SIZE ||
      !bh_may_unmap(mine, BH_PAGE + ALT_SIZE))
    return; /* not ours: leave it */
  sigaltstack(&off, NULL);
  if (munmap(mine, BH_PAGE + ALT_SIZE))
    bh_fatal("cannot unmap a thread's alternate signal stack");
  mine = NULL;
}

/* Gives the calling thread its alternate stack, unless the program already
 * set one (which must then be key-0 memory: docs/signals.md). */
void bh_sigstack_thread_init(void) {
#ifndef BH_BENCH_NOP_WRPKRU
  /* A thread made inside a handler inherits its maker's GS base. */
  if (bh_domain_count() != 0 && live_top())
    set_live_top(NULL);
#endif
  stack_t cur;
  if (bh_domain_count() == 0 || mine || sigaltstack(NULL, &cur) ||
      !(cur.ss_flags & SS_DISABLE))
    return;
  char *p = mmap(NULL, BH_PAGE + ALT_SIZE, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED)
    bh_fatal("cannot map an alternate signal stack");
  if (mprotect(p, BH_PAGE, PROT_NONE)) /* guard against overflow */
    bh_fatal("cannot protect the alternate signal stack's guard page");
  stack_t ss = {.ss_sp = p + BH_PAGE, .ss_size = ALT_SIZE};
  if (sigaltstack(&ss, NULL))
    bh_fatal("cannot install an alternate signal stack");
  mine = p;
  __cxa_thread_atexit_impl(release, NULL, __dso_handle);
}

/* The C library's functions, found before main: not from a handler. On a
 * page of their own, read-only from then on: the interposed longjmp calls
 * them with a compartment's rights, and in key-0 memory one store made
 * that call run code of the attacker's choice with them (found in review).
 * Global (hidden) only so that test/runtime/attacks-libc-pointers.c can
 * name it. */
BH_HIDDEN union {
  struct {
    void (*longjmp)(struct __jmp_buf_tag *, int);
    void (*siglongjmp)(struct __jmp_buf_tag *, int);
    void (*longjmp_chk)(struct __jmp_buf_tag *, int);
    int (*sigaction)(int, const struct sigaction *, struct sigaction *);
    int (*setcontext)(const ucontext_t *);
    int (*swapcontext)(ucontext_t *, const ucontext_t *);
  } f;
  char page[BH_PAGE];
} libc_fns __asm__("__bulkhead_libc_fns") __attribute__((aligned(BH_PAGE)));
#define libc_longjmp libc_fns.f.longjmp
#define libc_siglongjmp libc_fns.f.siglongjmp
#define libc_longjmp_chk libc_fns.f.longjmp_chk

void bh_signals_init(void) {
  libc_longjmp = (void (*)(struct __jmp_buf_tag *, int))bh_libc("longjmp");
  libc_siglongjmp =
      (void (*)(struct __jmp_buf_tag *, int))bh_libc("siglongjmp");
  libc_longjmp_chk =
      (void (*)(struct __jmp_buf_tag *, int))bh_libc("__longjmp_chk");
  libc_fns.f.sigaction = (int (*)(int, const struct sigaction *,
                                  struct sigaction *))bh_libc("sigaction");
  libc_fns.f.setcontext =
      (int (*)(const ucontext_t *))bh_libc("setcontext");
  libc_fns.f.swapcontext =
      (int (*)(ucontext_t *, const ucontext_t *))bh_libc("swapcontext");
  if (mprotect(&libc_fns, sizeof libc_fns, PROT_READ))
    bh_fatal("cannot make the runtime's table of libc functions read-only");
}

/* The stack pointer a longjmp to env restores. glibc keeps it in word 6 of
 * the jmp_buf, mangled with the pointer guard. */
static uintptr_t target_sp(struct __jmp_buf_tag *env) {
  uintptr_t guard, sp = (uintptr_t)env->__jmpbuf[6];
  __asm__("movq %%fs:0x30, %0" : "=r"(guard));
  return ((sp >> 17) | (sp << 47)) ^ guard;
}

/* A jump out of the outermost handler (to a stack pointer above where its
 * frames began) skips rt_sigreturn: widen the alternate stack here. A jump
 * within the handler keeps it narrowed. Decided from the GS base and the
 * jump's target only; the whole stack (key-0) must begin where the
 * kernel's narrowed one does and contain it, else it stays narrowed (safe:
 * only room is lost). No libc call: this may run with a compartment's
 * rights, and libc's errno is found through %fs:0. */
static void widen(uintptr_t sp) {
  char *top = live_top();
  if (!top)
    return;
  if (sp < (uintptr_t)top && sp > (uintptr_t)__builtin_frame_address(0))
    return;
  set_live_top(NULL);
  stack_t cur, w = {.ss_sp = whole_sp, .ss_size = whole_size};
  if (bh_raw_syscall(SYS_sigaltstack, 0, (long)&cur, 0, 0) ||
      (cur.ss_flags & SS_DISABLE) || w.ss_sp != cur.ss_sp ||
      w.ss_size < cur.ss_size)
    return;
  bh_raw_syscall(SYS_sigaltstack, (long)&w, 0, 0, 0);
}

/* A jump made with the default domain's rights, from this frame to hi,
 * skips the frames of the entries into compartments made from the frames
 * between: each compartment whose stack this thread holds voids the
 * records of the calls out nested in them, with its own rights, on its
 * stack's hand-over stack (free: a hand-over runs no default code, with
 * signals blocked; stacks.c, bh_stack_void_skipped). Their records are in
 * memory the default domain cannot write. */
static void void_skipped(uintptr_t hi,
                         uintptr_t (*fn)(uintptr_t, uintptr_t, uintptr_t,
                                         uintptr_t)) {
  uintptr_t lo = (uintptr_t)__builtin_frame_address(0);
  for (int c = 0; c < (int)bh_domain_count() && c < BH_MAX_COMPARTMENTS; c++) {
    uint64_t claim;
    char *ring = bh_stack_ring_mine(c, &claim);
    if (!ring || !bh_slot_tpoff(c))
      continue;
    uint64_t old;
    mask_signals(SIG_BLOCK, &all_signals, &old);
    bh_run_in_compartment(c, ring, fn, (uintptr_t)c, lo, hi);
    mask_signals(SIG_SETMASK, &old, NULL);
  }
}

/* What every longjmp skips: the alternate stack's narrowing, the
 * sharing policy's brackets (share.c), and the ways back of the calls out
 * of compartments it leaves, whose records are voided (review 55;
 * stacks.c): with a compartment's rights, within its stack, or, for a
 * jump off it, nested in the entries whose callers it skips; with the
 * default domain's, nested in the entries it skips. */
static void void_left(uintptr_t sp,
                      uintptr_t (*skipped)(uintptr_t, uintptr_t, uintptr_t,
                                           uintptr_t)) {
  int c = bh_current_compartment();
  const struct bulkhead_domain *d = c >= 0 ? bh_domain_at((size_t)c) : NULL;
  if (d && sp > (uintptr_t)d->stack_lo && sp <= (uintptr_t)d->stack_hi)
    bh_stack_void_records(c, (const char *)sp);
  else if (d)
    bh_stack_left(c, sp);
  else if (protected() && __bulkhead_domain0.pkru &&
           bh_rdpkru() == __bulkhead_domain0.pkru)
    void_skipped(sp, skipped);
}

static void leaving(struct __jmp_buf_tag *env) {
  uintptr_t sp = target_sp(env);
  widen(sp);
  bh_share_longjmp(sp);
  void_left(sp, bh_stack_void_skipped);
}

__attribute__((noreturn)) void longjmp(struct __jmp_buf_tag env[1], int val) {
  leaving(env);
  libc_longjmp(env, val);
  __builtin_unreachable();
}
void _longjmp(struct __jmp_buf_tag env[1], int val)
    __attribute__((noreturn, alias("longjmp")));
__attribute__((noreturn)) void siglongjmp(struct __jmp_buf_tag env[1],
                                          int val) {
  leaving(env);
  libc_siglongjmp(env, val);
  __builtin_unreachable();
}
__attribute__((noreturn)) void __longjmp_chk(struct __jmp_buf_tag env[1],
                                             int val) {
  leaving(env);
  libc_longjmp_chk(env, val);
  __builtin_unreachable();
}

/* setcontext and swapcontext leave a handler as longjmp does: a handler
 * left so must not leave its frame top in the GS base, where a later
 * handler's own longjmp would take it for its own and give the alternate
 * stack back over a running dispatch (attacks-review12-setcontext-widen.c).
 * Their target's stack pointer is plain in the context. A swapcontext back
 * into a handler so left finds the stack whole: as a handler's own
 * sigaltstack does (docs/signals.md, still open). A makecontext context's
 * return comes here too (context.c), not to libc's internal setcontext.
 * The calls out they leave dead are voided as a longjmp's are (review
 * 59a, attacks-rev59-dead-callout-setcontext.cpp); with the default
 * domain's rights, only those nested in entries made from the stack they
 * switch to: a context switched away from another stack may be switched
 * back to (stacks.c, bh_stack_void_switched). Before bh_signals_init (a
 * library's constructor) the table is still empty. */
static void leaving_to(const ucontext_t *ucp) {
  uintptr_t sp = (uintptr_t)ucp->uc_mcontext.gregs[REG_RSP];
  widen(sp);
  bh_share_longjmp(sp);
  void_left(sp, bh_stack_void_switched);
}
int setcontext(const ucontext_t *ucp) {
  leaving_to(ucp);
  int (*f)(const ucontext_t *) = libc_fns.f.setcontext;
  return (f ? f : (int (*)(const ucontext_t *))bh_libc("setcontext"))(ucp);
}
int swapcontext(ucontext_t *oucp, const ucontext_t *ucp) {
  leaving_to(ucp);
  int (*f)(ucontext_t *, const ucontext_t *) = libc_fns.f.swapcontext;
  if (!f)
    f = (int (*)(ucontext_t *, const ucontext_t *))bh_libc("swapcontext");
  return f(oucp, ucp);
}

/* Before bh_signals_init (a constructor of a shared library that runs
 * earlier) the table is still empty and writable. */
static int (*real_sigaction(void))(int, const struct sigaction *,
                                   struct sigaction *) {
  if (libc_fns.f.sigaction)
    return libc_fns.f.sigaction;
  return (int (*)(int, const struct sigaction *, struct sigaction *))bh_libc(
      "sigaction");
}

int sigaction(int sig, const struct sigaction *act, struct sigaction *old) {
  if (bh_domain_count() == 0 || sig <= 0 || sig >= _NSIG)
    return real_sigaction()(sig, act, old);
  struct sigaction mine_act, prev;
  const struct sigaction *give = act;
  if (act && act->sa_handler != SIG_DFL && act->sa_handler != SIG_IGN) {
    mine_act = *act;
    mine_act.sa_sigaction = dispatch;
    mine_act.sa_flags |= SA_SIGINFO | SA_ONSTACK;
    /* The dispatcher runs with every signal blocked, the kernel's first
     * word of the mask whole (glibc's sigfillset leaves out its own two);
     * it gives the program's handler the mask the program asked for
     * (call_program). */
    memset(&mine_act.sa_mask, 0xff, sizeof mine_act.sa_mask);
    give = &mine_act;
  }
  /* Recorded first: the signal may arrive as soon as the kernel has it. */
  typeof(wanted[0]) before = wanted[sig];
  if (give == &mine_act) {
    uint64_t mask;
    memcpy(&mask, &act->sa_mask, sizeof mask);
    wanted[sig].handler = act->sa_sigaction;
    wanted[sig].flags = act->sa_flags;
    wanted[sig].mask = mask & ~((uint64_t)1 << (SIGKILL - 1) |
                                (uint64_t)1 << (SIGSTOP - 1));
  }
  if (real_sigaction()(sig, give, &prev)) {
    wanted[sig] = before;
    return -1;
  }
  if (old) {
    *old = prev;
    if (prev.sa_sigaction == dispatch) { /* report what the program gave */
      old->sa_sigaction = before.handler;
      old->sa_flags = before.flags;
      memcpy(&old->sa_mask, &before.mask, sizeof before.mask);
    }
  }
  return 0;
}

/* glibc's signal() has BSD semantics and calls its own sigaction inside
 * libc, past this interposer: do the same here through ours. */
sighandler_t signal(int sig, sighandler_t handler) {
  struct sigaction sa, old;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = handler;
  sa.sa_flags = SA_RESTART;
  sigemptyset(&sa.sa_mask);
  if (sigaction(sig, &sa, &old) < 0)
    return SIG_ERR;
  return old.sa_handler;
}
