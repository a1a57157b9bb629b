// A compartment's signal frame while the program's handler runs (attacker
// model A: key-0 loads and stores, a second thread). A timer interrupts the
// vault, which loops writing a progress counter through a pointer its
// caller gave it; the program's ordinary handler waits on a pipe (as a
// handler that logs through a socket would) while a second thread rewrites
// the frame the kernel wrote on the key-0 alternate stack: every saved
// general register but rsp, rip and the flags becomes the address of the
// vault's key (one of them held the vault's pointer), and the saved PKRU
// becomes 0 (every key open). The handler itself
// edits its context the same way. Before the fix rt_sigreturn restored
// them with the vault's rights and the vault wrote its counter over its own
// key on the first such signal. Now the dispatcher resumes the vault from
// a copy on the vault's own stack, made before the handler ran, and the
// vault keeps its registers and its PKRU (runtime/signals.c; edits of a
// compartment's context are ignored, docs/signals.md).
// attacks-review2-sigframe.c races the kernel's write itself; that window,
// between the kernel's write and the dispatcher's copy, is still open.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -pthread %s -o %t
// RUN: %run %t | FileCheck %s
// CHECK: attacks-sigframe-handler: ok
#include "Inputs/check.h"
#include "Inputs/sigframe.h"
#include <pthread.h>
#include <sys/time.h>

#define SECRET 0x5ec7e75ec7e7L
BULKHEAD_DATA(vault) static long key = SECRET;
BULKHEAD_DATA(vault) static int wrong_pkru;

BULKHEAD_ENTRY(vault) void vault_work(long *progress, volatile int *stop) {
  uint32_t mine = test_rdpkru();
  for (long i = 1; !*stop; i++) {
    *(volatile long *)progress = i;
    if (test_rdpkru() != mine)
      wrong_pkru = 1;
  }
}
BULKHEAD_ENTRY(vault) int vault_key_intact(void) { return key == SECRET; }
BULKHEAD_ENTRY(vault) int vault_pkru_was_wrong(void) { return wrong_pkru; }
BULKHEAD_ENTRY(vault) void *vault_where(void) { return &key; }

static long progress;
static volatile int stop;
static long *target;
static uint32_t vault_pkru;
static int to_attacker[2], to_handler[2];
static ucontext_t *volatile frame; /* the handler's, for the attacker */
static volatile long engaged, signals, hits;

/* Loads and stores of key-0 memory only. The frame's register values are
 * wiped before the handler runs (attacks-sigframe-registers.c), so every
 * slot that may have held the vault's pointer gets the key's address. */
static long rewrite(ucontext_t *uc) {
  long n = 1;
  for (int r = 0; r < NGREG; r++)
    if (r != REG_RSP && r != REG_RIP && r != REG_EFL && r != REG_CSGSFS)
      uc->uc_mcontext.gregs[r] = (long)target;
  uint32_t *pkru = frame_pkru_slot(uc);
  if (pkru && *pkru == vault_pkru) {
    *pkru = 0;
    n++;
  }
  return n;
}

static void *attacker(void *unused) {
  (void)unused;
  char b;
  while (read(to_attacker[0], &b, 1) == 1 && b == 'f') {
    hits += rewrite(frame);
    CHECK(write(to_handler[1], "d", 1) == 1);
  }
  return NULL;
}

static void on_alarm(int sig, siginfo_t *si, void *uc) {
  (void)sig, (void)si;
  if (++signals == 400)
    stop = 1;
  if (frame_pkru(uc) != vault_pkru)
    return; /* not the vault's registers */
  engaged++;
  frame = uc;
  char b;
  if (write(to_attacker[1], "f", 1) != 1 || read(to_handler[0], &b, 1) != 1)
    abort();
  hits += rewrite(uc); /* and the handler's own edits */
  if (engaged == 20)
    stop = 1;
}

int main(void) {
  target = vault_where();
  vault_pkru = bulkhead_domain_pkru("vault");
  CHECK(pipe(to_attacker) == 0 && pipe(to_handler) == 0);
  sigset_t alrm;
  sigemptyset(&alrm);
  sigaddset(&alrm, SIGALRM);
  CHECK(pthread_sigmask(SIG_BLOCK, &alrm, NULL) == 0); /* for the thread */
  pthread_t th;
  CHECK(pthread_create(&th, NULL, attacker, NULL) == 0);
  CHECK(pthread_sigmask(SIG_UNBLOCK, &alrm, NULL) == 0);
  struct sigaction sa = {.sa_sigaction = on_alarm, .sa_flags = SA_SIGINFO};
  CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
  struct itimerval it = {{0, 1000}, {0, 1000}};
  CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
  while (!stop)
    vault_work(&progress, &stop);
  struct itimerval off = {{0, 0}, {0, 0}};
  CHECK(setitimer(ITIMER_REAL, &off, NULL) == 0);
  CHECK(write(to_attacker[1], "q", 1) == 1);
  pthread_join(th, NULL);
  printf("signals %ld, in the vault %ld, frame words rewritten %ld\n", signals,
         engaged, hits);
  if (!vault_key_intact()) {
    puts("attacks-sigframe-handler: BROKEN: the vault wrote its counter over "
         "its own key");
    return 1;
  }
  if (vault_pkru_was_wrong()) {
    puts("attacks-sigframe-handler: BROKEN: the vault resumed with a PKRU "
         "from the frame");
    return 1;
  }
  /* The attack was made; one more signal may land in the vault before it
     sees stop. */
  CHECK(engaged >= 20 && hits >= 2 * engaged);
  puts("attacks-sigframe-handler: ok");
  return 0;
}
