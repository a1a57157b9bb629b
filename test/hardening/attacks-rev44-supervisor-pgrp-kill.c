// Review 44, attacker model B (the default domain's program counter, any
// system call the filter allows): availability. The supervisor puts
// itself in a process group of its own (supervisor.c supervise:
// setpgid(0, 0)), so kill(-pgid) of the program's group misses it, and
// the filter refuses kill(-supervisor) and kill(-1). But it stays in the
// program's session, and setpgid lets any process that is not a session
// leader join a group of its own session: setpgid(0, supervisor) is not
// in the filter's list. After it, kill(0, sig), which the filter lets
// through (id 0: the caller's own group), signals the supervisor's group,
// the supervisor among it. SIGKILL ends it; every call it decides then
// fails with ENOSYS (fail-closed); SIGSTOP would stall every such call.
//
// Here main finds the supervisor (Inputs/find-supervisor.h); a fork child
// (never a session leader) joins its group and sends kill(0, SIGKILL);
// main then opens /dev/null: ENOSYS, ATTACK SUCCEEDED. The control's child
// stays in our group and sends kill(0, 0).
//
// Seen in the guest (root): ATTACK SUCCEEDED, 3 runs of 3.
//
// Suggested fix: the supervisor makes a session of its own (setsid()
// instead of setpgid(0, 0); it is no group leader after the two forks),
// so no process of the program can join its group (setpgid needs the same
// session) and no terminal of the program's session signals it. Its opens
// for callers then need O_NOCTTY (a session leader without a terminal
// would take the first terminal it opens as its own). Or: the filter
// refuses setpgid naming the supervisor's pid as the group (arg 1).
//
// Fixed the second way first: the filter refused setpgid into the
// supervisor's group with the one-line denial. Then the first (issue 12,
// attacks-supervisor-tty-foreground.c): the supervisor is in a session of
// its own (made by the middle fork; the supervisor is no session leader,
// so it takes no terminal it opens), the kernel refuses setpgid into a
// group of another session (EPERM), and the filter's rule is gone. The
// child sends kill(0, SIGKILL) only from the supervisor's group: from
// its own it would end this program.
// REQUIRES: pku
// RUN: rm -rf %t && mkdir %t
// RUN: %bulkhead_clang -fpkey-compartments -O1 %s -o %t/prog
// RUN: %run %t/prog control > %t/control.out 2>&1 || true
// RUN: FileCheck %s --check-prefix=CONTROL < %t/control.out
// RUN: %run %t/prog attack > %t/out 2>&1 || true
// RUN: FileCheck %s < %t/out
// CONTROL: vault says 20
// CONTROL: supervisor found: 1
// CONTROL-NOT: ATTACK SUCCEEDED
// CONTROL: open after: ok
// CHECK: vault says 20
// CHECK: supervisor found: 1
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: child: setpgid(0, supervisor): Operation not permitted
// CHECK: child: exit 0
// CHECK: open after: ok
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bulkhead.h>

#include "Inputs/find-supervisor.h"

BULKHEAD_DATA(vault) static char secret[32] = "TOP-SECRET-VAULT-KEY";
BULKHEAD_ENTRY(vault) int vault_len(void) { return (int)strlen(secret); }

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  printf("vault says %d\n", vault_len());
  if (argc < 2)
    return 2;
  int attack = !strcmp(argv[1], "attack");
  pid_t sup = find_supervisor();
  printf("supervisor found: %d\n", sup > 0);
  if (sup <= 0)
    return 2;
  pid_t c = fork();
  if (c == 0) {
    if (attack) {
      int r = setpgid(0, sup);
      printf("child: setpgid(0, supervisor): %s\n", r ? strerror(errno) : "0");
      if (getpgrp() != sup)
        _exit(0);
    }
    int r = kill(0, attack ? SIGKILL : 0);
    printf("child: kill(0, %d): %s\n", attack ? SIGKILL : 0,
           r ? strerror(errno) : "0");
    _exit(0);
  }
  int st = 0;
  waitpid(c, &st, 0);
  printf("child: %s %d\n", WIFSIGNALED(st) ? "killed by signal" : "exit",
         WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
  supervisor_answers("kill(0) from the supervisor's process group killed it");
  return 0;
}
