// A thread created from inside the vault must not start with the vault's
// rights: glibc's start_thread reads the start routine and its argument from
// struct pthread (key-0 memory, at the top of the new thread's stack) and
// calls it before any Bulkhead code runs in the thread. Here a racing
// default-domain thread keeps rewriting them, in the struct pthread of a
// cached thread stack that the vault's next thread reuses, to
// puts(&vault_secret). Found in review (issue 11, break 3): the vault's
// thread printed the secret. Now libc's pthread_create runs with the default
// domain's rights, the new thread inherits those, and the rewritten call
// faults (SEGV_PKUERR on the vault's key) instead of printing.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -pthread %s -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 -pthread %s -o %t.shared
// RUN: %run %t.shared | FileCheck %s
// CHECK-NOT: vault-secret
// CHECK: attacks-thread-start: ok
#include "Inputs/check.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>

BULKHEAD_DATA(vault) static char secret[32] = "vault-secret-5d1e";

#define MARK ((void *)0x600d)
static void *benign(void *p) { (void)p; return MARK; }

/* The vault starts a thread and waits for it; *tid and *result tell the
 * default domain which struct pthread it had and what the routine returned. */
BULKHEAD_ENTRY(vault) int vault_thread(pthread_t *tid, void **result) {
  pthread_t t;
  if (pthread_create(&t, NULL, benign, NULL))
    return -1;
  *tid = t;
  return pthread_join(t, result);
}

/* Where glibc keeps start_routine and arg in struct pthread: found by
 * creating a thread with libc's own pthread_create (past the runtime's)
 * and looking for the two values passed. */
static atomic_int probe_go;
static void *probe(void *p) {
  while (!atomic_load(&probe_go))
    ;
  return p;
}
static size_t routine_offset(void) {
  int (*libc_create)(pthread_t *, const pthread_attr_t *, void *(*)(void *),
                     void *) = dlsym(RTLD_NEXT, "pthread_create");
  CHECK(libc_create);
  void *arg = (void *)0x5a5a1234;
  pthread_t t;
  CHECK(libc_create(&t, NULL, probe, arg) == 0);
  size_t off = 0;
  for (size_t o = 0; o < 2048 && !off; o += 8) {
    void **w = (void **)((char *)t + o);
    if (w[0] == (void *)probe && w[1] == arg)
      off = o;
  }
  atomic_store(&probe_go, 1);
  CHECK(pthread_join(t, NULL) == 0);
  CHECK(off != 0);
  return off;
}

/* The attacker: a default-domain thread rewriting routine and argument. */
static void **_Atomic target;
static atomic_int stop;
static void *attacker(void *unused) {
  (void)unused;
  void *puts_fn = dlsym(RTLD_DEFAULT, "puts"); /* libc's: no wrapper */
  while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
    void **t = atomic_load_explicit(&target, memory_order_relaxed);
    if (t) {
      ((void *volatile *)t)[1] = secret;
      ((void *volatile *)t)[0] = puts_fn;
    }
  }
  return NULL;
}

#define RUNS 10
#define TRIES 300
static size_t off;

/* One process: up to TRIES vault threads raced by the attacker. Exits 7 if
 * a thread ran something else than its routine and survived. */
static void race(void) {
  setvbuf(stdout, NULL, _IONBF, 0); /* a leak is seen even if we die */
  pthread_t a;
  CHECK(pthread_create(&a, NULL, attacker, NULL) == 0);
  pthread_t tid;
  void *result;
  /* Prime: the vault's next thread reuses this one's cached stack. */
  CHECK(vault_thread(&tid, &result) == 0 && result == MARK);
  int landed = 0;
  for (int k = 0; k < TRIES && !landed; k++) {
    atomic_store(&target, (void **)((char *)tid + off));
    CHECK(vault_thread(&tid, &result) == 0);
    landed = result != MARK;
  }
  atomic_store(&stop, 1);
  pthread_join(a, NULL);
  _exit(landed ? 7 : 0);
}

static int fault_fd;
static void on_segv(int sig, siginfo_t *si, void *uc) {
  (void)sig, (void)uc;
  int r[2] = {si->si_code, (int)si->si_pkey};
  _exit(write(fault_fd, r, sizeof r) == sizeof r ? 8 : 3);
}

int main(void) {
  off = routine_offset();
  int vault_key = bulkhead_compartment_pkey("vault");
  int leaked = 0, blocked = 0, diverted = 0, missed = 0;
  for (int run = 0; run < RUNS; run++) {
    int out[2], faults[2];
    CHECK(pipe(out) == 0 && pipe(faults) == 0);
    fflush(NULL);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
      dup2(out[1], 1);
      fault_fd = faults[1];
      struct sigaction sa;
      memset(&sa, 0, sizeof sa);
      sa.sa_sigaction = on_segv;
      sa.sa_flags = SA_SIGINFO;
      sigaction(SIGSEGV, &sa, NULL);
      race();
    }
    close(out[1]);
    close(faults[1]);
    char buf[4096] = {0};
    size_t n = 0;
    ssize_t k;
    while (n < sizeof buf - 1 && (k = read(out[0], buf + n, sizeof buf - 1 - n)) > 0)
      n += (size_t)k;
    int fault[2] = {0, 0};
    int got_fault = read(faults[0], fault, sizeof fault) == sizeof fault;
    close(out[0]);
    close(faults[0]);
    int status;
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status));
    if (strstr(buf, "5d1e")) /* the secret's tail */
      leaked++;
    else if (got_fault && WEXITSTATUS(status) == 8 && fault[0] == SEGV_PKUERR &&
             fault[1] == vault_key)
      blocked++; /* the rewritten call ran without the vault's rights */
    else if (WEXITSTATUS(status) == 7 || (got_fault && WEXITSTATUS(status) == 8))
      diverted++; /* it ran something else, e.g. puts(its own argument) */
    else if (WEXITSTATUS(status) == 0)
      missed++;
    else
      CHECK(!"unexpected outcome of a run");
  }
  printf("runs %d: secret printed %d, PKU fault %d, other routine %d, race lost %d\n",
         RUNS, leaked, blocked, diverted, missed);
  CHECK(leaked == 0);
  /* The attack must have landed at least once, or this test shows nothing. */
  CHECK(blocked + diverted > 0);
  printf("attacks-thread-start: ok\n");
  return 0;
}
