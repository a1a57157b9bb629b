// Review 44, attacker model B as root (the default domain's program
// counter, any system call the filter allows): availability. Where the
// supervisor runs as root it sends a pidfd_send_signal from a fork of its
// own that takes the caller's ids (supervisor-signal.c send_as), and
// waits for that fork's end. The fork's pid is the next one (ids are
// handed out in turn), and tgkill(pid, pid, sig) of a pid that is not the
// supervisor's goes through the filter unjudged (only kill, tkill and
// rt_sigqueueinfo of another id go to the supervisor, review 31; a kill
// would wait for the supervisor, busy with this very call). SIGSTOP to
// the fork stops it; the supervisor waits for it for good, and so does
// every call it decides, of every process under the filter. The code
// says so (02c04a7: "not tried"); here it is tried.
//
// Here a thread sends signal 0 through a pidfd of a child of ours, again
// and again; another sends tgkill(SIGSTOP) to the next pids in turn. Once
// a tgkill hit a task and the sender's call has not come back for 10
// seconds (the control's calls take a fraction of one each), ATTACK
// SUCCEEDED; main then ends the stopped fork (tgkill SIGKILL), which lets
// the supervisor go on. The control sends signal 0 instead of SIGSTOP.
//
// Seen in the guest (root): ATTACK SUCCEEDED, 3 runs of 3.
//
// Suggested fix: waitpid with WUNTRACED in send_as, and a fork that stops
// is killed and its call answered EPERM; or the filter sends tgkill and
// rt_tgsigqueueinfo to the supervisor too (refusing its own ids and its
// forks' ids); or no fork: the supervisor checks the kernel's rule
// itself (kernel/signal.c kill_ok_by_cred: the caller's real or effective
// uid against the target's real or saved uid, or CAP_KILL in its user
// namespace) and sends the signal as root.
//
// Fixed (the first way): the fork's wait (as_caller) sees it stop, kills
// it and answers EPERM, so the sender's call comes back.
// REQUIRES: pku
// RUN: rm -rf %t && mkdir %t
// RUN: %bulkhead_clang -fpkey-compartments -O1 -pthread %s -o %t/prog
// RUN: %run %t/prog control > %t/control.out 2>&1 || true
// RUN: FileCheck %s --check-prefix=CONTROL < %t/control.out
// RUN: %run %t/prog attack > %t/out 2>&1 || true
// RUN: FileCheck %s < %t/out
// CONTROL: vault says 20
// CONTROL: root: 1
// CONTROL: every send came back: 1
// CONTROL-NOT: ATTACK SUCCEEDED
// CHECK: vault says 20
// CHECK: root: 1
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: sender done
// CHECK-NOT: ATTACK SUCCEEDED
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bulkhead.h>

BULKHEAD_DATA(vault) static char secret[32] = "TOP-SECRET-VAULT-KEY";
BULKHEAD_ENTRY(vault) int vault_len(void) { return (int)strlen(secret); }

#define ATTEMPTS 200

static atomic_int next_pid, hit, done, sends, stop_sig;
static int pidfd;

static void *stopper(void *arg) {
  (void)arg;
  while (!atomic_load(&done) && !atomic_load(&hit)) {
    int p = atomic_load(&next_pid);
    for (int q = p; p && q < p + 3; q++)
      if (!syscall(SYS_tgkill, q, q, atomic_load(&stop_sig)) && stop_sig)
        atomic_store(&hit, q);
  }
  return NULL;
}

static void *sender(void *arg) {
  int base = *(int *)arg;
  for (int i = 1; i <= ATTEMPTS; i++) {
    atomic_store(&next_pid, base + i); /* the supervisor's fork, this time */
    long r = syscall(SYS_pidfd_send_signal, pidfd, 0, NULL, 0);
    if (r && errno != EPERM)
      printf("send: %s\n", strerror(errno));
    atomic_fetch_add(&sends, 1);
  }
  atomic_store(&done, 1);
  return NULL;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  printf("vault says %d\n", vault_len());
  if (argc < 2)
    return 2;
  printf("root: %d\n", geteuid() == 0);
  atomic_store(&stop_sig, !strcmp(argv[1], "attack") ? SIGSTOP : 0);
  pthread_t s, t;
  pthread_create(&s, NULL, stopper, NULL); /* its id first */
  int target = fork();
  if (target == 0) {
    pause();
    _exit(0);
  }
  pidfd = (int)syscall(SYS_pidfd_open, target, 0);
  if (pidfd < 0)
    return 2;
  pthread_create(&t, NULL, sender, &target);
  int stalled = 0, last = -1, still = 0;
  while (!atomic_load(&done) && !stalled) {
    usleep(100000);
    int now = atomic_load(&sends);
    still = now == last ? still + 1 : 0;
    last = now;
    stalled = atomic_load(&hit) && still >= 100; /* 10 s without progress */
  }
  printf("every send came back: %d\n", atomic_load(&done));
  if (stalled) {
    int p = atomic_load(&hit);
    printf("ATTACK SUCCEEDED: the supervisor's fork (pid %d) stopped by "
           "tgkill; the supervisor waits for it, every call it decides "
           "with it\n",
           p);
    syscall(SYS_tgkill, p, p, SIGKILL); /* let it go on */
  }
  atomic_store(&done, 1);
  pthread_join(t, NULL);
  pthread_join(s, NULL);
  printf("sender done\n");
  syscall(SYS_tgkill, target, target, SIGKILL);
  waitpid(target, NULL, 0);
  return 0;
}
