// Data-only attack on a signal frame (attacker model A: key-0 loads and
// stores, a second thread, no control of the program counter). When a
// signal interrupts compartment code, the kernel saves the compartment's
// registers on the thread's alternate stack, which the runtime allocates in
// key-0 memory (signals.c `__bulkhead_sigstack`), and rt_sigreturn puts
// them back together with the frame's PKRU, the compartment's. A second
// default-domain thread that rewrites a saved register while the handler
// runs therefore changes the compartment's registers, under its rights:
// here the vault loops writing a progress counter through a pointer its
// caller gave it, the program takes a timer signal (a timeout tick, with
// an ordinary handler), and the attacker thread replaces every word of the
// top of the alternate stack that equals that pointer with the address of
// the vault's key. After sigreturn the vault writes its counter over its
// own key: a write, with the compartment's rights, where the attacker
// chose. The same store could set the saved rip or rsp (a stack of the
// attacker's making), i.e. control of the compartment's program counter.
// Found in the second attacker-A review; succeeds natively and in the
// 6.1 guest, usually in the first round of work (under a second); it
// retries for up to ~10 s since it is a race. The threat model names only
// the frame's PKRU as rewritable ("A handler's signal frame"); its
// registers are the same problem and a PKRU check at rt_sigreturn would
// not stop this one.
// Partly fixed: the dispatcher copies a compartment's interrupted context
// onto the compartment's own stack before the program's handler runs and
// makes the rt_sigreturn itself from that copy (runtime/signals.c,
// docs/signals.md), so stores while the handler runs change nothing
// (attacks-sigframe-handler.c). This test still wins: its attacker polls
// the frame and rewrites it in the window between the kernel's write and
// the dispatcher's copy (in the 1-CPU guest, when the main thread is
// preempted there; within a few hundred signals). Closing that window
// needs the frame never to be in key-0 memory, which 6.1 does not allow
// with one alternate stack per thread (it writes the frame with the
// interrupted PKRU). OPEN: expected to fail until then.
// XFAIL: *
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -pthread %s -o %t
// RUN: %run %t | FileCheck %s
// CHECK: attacks-review2-sigframe: ok
#include "Inputs/check.h"
#include <pthread.h>
#include <sys/time.h>
#include <time.h>
#include <fcntl.h>

extern __thread char *alt_stack __asm__("__bulkhead_sigstack")
    __attribute__((visibility("hidden")));

#define SECRET 0x5ec7e75ec7e7L
BULKHEAD_DATA(vault) static long key = SECRET;

/* Publishes a progress counter into a buffer its caller gave it, until told
 * to stop: an ordinary compartment loop that writes through a pointer. */
BULKHEAD_ENTRY(vault) void vault_work(long *progress, volatile int *stop) {
  for (long i = 1; !*stop; i++)
    *(volatile long *)progress = i;
}
BULKHEAD_ENTRY(vault) int vault_key_intact(void) { return key == SECRET; }
BULKHEAD_ENTRY(vault) void *vault_where(void) { return &key; }

static long progress;           /* key 0 */
static volatile int stop;       /* key 0: the attacker thread stops */
static volatile int working_stop; /* key 0: the vault ends a round of work */
static volatile long ticks;
static char *victim_alt;        /* the main thread's alternate stack */
static long *target;

static int tick_pipe[2]; /* the self-pipe trick: the main loop could poll it */

static void on_alarm(int sig) {
  (void)sig;
  if (write(tick_pipe[1], "t", 1) < 0) {
    /* full: nobody polls it here */
  }
  if (++ticks % 500 == 0)
    working_stop = 1; /* a round is over */
}

/* The attacker: loads and stores of key-0 memory only. The kernel saves
 * the interrupted vault's registers on the alternate stack; wherever it
 * saved the vault's `progress` pointer, put the vault's key instead. */
static void *attacker(void *unused) {
  (void)unused;
  volatile long *top = (volatile long *)(victim_alt + 4096 + (256 << 10));
  volatile long *slot[8]; /* where that register was seen: frames repeat */
  int nslots = 0;
  long hits = 0;
  for (unsigned long n = 0; !stop; n++) {
    for (int k = 0; k < nslots; k++)
      if (*slot[k] == (long)&progress)
        *slot[k] = (long)target, hits++;
    if (n % 256)
      continue;
    for (volatile long *p = top - 2048; p < top; p++) /* now and then, all of it */
      if (*p == (long)&progress) {
        *p = (long)target;
        hits++;
        int known = 0;
        for (int k = 0; k < nslots; k++)
          known |= slot[k] == p;
        if (!known && nslots < 8)
          slot[nslots++] = p;
      }
  }
  return (void *)hits;
}

int main(void) {
  target = vault_where();
  victim_alt = alt_stack; /* key-0 TLS: any thread can read it through the TCB */
  CHECK(victim_alt);
  CHECK(pipe2(tick_pipe, O_NONBLOCK) == 0);
  sigset_t alrm;
  sigemptyset(&alrm);
  sigaddset(&alrm, SIGALRM);
  CHECK(pthread_sigmask(SIG_BLOCK, &alrm, NULL) == 0); /* the helper thread never takes it */
  pthread_t th;
  CHECK(pthread_create(&th, NULL, attacker, NULL) == 0);
  CHECK(pthread_sigmask(SIG_UNBLOCK, &alrm, NULL) == 0);
  struct sigaction sa = {.sa_handler = on_alarm};
  CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
  struct itimerval it = {{0, 200}, {0, 200}}; /* a timeout tick */
  CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
  /* Rounds of work until the key changed, for at most ~10 s: a race. */
  for (int round = 0; round < 100 && vault_key_intact(); round++) {
    vault_work(&progress, &working_stop);
    working_stop = 0;
  }
  stop = 1;
  struct itimerval off = {{0, 0}, {0, 0}};
  setitimer(ITIMER_REAL, &off, NULL);
  void *hits;
  pthread_join(th, &hits);
  printf("ticks %ld, frame words rewritten %ld\n", ticks, (long)hits);
  if (!vault_key_intact()) {
    puts("attacks-review2-sigframe: BROKEN: the vault wrote its counter over its own key");
    return 1;
  }
  if (!hits) {
    /* the attacker never saw the frame: this run says nothing either way */
    puts("attacks-review2-sigframe: inconclusive: no frame word was rewritten");
    return 1;
  }
  puts("attacks-review2-sigframe: ok");
  return 0;
}
