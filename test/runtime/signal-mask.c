// The signal mask a program's handler runs with, and what sigaction reports,
// are what the program asked for, as without the runtime: the dispatcher is
// installed with every signal blocked (so that nothing nests in it before it
// has kept and wiped a compartment's frame: attacks-nested-sigframe-
// registers.c) and gives the handler the interrupted mask | its sa_mask |
// the signal unless SA_NODEFER. Checked for a signal taken in main and one
// taken in the vault (a kept compartment frame), and natively:
// - sigaction reports the handler, flags and sa_mask the program gave;
// - in the handler: the interrupted mask, sa_mask and the signal blocked,
//   nothing else; with SA_NODEFER not the signal, which then nests;
// - a signal the handler's mask allows, raised in it, runs nested at once;
//   one its sa_mask blocks waits until it returns; one the interrupted mask
//   blocks stays pending across it;
// - the handler's own sigprocmask lasts until it returns; the interrupted
//   mask is back afterwards (main's, the vault's);
// - SA_RESETHAND: the action is SIG_DFL after one delivery;
// - a default-domain frame's uc_sigmask edited by the handler is the mask
//   after it returns (rt_sigreturn).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t && %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s -o %t0 && %run %t0 | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s -o %ts && %run %ts | FileCheck %s
// RUN: %clang -O2 -I%prefix/include %s -o %t.native && %t.native | FileCheck %s
// CHECK: main: order USR1< ALRM USR1> USR2 WINCH
// CHECK-NEXT: vault: order USR1< ALRM USR1> USR2 WINCH
// CHECK-NEXT: signal-mask: ok
#include "Inputs/check.h"

#include "Inputs/sigframe.h"
#include <ucontext.h>

BULKHEAD_DATA(vault) static volatile int secret = 9;

static const int flags_wanted = SA_RESTART | SA_SIGINFO;
static sigset_t mask_in_usr1, mask_in_nodefer, mask_in_reset;
static volatile int nodefer_depth, nodefer_max;
static char order[128];

static void note(const char *what) {
  strcat(order, " ");
  strcat(order, what);
}

static void on_alrm(int sig) {
  (void)sig;
  note("ALRM");
}
static void on_usr2(int sig) {
  (void)sig;
  note("USR2");
}
static void on_winch(int sig) {
  (void)sig;
  note("WINCH");
}

/* SIGUSR1: sa_mask {SIGUSR2, SIGHUP}. */
static uint32_t usr1_frame_pkru; /* whose code SIGUSR1 interrupted */
static void on_usr1(int sig, siginfo_t *si, void *uc) {
  (void)sig, (void)si;
  usr1_frame_pkru = frame_pkru(uc);
  note("USR1<");
  CHECK(sigprocmask(SIG_BLOCK, NULL, &mask_in_usr1) == 0);
  raise(SIGUSR2); /* in sa_mask: after the handler */
  raise(SIGALRM); /* allowed: now */
  /* Its own mask change lasts until it returns. */
  sigset_t more;
  sigemptyset(&more);
  sigaddset(&more, SIGTERM);
  CHECK(sigprocmask(SIG_BLOCK, &more, NULL) == 0);
  note("USR1>");
}

/* SIGURG: SA_NODEFER, nests in itself once. */
static void on_nodefer(int sig) {
  int d = ++nodefer_depth;
  if (d > nodefer_max)
    nodefer_max = d;
  if (d == 1) {
    CHECK(sigprocmask(SIG_BLOCK, NULL, &mask_in_nodefer) == 0);
    raise(sig);
  }
  nodefer_depth--;
}

/* SIGPROF: SA_RESETHAND. */
static volatile int resets;
static void on_reset(int sig) {
  (void)sig;
  resets++;
  CHECK(sigprocmask(SIG_BLOCK, NULL, &mask_in_reset) == 0);
}

/* SIGCHLD: adds SIGTERM to the frame's mask, which rt_sigreturn restores. */
static void on_edit(int sig, siginfo_t *si, void *ucv) {
  (void)sig, (void)si;
  sigaddset(&((ucontext_t *)ucv)->uc_sigmask, SIGTERM);
}

static void install(int sig, void (*h)(int), int flags, int m1, int m2) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = h;
  sa.sa_flags = flags;
  sigemptyset(&sa.sa_mask);
  if (m1)
    sigaddset(&sa.sa_mask, m1);
  if (m2)
    sigaddset(&sa.sa_mask, m2);
  CHECK(sigaction(sig, &sa, NULL) == 0);
}

static int blocked(int sig) {
  sigset_t m;
  CHECK(sigprocmask(SIG_BLOCK, NULL, &m) == 0);
  return sigismember(&m, sig);
}

