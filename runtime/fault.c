/*
 * fault.c - what happens when a program faults: a report that names the
 * domain that was running and, for a protection-key fault, the key's owner,
 * the kind of memory and the code that made the access. With
 * BULKHEAD_SHARE_RECORD (record.c), a default-domain fault on a recorded
 * compartment heap block is written down and the access is let through.
 */
#define _GNU_SOURCE
#include "../include/bulkhead.h"
#include "internal.h"

#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <ucontext.h>

#ifndef SEGV_PKUERR
#define SEGV_PKUERR 4
#endif

/* Where the signal frame's XSAVE image keeps PKRU, which the kernel
 * restores on sigreturn: in the handler itself PKRU is the kernel's
 * default, whatever the interrupted code had. NULL when the frame holds no
 * PKRU (no PKU, FXSAVE-only frame). */
static unsigned char *pkru_in_frame(const ucontext_t *uc) {
  unsigned char *x = (unsigned char *)uc->uc_mcontext.fpregs;
  if (!x)
    return NULL;
  /* Bytes 464..511 of the FXSAVE area are the kernel's software-reserved
   * header (struct _fpx_sw_bytes): magic1, extended_size, xfeatures,
   * xstate_size. The XSAVE header's XSTATE_BV follows at 512. */
  uint32_t magic, xstate_size;
  uint64_t xfeatures;
  memcpy(&magic, x + 464, 4);
  memcpy(&xfeatures, x + 472, 8);
  memcpy(&xstate_size, x + 480, 4);
  if (magic != 0x46505853u /* FP_XSTATE_MAGIC1 */ || !(xfeatures & (1u << 9)))
    return NULL;
  /* Offset of the PKRU component (feature 9) in the standard format. */
  unsigned eax, ebx, ecx, edx;
  __asm__("cpuid"
          : "=a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx)
          : "a"(0xd), "c"(9));
  if (!ebx || ebx + 4 > xstate_size)
    return NULL;
  return x + ebx;
}

/* The PKRU the interrupted code ran with; 0 if the frame holds none. */
static int interrupted_pkru(const ucontext_t *uc, uint32_t *pkru) {
  const unsigned char *at = pkru_in_frame(uc);
  if (!at)
    return 0;
  uint64_t xstate_bv;
  memcpy(&xstate_bv, (const unsigned char *)uc->uc_mcontext.fpregs + 512, 8);
  *pkru = 0; /* XSTATE_BV bit 9 clear: PKRU in its init state, 0 */
  if (xstate_bv & (1u << 9))
    memcpy(pkru, at, 4);
  return 1;
}

/* Makes sigreturn restore pkru. */
static void set_interrupted_pkru(ucontext_t *uc, uint32_t pkru) {
  unsigned char *at = pkru_in_frame(uc),
                *bv = (unsigned char *)uc->uc_mcontext.fpregs + 512;
  if (!at)
    return;
  memcpy(at, &pkru, 4);
  bv[1] |= 1u << 1; /* XSTATE_BV bit 9: the component is in the image */
}

static void write_domain(const struct bulkhead_domain *d) {
  if (d == &__bulkhead_domain0) {
    bh_write("the default domain");
    return;
  }
  bh_write("compartment '");
  bh_write(d->name);
  bh_write("'");
}

/* Names the domain whose code was interrupted: " in compartment 'c'",
 * " from the default domain", ... Returns 0, having written nothing, if
 * that cannot be known. */
static int write_running(const char *prep, const ucontext_t *uc) {
  uint32_t pkru;
  if (bh_state->unprotected || !interrupted_pkru(uc, &pkru))
    return 0;
  const struct bulkhead_domain *d = bh_domain_of_pkru(pkru);
  bh_write(prep);
  if (d) {
    write_domain(d);
    return 1;
  }
  bh_write("code running with PKRU 0x");
  bh_write_num(pkru, 16);
  bh_write(", which is no domain's");
  return 1;
}

int bh_frame_pkru(const void *uc, uint32_t *pkru) {
  return interrupted_pkru(uc, pkru);
}

