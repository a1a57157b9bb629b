// pidfd_send_signal(fd, sig, info, flags) goes to the supervisor, which
// reads the caller's siginfo through /proc/<pid>/mem (regardless of
// protection keys) and makes the call itself (supervisor-signal.c). The
// kernel would read info with the caller's rights and fail with EFAULT
// for a pointer into a compartment's memory; the supervisor read it for
// the default domain, and a signal sent to the program itself delivered
// the compartment's bytes in its siginfo (attacker B, the default domain's
// program counter: one call). Here the vault's data starts like a siginfo
// (its signal number and SI_QUEUE, as a sliding look for such words would
// find them) followed by its secret. Before: "vault: delivered, LEAK:
// VAULT-SECRET-0123456789". Fixed: a siginfo in compartment memory (the
// supervisor's check for paths, supervisor-open.c) fails with EFAULT.
// Control: the same siginfo in the program's own memory is delivered.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t 2>&1 | FileCheck %s
// CHECK: own: delivered, value "VAULT-SECRET-0123456789"
// CHECK-NEXT: vault: EFAULT
// CHECK-NOT: LEAK
#include "Inputs/check.h"
#include <errno.h>
#include <sys/syscall.h>

struct fake_info {
  int signo, errno_, code, pad;
  char value[32];
};

BULKHEAD_DATA(vault) static struct fake_info vault_info = {
    SIGUSR1, 0, SI_QUEUE, 0, "VAULT-SECRET-0123456789"};
BULKHEAD_ENTRY(vault) int vault_len(void) { return (int)strlen(vault_info.value); }

static volatile sig_atomic_t got;
static char received[24];

static void on_usr1(int sig, siginfo_t *si, void *uc) {
  (void)sig, (void)uc;
  memcpy(received, (const char *)si + 16, sizeof received - 1);
  got = 1;
}

static void send_info(const char *what, const struct fake_info *info) {
  int pfd = (int)syscall(SYS_pidfd_open, getpid(), 0);
  CHECK(pfd >= 0);
  got = 0;
  memset(received, 0, sizeof received);
  /* The supervisor sends while the call waits for its answer: the
   * handler runs and the call ends with EINTR. */
  long r = syscall(SYS_pidfd_send_signal, pfd, SIGUSR1, info, 0);
  int err = errno;
  close(pfd);
  for (int k = 0; k < 1000 && !got && (!r || err == EINTR); k++)
    usleep(1000);
  if (!got)
    printf("%s: %s\n", what,
           !r ? "no signal" : err == EFAULT ? "EFAULT" : strerror(err));
  else if (info == &vault_info)
    printf("%s: delivered, LEAK: %s\n", what, received);
  else
    printf("%s: delivered, value \"%s\"\n", what, received);
}

int main(void) {
  CHECK(vault_len() == 23);
  struct sigaction sa = {.sa_sigaction = on_usr1, .sa_flags = SA_SIGINFO};
  CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
  static struct fake_info own = {SIGUSR1, 0, SI_QUEUE, 0,
                                 "VAULT-SECRET-0123456789"};
  send_info("own", &own);
  send_info("vault", &vault_info);
  fflush(stdout);
  return 0;
}
