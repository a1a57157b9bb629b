// Review 31, attacker model B (the default domain's program counter, any
// system call the filter allows): availability. The filter refuses
// kill, tkill, tgkill, rt_*sigqueueinfo and pidfd_open naming the
// supervisor's pid (or its group, or every process), but a signal sent
// to any thread id of a process reaches it: SIGKILL and SIGSTOP act on
// the whole thread group. The supervisor makes threads of its own: an
// open that would wait (a FIFO without its other end) goes on in one
// (supervisor-open.c in_a_thread), and so does the learning of a PKRU.
// Their ids are in /proc/<supervisor>/task, a directory the program opens
// without the supervisor (O_DIRECTORY). tkill(that id, SIGKILL) kills
// the supervisor; from then on every call the filter hands it fails with
// ENOSYS (every open, mmap of code, ...): the program cannot go on
// (fail-closed: no call the supervisor would refuse was seen to pass).
// SIGSTOP instead stops every such call for good.
//
// Here a thread opens a FIFO for writing (no reader): the supervisor hands
// the open to a thread of its own. main finds the supervisor as the
// process after its own pid whose task directory lists two threads,
// sends SIGKILL to the thread that is not the leader, and opens
// /dev/null: ENOSYS, ATTACK SUCCEEDED. The control sends nothing.
//
// Seen in the guest (root): ATTACK SUCCEEDED.
//
// Suggested fix: the filter refuses kill, tkill, tgkill (both ids) and
// rt_*sigqueueinfo of a signal that stops or kills unless the supervisor
// judges the target (its thread ids are its own to know), or the
// supervisor makes no threads (a second supervisor process, in a process
// group of its own, for opens that wait and for learning).
// XFAIL: *
// REQUIRES: pku
// RUN: rm -rf %t && mkdir %t
// RUN: %bulkhead_clang -fpkey-compartments -O1 %s -o %t/prog
// RUN: %run %t/prog control > %t/control.out 2>&1 || true
// RUN: FileCheck %s --check-prefix=CONTROL < %t/control.out
// RUN: %run %t/prog attack > %t/out 2>&1 || true
// RUN: FileCheck %s < %t/out
// CONTROL: vault says 20
// CONTROL-NOT: ATTACK SUCCEEDED
// CONTROL: open after: ok
// CHECK: vault says 20
// CHECK-NOT: ATTACK SUCCEEDED
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bulkhead.h>

BULKHEAD_DATA(vault) static char secret[32] = "TOP-SECRET-VAULT-KEY";
BULKHEAD_ENTRY(vault) int vault_len(void) { return (int)strlen(secret); }

static const char *fifo = "/tmp/rev31-sup-fifo";

static void *writer(void *arg) {
  (void)arg;
  open(fifo, O_WRONLY); /* waits for a reader, in a supervisor thread */
  return NULL;
}

/* The thread ids of process p other than p itself, through its task
 * directory (O_DIRECTORY: no supervisor): how many, the first in *tid. */
static int other_threads(pid_t p, pid_t *tid) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/task", (int)p);
  DIR *d = opendir(path);
  int n = 0;
  for (struct dirent *e; d && (e = readdir(d));) {
    pid_t t = (pid_t)atoi(e->d_name);
    if (t == getpid())
      n = -1000; /* one of our own threads */
    if (t > 0 && t != p)
      *tid = t, n++;
  }
  if (d)
    closedir(d);
  return n;
}

int main(int argc, char **argv) {
  printf("vault says %d\n", vault_len());
  fflush(stdout);
  if (argc < 2)
    return 2;
  unlink(fifo);
  if (mkfifo(fifo, 0600))
    return 2;
  pthread_t t;
  pthread_create(&t, NULL, writer, NULL);
  usleep(300000);
  if (!strcmp(argv[1], "attack")) {
    pid_t sup = 0, tid = 0;
    for (pid_t p = getpid() + 1; p < getpid() + 64 && !sup; p++)
      if (other_threads(p, &tid) > 0)
        sup = p;
    printf("supervisor %d, its thread %d\n", (int)sup, (int)tid);
    if (tid)
      printf("tkill: %ld\n", syscall(SYS_tkill, tid, SIGKILL));
    usleep(300000);
  }
  int fd = open("/dev/null", O_RDONLY);
  int err = errno;
  printf("open after: %s\n", fd >= 0 ? "ok" : strerror(err));
  fflush(stdout);
  if (fd < 0 && err == ENOSYS)
    printf("ATTACK SUCCEEDED: the supervisor killed through one of its "
           "threads; every call it decides fails\n");
  fflush(stdout);
  _exit(0); /* the writer thread still waits */
}