unsigned char *bh_frame_pkru_at(const void *uc) { return pkru_in_frame(uc); }

int bh_write_running(const char *prep, const void *uc) {
  return write_running(prep, uc);
}

static const char *segv_reason(int code) {
  switch (code) {
  case SEGV_MAPERR:
    return "address not mapped";
  case SEGV_ACCERR:
    return "invalid permissions";
  case SI_KERNEL:
    return "general protection, or no room for a signal frame";
  default:
    return "fault";
  }
}

/* Which memory of the compartment the address is, and for heap memory,
 * where to look if the program means to write there. */
static void write_what(const void *addr) {
  const char *what;
  int i = bh_compartment_of(addr, &what);
  if (i < 0)
    return;
  bh_write("bulkhead:   the address is in the ");
  bh_write(what);
  bh_write(" of compartment '");
  bh_write(bh_domain_at((size_t)i)->name);
  bh_write("'");
  if (what[0] == 'h')
    bh_write("; to share heap blocks a library's callers must use, see the "
             "sharing policy (docs/heaps.md)");
  bh_write("\n");
}

/* The code that made the access and its callers, as far as the handler
 * may read their frames (unwind.c), and the commands that give their
 * source lines. */
static void write_code(const ucontext_t *uc) {
  uintptr_t pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP], f[40];
  int n = bh_backtrace(f, 40, -1), k = 0;
  while (k < n && f[k] != pc)
    k++; /* the handler's own frames and the kernel's signal frame */
  if (k == n)
    f[0] = pc, k = 0, n = 1;
  if (n - k > 9)
    n = k + 9;
  for (int j = k; j < n; j++) {
    bh_write(j == k ? "bulkhead:   at " : "bulkhead:   from ");
    bh_write_code_address(f[j]);
    bh_write("\n");
  }
  /* One llvm-symbolizer command per object; a return address minus one
   * is in the call. */
  for (int j = k; j < n; j++) {
    const char *path, *other;
    uintptr_t off;
    int first = 1;
    if (!bh_code_module(f[j], &path, &off))
      continue;
    for (int e = k; e < j && first; e++)
      first = !(bh_code_module(f[e], &other, &off) && other == path);
    if (!first)
      continue;
    bh_write("bulkhead:   source lines: " BH_SYMBOLIZER " --obj=");
    bh_write(path);
    for (int e = j; e < n; e++)
      if (bh_code_module(f[e], &other, &off) && other == path) {
        bh_write(" 0x");
        bh_write_num(off - (e != k), 16);
      }
    bh_write("\n");
  }
}

/* Record mode: a default-domain access to a compartment's heap block or
 * stack is written down (record.c) and let through for one instruction:
 * the frame's PKRU opens the compartment, and the trap flag stops the
 * thread after the instruction, where step_done closes it again. Faults on
 * blocks the recorder does not know (and on compartment data) stop the
 * program as usual. */
static __thread int stepping;

static int let_through(const siginfo_t *si, ucontext_t *uc) {
  uint32_t pkru;
  const char *what;
  uintptr_t addr = (uintptr_t)si->si_addr;
  uintptr_t pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
  int i = bh_compartment_of(si->si_addr, &what);
  if (i < 0 || !interrupted_pkru(uc, &pkru) ||
      !(stepping || pkru == __bulkhead_domain0.pkru))
    return 0;
  if (what[0] == 's')
    bh_record_stack_fault(i, addr, pc);
  else if (what[0] != 'h' || !bh_record_fault(i, addr, pc))
    return 0;
  set_interrupted_pkru(uc, pkru & ~(3u << (2 * bh_domain_at((size_t)i)->pkey)));
  uc->uc_mcontext.gregs[REG_EFL] |= 0x100; /* TF */
  stepping = 1;
  return 1;
}

static void step_done(int sig, siginfo_t *si, void *ucv) {
  ucontext_t *uc = ucv;
  (void)si;
  if (!stepping) { /* not ours: what SIGTRAP would have done */
    signal(sig, SIG_DFL);
    raise(sig);
    return;
  }
  stepping = 0;
  set_interrupted_pkru(uc, __bulkhead_domain0.pkru);
  uc->uc_mcontext.gregs[REG_EFL] &= ~0x100;
}