/* Everything in range but the signals listed (0-terminated) is clear. */
static int only(const sigset_t *m, const int *sigs) {
  for (int s = 1; s < 32; s++) {
    int want = 0;
    for (const int *p = sigs; *p; p++)
      want |= *p == s;
    if (sigismember(m, s) != want) {
      fprintf(stderr, "signal %d: %d in the mask, wanted %d\n", s,
              sigismember(m, s), want);
      return 0;
    }
  }
  return 1;
}

/* The checks, raised from wherever this is expanded (main, or vault code:
 * libc's raise runs with its caller's rights, so the signals interrupt the
 * vault). */
static const int in_usr1[] = {SIGWINCH, SIGUSR1, SIGUSR2, SIGHUP, 0};
static const int just_winch[] = {SIGWINCH, 0};
static const int none[] = {0};
#define RUN_CHECKS()                                                           \
  do {                                                                         \
    order[0] = 0;                                                              \
    /* Interrupted mask: SIGWINCH blocked, and pending across the handler. */ \
    sigset_t w, before, now, pend;                                             \
    sigemptyset(&w);                                                           \
    sigaddset(&w, SIGWINCH);                                                   \
    CHECK(sigprocmask(SIG_BLOCK, &w, &before) == 0);                           \
    raise(SIGWINCH);                                                           \
    raise(SIGUSR1);                                                            \
    CHECK(only(&mask_in_usr1, in_usr1));                                       \
    CHECK(sigprocmask(SIG_BLOCK, NULL, &now) == 0);                            \
    CHECK(only(&now, just_winch)); /* not SIGTERM: the handler's own */       \
    CHECK(sigpending(&pend) == 0 && sigismember(&pend, SIGWINCH) == 1);        \
    CHECK(sigprocmask(SIG_SETMASK, &before, NULL) == 0); /* WINCH now */       \
    nodefer_max = 0;                                                           \
    raise(SIGURG);                                                             \
    CHECK(nodefer_max == 2);                                                   \
    CHECK(only(&mask_in_nodefer, none));                                       \
  } while (0)

BULKHEAD_ENTRY(vault) int vault_checks(void) {
  CHECK(secret == 9);
  RUN_CHECKS();
  CHECK(secret == 9);
  return 1;
}

int main(void) {
  struct sigaction sa, got;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_usr1;
  sa.sa_flags = flags_wanted;
  sigemptyset(&sa.sa_mask);
  sigaddset(&sa.sa_mask, SIGUSR2);
  sigaddset(&sa.sa_mask, SIGHUP);
  CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
  CHECK(sigaction(SIGUSR1, NULL, &got) == 0);
  CHECK(got.sa_sigaction == on_usr1);
  CHECK((got.sa_flags & (SA_RESTART | SA_SIGINFO | SA_NODEFER |
                         SA_RESETHAND | SA_ONSTACK)) == flags_wanted);
  static const int usr1_mask[] = {SIGUSR2, SIGHUP, 0};
  CHECK(only(&got.sa_mask, usr1_mask));
  /* And as the old action of the next call. */
  CHECK(sigaction(SIGUSR1, &sa, &got) == 0);
  CHECK(got.sa_sigaction == on_usr1 && only(&got.sa_mask, usr1_mask));

  install(SIGUSR2, on_usr2, 0, 0, 0);
  install(SIGALRM, on_alrm, 0, 0, 0);
  install(SIGWINCH, on_winch, 0, 0, 0);
  install(SIGURG, on_nodefer, SA_NODEFER, 0, 0);
  CHECK(sigaction(SIGURG, NULL, &got) == 0 && (got.sa_flags & SA_NODEFER));

  RUN_CHECKS();
  printf("main: order%s\n", order);
  CHECK(vault_checks());
  printf("vault: order%s\n", order);
#ifdef __BULKHEAD__
  CHECK(usr1_frame_pkru == bulkhead_domain_pkru("vault"));
#endif

  /* SA_RESETHAND: deferred (Linux adds the signal unless SA_NODEFER), and
   * SIG_DFL after one delivery. */
  install(SIGPROF, on_reset, SA_RESETHAND, SIGQUIT, 0);
  raise(SIGPROF);
  CHECK(resets == 1);
  static const int in_reset[] = {SIGPROF, SIGQUIT, 0};
  CHECK(only(&mask_in_reset, in_reset));
  CHECK(sigaction(SIGPROF, NULL, &got) == 0 && got.sa_handler == SIG_DFL);

  /* A default-domain frame's uc_sigmask, edited, is restored. */
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_edit;
  sa.sa_flags = SA_SIGINFO;
  CHECK(sigaction(SIGCHLD, &sa, NULL) == 0);
  CHECK(!blocked(SIGTERM));
  raise(SIGCHLD);
  CHECK(blocked(SIGTERM) == 1);
  printf("signal-mask: ok\n");
  return 0;
}
