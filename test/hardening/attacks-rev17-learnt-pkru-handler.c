// Review 17, attacker model A (key-0 loads and stores only): the supervisor
// learns the PKRU of a compartment's signal handler and uses it for the
// default domain's open of a path in the compartment's memory.
//
// An open whose path lies in compartment memory makes the supervisor stop
// the caller to learn its PKRU (runtime/supervisor-open.c: read_path asks,
// bh_task_pkru stops the thread with PTRACE_INTERRUPT and reads PKRU from
// its XSAVE state) and keeps it for the next call of that thread with the
// same number and arguments. The PKRU read is the thread's at the stop,
// not at the call: a signal that arrives between the call and the stop
// ends the wait for the supervisor's answer (the call is made again
// later) and runs its handler, and if that handler is a compartment's, the
// stop finds the thread inside it, with the compartment's rights. The
// default domain's call, made again after the handler, then gets the
// compartment's PKRU: the supervisor reads the compartment's bytes as its
// path and creates (O_CREAT) the file they name for the default domain,
// which learns them (/proc/self/fd, or the directory's listing).
//
// Here the vault has a signal handler of its own (a timer's, say) and the
// program signals the thread now and then; the default domain opens a
// path through a key-0 pointer, which the attacker's one store aims at
// the vault's data: any address, read up to its first zero byte. The
// kernel answers EFAULT, and so does the supervisor, unless the signal
// comes in that window: then the open succeeds.
//
// Fixed: the supervisor learns the PKRU only from a stop whose registers
// show the thread inside this very call on its way to make it again
// (orig_rax, a restart code in rax, the notification's instruction
// pointer and six arguments); a stop inside a handler teaches nothing and
// the call, made again, is asked again. With attacks-rev17-learnt-pkru-
// signal.c (a PKRU rightly learnt but taken by a handler's call) the two
// showed that "same thread, same arguments" does not name one call.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -pthread %s -o %t
// RUN: %run %t | FileCheck %s
// CHECK: direct open of the vault's data from the default domain: Bad address
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: opens while signalled: enough
// CHECK: attacks-rev17-learnt-pkru-handler: done
#define _GNU_SOURCE
#include <bulkhead.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define NAME "vault-secret-0123456789abcdef"

/* The vault's secret: any bytes (up to a zero byte, and no '/'). */
BULKHEAD_DATA(vault) static char vault_secret[64] = NAME;

/* The vault's own signal handler: some work with its rights. */
static volatile long spins = 200000;
static volatile long handled;
BULKHEAD_ENTRY(vault) void vault_on_signal(int sig) {
  (void)sig;
  handled++;
  for (volatile long i = 0; i < spins; i++) {
  }
}

/* Where the address comes from does not matter: the binary, /proc/self/maps. */
static char *vault_secret_address(void) { return vault_secret; }

static unsigned rdpkru(void) {
  unsigned eax, edx;
  __asm__ volatile("rdpkru" : "=a"(eax), "=d"(edx) : "c"(0));
  return eax;
}

/* The program's own signals to the thread (a timer, a watchdog). Each
 * waits for the handler to have run, so that the thread, however slow the
 * machine, spends time outside it and its opens go on; the signals end
 * after 45 s, so that an open the supervisor cannot answer while they
 * come ends too. */
static volatile pid_t target;
static volatile int stop;
static volatile long opens_while_signalled;
static volatile long opens;
static void *signaller(void *unused) {
  (void)unused;
  srand(17);
  time_t start = time(NULL);
  while (!stop && time(NULL) - start < 45) {
    long seen = handled;
    syscall(SYS_tgkill, getpid(), target, SIGUSR1);
    while (handled == seen && !stop)
      usleep(50);
    usleep(100 + rand() % 8000);
    opens_while_signalled = opens;
  }
  return NULL;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  static char dir[] = "/tmp/bh-rev17h-XXXXXX";
  if (!mkdtemp(dir))
    return perror("mkdtemp"), 1;
  if (chdir(dir))
    return perror("chdir"), 1;

  /* The attacker's store: a key-0 path pointer the program opens now
   * aims at the vault's data. */
  const char *volatile aimed = vault_secret_address();
  unsigned pkru = rdpkru();
  int fd = open((const char *)aimed, O_RDONLY | O_CREAT, 0600);
  printf("direct open of the vault's data from the default domain: %s\n",
         fd < 0 ? strerror(errno) : "opened");
  if (fd >= 0)
    printf("ATTACK SUCCEEDED: opened at once\n");

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = vault_on_signal;
  sa.sa_flags = SA_RESTART;
  sigaction(SIGUSR1, &sa, NULL);
  target = (pid_t)syscall(SYS_gettid);
  pthread_t t;
  pthread_create(&t, NULL, signaller, NULL);
  long efaults = 0, start = time(NULL);
  fd = -1;
  while (opens < 20000 && time(NULL) - start < 60) {
    fd = open((const char *)aimed, O_RDONLY | O_CREAT, 0600);
    opens++;
    if (fd >= 0)
      break;
    if (errno == EFAULT)
      efaults++;
  }
  stop = 1;
  pthread_join(t, NULL);

  if (fd >= 0) {
    char link[64], name[256];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t k = readlink(link, name, sizeof name - 1);
    name[k > 0 ? k : 0] = 0;
    printf("ATTACK SUCCEEDED: the default domain's open of the vault's data "
           "created a file named after them (after %ld opens): %s\n",
           opens, name);
    /* Not an open made with the vault's rights: the default domain's. */
    printf("the opening code ran with the default domain's PKRU: %s\n",
           rdpkru() == pkru ? "yes" : "no");
  } else {
    printf("held: %ld opens, %ld EFAULT\n", opens, efaults);
  }
  /* The attack needs opens while signals come; a machine too slow for
   * them tests nothing and says so. */
  printf("opens while signalled: %s\n",
         opens_while_signalled >= 100 ? "enough" : "too few");
  unlink(NAME);
  if (chdir("/") || rmdir(dir))
    perror("rmdir");
  printf("attacks-rev17-learnt-pkru-handler: done\n");
  return 0;
}