/* Why the unwinder stopped, for a fault at one of the addresses its
 * checked copies read to stop it (unwind-copy.c), or NULL. */
static const char *unwinder_stop(uintptr_t a) {
  switch (a) {
  case BH_UNWIND_STOP:
    return " at a call out of the compartment whose saved stack pointer "
           "does not point at the compartment's cookie on this thread's "
           "stack (moved by other code?)\n";
  case BH_UNWIND_STOP_REENTRY:
    return " at a frame outside the compartment's stacks whose CFA lies "
           "in them: only a call out leads back into them (a frame "
           "pointer or saved register rewritten by other code?)\n";
  case BH_UNWIND_STOP_EH_DATA:
    return " at a frame whose CFI keeps rax or rdx (a landing pad's "
           "exception and selector) off the compartment's stacks (a "
           "forged frame?)\n";
  case BH_UNWIND_STOP_MEMORY:
    return " at a frame whose CFI reads a word of the compartment's own "
           "memory that is not in a frame of its stacks (a forged "
           "frame?)\n";
  }
  return NULL;
}

/* Reports a SIGSEGV, naming the domain that was running and, for a
 * protection-key fault, the compartment that owns the key. The handler is
 * SA_RESETHAND: a fault repeats when we return and kills the process with
 * the default action; anything that would not repeat is raised again. */
static void report_fault(int sig, siginfo_t *si, void *ucv) {
  ucontext_t *uc = ucv;
  if (bh_state->record) {
    if (si->si_code == SEGV_PKUERR && let_through(si, uc))
      return;
    signal(SIGSEGV, SIG_DFL); /* what SA_RESETHAND does otherwise */
  }
  if (si->si_code <= 0) {
    raise(sig); /* sent by a process: not ours to report */
    return;
  }
  if (si->si_code != SEGV_PKUERR) {
    const char *stop =
        bh_state->unprotected ? NULL : unwinder_stop((uintptr_t)si->si_addr);
    if (stop) {
      bh_write("bulkhead: the unwinder stopped");
      write_running(" in ", uc);
      bh_write(stop);
    } else if (!bh_state->unprotected) {
      bh_write("bulkhead: SIGSEGV (");
      bh_write(segv_reason(si->si_code));
      bh_write(")");
      if (si->si_code != SI_KERNEL) { /* SI_KERNEL carries no address */
        bh_write(" at address 0x");
        bh_write_num((uintptr_t)si->si_addr, 16);
      }
      write_running(" in ", uc);
      bh_write("\n");
    }
    /* SI_KERNEL: a #GP repeats, a failed signal delivery does not. */
    if (si->si_code == SI_KERNEL)
      raise(sig);
    return;
  }
  const char *owner = bulkhead_pkey_compartment((int)si->si_pkey);
  bh_write("bulkhead: protection-key fault: access to 0x");
  bh_write_num((uintptr_t)si->si_addr, 16);
  bh_write(owner ? " in compartment '" : " (pkey ");
  if (owner) {
    bh_write(owner);
    bh_write("' (pkey ");
  }
  bh_write_num(si->si_pkey, 10);
  bh_write(")");
  if (!write_running(" from ", uc))
    bh_write(" from code outside it");
  bh_write("\n");
  write_what(si->si_addr);
  write_code(uc);
}

void bh_install_fault_reporter(void) {
  struct sigaction old;
  if (sigaction(SIGSEGV, NULL, &old) || old.sa_handler != SIG_DFL)
    return; /* the program's own handler comes first */
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = report_fault;
  /* SA_ONSTACK: a stack overflow is reported too (runtime/signals.c). The
   * recorder handles one fault after another. */
  sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK |
                (bh_state->record ? 0 : SA_RESETHAND);
  sigaction(SIGSEGV, &sa, NULL);
  if (bh_state->record) {
    sa.sa_sigaction = step_done;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigaction(SIGTRAP, &sa, NULL);
  }
}
