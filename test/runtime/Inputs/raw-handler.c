/* raw-handler.c - built WITHOUT Bulkhead: a signal handler with no wrapper,
 * installed with the C library's own sigaction (past the runtime's, which
 * would run it through its dispatcher), so it sees PKRU exactly as the
 * kernel sets it on signal entry. */
#define _GNU_SOURCE
#include "sigframe.h"
#include <dlfcn.h>
#include <signal.h>
#include <string.h>

volatile uint32_t raw_entry_pkru, raw_frame_pkru;
volatile uint32_t raw_new_frame_pkru; /* nonzero: write it into the frame */

static inline uint32_t rdpkru(void) {
  uint32_t eax, edx;
  __asm__ volatile("rdpkru" : "=a"(eax), "=d"(edx) : "c"(0));
  return eax;
}

static void raw_handler(int sig, siginfo_t *si, void *uc) {
  (void)sig, (void)si;
  raw_entry_pkru = rdpkru();
  raw_frame_pkru = frame_pkru(uc);
  if (raw_new_frame_pkru && frame_pkru_slot(uc))
    *frame_pkru_slot(uc) = raw_new_frame_pkru;
}

int raw_install(int sig) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = raw_handler;
  /* On the runtime's key-0 alternate stack: the kernel's own stack choice
   * would be a compartment's stack when one is interrupted. */
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  int (*libc_sigaction)(int, const struct sigaction *, struct sigaction *) =
      (int (*)(int, const struct sigaction *, struct sigaction *))dlsym(
          RTLD_NEXT, "sigaction");
  return libc_sigaction ? libc_sigaction(sig, &sa, 0) : -1;
}
