// Review 21, attacker model B (any system call the filter allows), a denial
// of service, not an isolation break: a file lease held by the program
// stops the supervisor's one loop, and with it every call the supervisor
// decides, for every process under the filter.
//
// The supervisor opens every open's file itself (runtime/supervisor-open.c
// bh_open_as_caller), in its single loop unless the file is a FIFO (those
// go to a thread of their own, as they wait for the other end). But an
// open of a regular file waits too where someone holds a lease on it: the
// kernel breaks the lease first (break_lease), and waits for the holder to
// give it up, or for /proc/sys/fs/lease-break-time (45 s by default), then
// starts over on the next open. The program takes a write lease on a file
// it owns (fcntl F_SETLEASE, F_WRLCK; the filter lets fcntl through) and
// opens the file: the supervisor's loop sits in openat, and another
// thread's open of /dev/null (or any call the supervisor decides: mmap of
// code, mprotect of protected memory, a compartment's open) waits with
// it. The lease holder is told when the supervisor's open began (SIGIO),
// and it decides when the loop goes on; holding a new lease before each
// open keeps it stopped.
//
// Seen in the guest: ATTACK SUCCEEDED (the other thread's open waited as
// long as the lease was held, and ended right after it was released).
//
// Suggested fix: open with O_NONBLOCK first in the loop (a held lease
// then fails with EWOULDBLOCK instead of waiting; O_NONBLOCK also keeps a
// FIFO from waiting) and, on EWOULDBLOCK, go on in a thread of its own as
// a FIFO does; or make every open that may wait a thread's, with the loop
// never blocked on the caller's files. Give the caller's O_NONBLOCK back
// afterwards (fcntl F_SETFL on the opened file).
//
// Fixed: the loop opens with O_NONBLOCK added (taken off again after a
// successful open); EWOULDBLOCK (a lease), ENXIO (a FIFO's write end
// without a reader) or a FIFO's read end sends the open to a thread of
// its own, with the PKRU learnt for it, as a FIFO's; so does a device
// other than the memory devices (/dev/null and the like). The other
// thread's open ends while the lease is held, and the leased open once it
// is given up (open-semantics.c: also by a path in compartment memory).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -pthread %s -o %t
// RUN: %run %t | FileCheck %s
// CHECK: lease taken
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: attacks-rev21-lease-blocks-loop: done
#define _GNU_SOURCE
#include <bulkhead.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

BULKHEAD_DATA(vault) static int vault_word = 1;
BULKHEAD_ENTRY(vault) int vault_get(void) { return vault_word; }

static char leased[200];
static volatile sig_atomic_t broken; /* SIGIO: someone opens the file */
static volatile int leased_done = -1, other_done = -1;
static volatile int leased_err, other_err;

static void on_sigio(int sig) {
  (void)sig;
  broken = 1;
}

static void *open_leased(void *unused) {
  (void)unused;
  int fd = open(leased, O_RDONLY);
  leased_err = fd < 0 ? errno : 0;
  if (fd >= 0)
    close(fd);
  leased_done = 1;
  return NULL;
}

static void *open_other(void *unused) {
  (void)unused;
  int fd = open("/dev/null", O_RDONLY);
  other_err = fd < 0 ? errno : 0;
  if (fd >= 0)
    close(fd);
  other_done = 1;
  return NULL;
}

/* Waits up to ms for *flag: 1 if it was set. */
static int wait_for(volatile int *flag, long ms) {
  for (long t = 0; t < ms && *flag < 0; t += 10)
    usleep(10000);
  return *flag >= 0;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  printf("vault: %d\n", vault_get());
  static char dir[] = "/tmp/bh-rev21-lease-XXXXXX";
  if (!mkdtemp(dir))
    return perror("mkdtemp"), 1;
  snprintf(leased, sizeof leased, "%s/leased", dir);

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sigio;
  sa.sa_flags = SA_RESTART;
  sigaction(SIGIO, &sa, NULL);

  int lfd = open(leased, O_CREAT | O_RDWR, 0600);
  if (lfd < 0)
    return perror("create"), 1;
  if (fcntl(lfd, F_SETOWN, getpid()) ||
      fcntl(lfd, F_SETLEASE, F_WRLCK))
    return printf("no lease: %s\n", strerror(errno)), 1;
  printf("lease taken\n");

  /* The lease is broken by the supervisor's open of the file. */
  pthread_t a, w;
  pthread_create(&a, NULL, open_leased, NULL);
  for (int t = 0; t < 1000 && !broken; t++)
    usleep(10000);
  printf("the supervisor's open began breaking the lease: %s\n",
         broken ? "yes" : "no");

  /* Meanwhile, an open of another file by another thread. */
  pthread_create(&w, NULL, open_other, NULL);
  int other_while_held = wait_for(&other_done, 8000);
  printf("another thread's open of /dev/null, lease held: %s\n",
         other_while_held ? "done" : "still waiting after 8 s");
  if (broken && !other_while_held)
    printf("ATTACK SUCCEEDED: the supervisor's loop waits in an open of the "
           "program's leased file; every call it decides waits with it\n");

  fcntl(lfd, F_SETLEASE, F_UNLCK);
  int after = wait_for(&other_done, 60000);
  wait_for(&leased_done, 60000);
  printf("lease released: the other open %s (%s), the leased open %s (%s)\n",
         after ? "ended" : "still waits", strerror(other_err),
         leased_done > 0 ? "ended" : "still waits", strerror(leased_err));
  if (after)
    pthread_join(w, NULL);
  if (leased_done > 0)
    pthread_join(a, NULL);
  close(lfd);
  unlink(leased);
  rmdir(dir);
  printf("attacks-rev21-lease-blocks-loop: done\n");
  return 0;
}
