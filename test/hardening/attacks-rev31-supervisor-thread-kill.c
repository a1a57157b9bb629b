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
// Fixed: the filter sends kill, tkill and rt_sigqueueinfo of a signal (not
// 0) to any other positive id to the supervisor, which refuses its own
// thread ids (one line, the caller's process killed), answers ESRCH for an
// id no task has, and lets the rest go on (runtime/supervisor-signal.c
// bh_supervise_kill). Now each attack below is refused: tkill, kill (to
// a thread that is not the leader: the whole process) and sigqueue
// (rt_sigqueueinfo) of SIGKILL to the supervisor's thread. The control
// also checks that ordinary signals still work under the filter: kill of
// a child with SIGKILL, kill(getpid(), 0), tkill of one of our own
// threads, and ESRCH for a reaped child's pid.
// REQUIRES: pku
// RUN: rm -rf %t && mkdir %t
// RUN: %bulkhead_clang -fpkey-compartments -O1 %s -o %t/prog
// RUN: %run %t/prog control > %t/control.out 2>&1 || true
// RUN: FileCheck %s --check-prefix=CONTROL < %t/control.out
// RUN: %run %t/prog attack > %t/out 2>&1 || true
// RUN: FileCheck %s --check-prefixes=CHECK,TKILL < %t/out
// RUN: %run %t/prog attack-kill > %t/kill.out 2>&1 || true
// RUN: FileCheck %s --check-prefixes=CHECK,KILL < %t/kill.out
// RUN: %run %t/prog attack-queue > %t/queue.out 2>&1 || true
// RUN: FileCheck %s --check-prefixes=CHECK,QUEUE < %t/queue.out
// CONTROL: vault says 20
// CONTROL-NOT: ATTACK SUCCEEDED
// CONTROL: kill of a child: killed by signal 9
// CONTROL: kill(getpid(), 0): 0
// CONTROL: tkill of our thread: delivered
// CONTROL: kill of a reaped child: No such process
// CONTROL: open after: ok
// CHECK: vault says 20
// CHECK-NOT: ATTACK SUCCEEDED
// TKILL: bulkhead: denied: tkill(0x{{[0-9a-f]+}}, 0x9, {{.*}} the program may not signal it
// KILL: bulkhead: denied: kill(0x{{[0-9a-f]+}}, 0x9, {{.*}} the program may not signal it
// QUEUE: bulkhead: denied: rt_sigqueueinfo(0x{{[0-9a-f]+}}, 0x9, {{.*}} the program may not signal it
// CHECK-NOT: ATTACK SUCCEEDED
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bulkhead.h>

#include "Inputs/find-supervisor.h"

BULKHEAD_DATA(vault) static char secret[32] = "TOP-SECRET-VAULT-KEY";
BULKHEAD_ENTRY(vault) int vault_len(void) { return (int)strlen(secret); }

static volatile sig_atomic_t got_usr1;
static void on_usr1(int sig) { (void)sig, got_usr1 = 1; }

/* Ordinary signals, which go through the supervisor now: they must
 * still work. */
static void ordinary_signals(void) {
  pid_t c = fork();
  if (c == 0) {
    pause();
    _exit(0);
  }
  int st = 0;
  long r = kill(c, SIGKILL);
  int err = errno;
  if (r || waitpid(c, &st, 0) != c)
    printf("kill of a child: %s\n", strerror(err));
  else if (WIFSIGNALED(st))
    printf("kill of a child: killed by signal %d\n", WTERMSIG(st));
  else
    printf("kill of a child: status %#x\n", st);
  printf("kill(getpid(), 0): %d\n", kill(getpid(), 0));
  signal(SIGUSR1, on_usr1);
  r = syscall(SYS_tkill, (pid_t)syscall(SYS_gettid), SIGUSR1);
  printf("tkill of our thread: %s\n",
         r ? strerror(errno) : got_usr1 ? "delivered" : "not delivered");
  c = fork();
  if (c == 0)
    _exit(0);
  waitpid(c, &st, 0);
  r = kill(c, SIGTERM);
  printf("kill of a reaped child: %s\n", r ? strerror(errno) : "sent");
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  printf("vault says %d\n", vault_len());
  if (argc < 2)
    return 2;
  if (!strcmp(argv[1], "control"))
    ordinary_signals();
  if (!strncmp(argv[1], "attack", 6)) {
    pid_t sup = find_supervisor();
    pid_t tid = sup > 0 ? supervisor_thread(sup, "/tmp/rev31-sup-fifo") : 0;
    printf("supervisor %d, its thread %d\n", (int)sup, (int)tid);
    if (tid && !strcmp(argv[1], "attack"))
      printf("tkill: %ld\n", syscall(SYS_tkill, tid, SIGKILL));
    else if (tid && !strcmp(argv[1], "attack-kill"))
      printf("kill: %d\n", kill(tid, SIGKILL));
    else if (tid)
      printf("sigqueue: %d\n", sigqueue(tid, SIGKILL, (union sigval){0}));
  }
  supervisor_answers("the supervisor killed through one of its threads");
  _exit(0); /* the writer thread still waits */
}
