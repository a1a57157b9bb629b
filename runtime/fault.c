/*
 * fault.c - what happens when protection keys stop something: a report that
 * names the compartment, and (only when the user opted into running
 * unprotected) stepping over gates on a CPU without WRPKRU.
 */
#define _GNU_SOURCE
#include "internal.h"
#include "../include/bulkhead.h"

#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <ucontext.h>

#ifndef SEGV_PKUERR
#define SEGV_PKUERR 4
#endif

/* Reports a protection-key fault, then lets it happen again with the default
 * action (SA_RESETHAND), so the process still dies of SIGSEGV. */
static void report_pkey_fault(int sig, siginfo_t *si, void *uc) {
  (void)sig, (void)uc;
  if (si->si_code != SEGV_PKUERR)
    return;
  const char *owner = bulkhead_pkey_compartment((int)si->si_pkey);
  bh_write("bulkhead: protection-key fault: access to 0x");
  bh_write_num((uintptr_t)si->si_addr, 16);
  bh_write(owner ? " in compartment '" : " (pkey ");
  if (owner) {
    bh_write(owner);
    bh_write("' (pkey ");
  }
  bh_write_num(si->si_pkey, 10);
  bh_write(owner ? ") from code outside it\n" : ")\n");
}

void bh_install_fault_reporter(void) {
  struct sigaction old;
  if (sigaction(SIGSEGV, NULL, &old) || old.sa_handler != SIG_DFL)
    return; /* the program's own handler comes first */
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = report_pkey_fault;
  sa.sa_flags = SA_SIGINFO | SA_RESETHAND | SA_NODEFER;
  sigaction(SIGSEGV, &sa, NULL);
}

/* Without PKU, WRPKRU raises #UD. In the opted-in unprotected mode every
 * gate's WRPKRU is skipped; the gate's check still passes, as eax is left
 * equal to the value it was loaded from. Slow, and only for that mode. */
static void skip_wrpkru(int sig, siginfo_t *si, void *ucv) {
  (void)si;
  ucontext_t *uc = ucv;
  const unsigned char *ip = (const unsigned char *)uc->uc_mcontext.gregs[REG_RIP];
  if (ip[0] == 0x0f && ip[1] == 0x01 && (ip[2] == 0xef || ip[2] == 0xee)) {
    if (ip[2] == 0xee) { /* rdpkru: every key open */
      uc->uc_mcontext.gregs[REG_RAX] = 0;
      uc->uc_mcontext.gregs[REG_RDX] = 0;
    }
    uc->uc_mcontext.gregs[REG_RIP] += 3;
    return;
  }
  signal(sig, SIG_DFL); /* a real illegal instruction */
}

void bh_install_wrpkru_emulation(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = skip_wrpkru;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGILL, &sa, NULL);
}
