// Review 44, attacker model B (the default domain's program counter, any
// system call the filter allows): availability. The supervisor writes a
// denial's line into the caller's own standard error (supervisor.c
// bh_supervisor_say: pidfd_getfd of descriptor 2, then write), and only
// then kills the caller's process. It ignores SIGPIPE, so a pipe without
// a reader does not end it; but the write blocks while the pipe is full,
// and the program chooses what its descriptor 2 is. A fork child whose
// descriptor 2 is a pipe its parent filled (and never reads) makes a
// call the supervisor refuses: the supervisor waits in write() for good.
// It answers one notification at a time, so every call it decides, of
// every process under the filter, waits with it; and the child it should
// have killed lives on (its other threads run whatever the filter lets
// through without the supervisor). A full FIFO, a socket, or a terminal
// whose output is stopped (tcflow TCOOFF) would do the same.
//
// Here main fills a pipe, a fork child makes it its descriptor 2 and maps
// anonymous memory writable and executable (refused: one line, the
// process killed). main then opens /dev/null in a thread: if the open has
// not come back, nor the child been killed, after 20 seconds (the control
// takes a fraction of one), ATTACK SUCCEEDED. main then reads the pipe
// empty, which lets the supervisor go on. The control's pipe is empty.
//
// Seen in the guest (root): ATTACK SUCCEEDED, 3 runs of 3.
//
// Suggested fix: never block on the caller's file: kill the caller's
// process first, then write the line without waiting (a write bounded in
// time, e.g. from a thread of the supervisor's own that is given up on,
// or a poll for POLLOUT with the line cut to what fits; O_NONBLOCK cannot
// be set on the shared open file without the program seeing it).
//
// Fixed: the supervisor waits at most a second for room (poll POLLOUT; a
// line is shorter than PIPE_BUF, so it fits a pipe that is not full) and
// otherwise writes no line: the child is killed, lineless, and the open
// comes back.
// REQUIRES: pku
// RUN: rm -rf %t && mkdir %t
// RUN: %bulkhead_clang -fpkey-compartments -O1 -pthread %s -o %t/prog
// RUN: %run %t/prog control > %t/control.out 2>&1 || true
// RUN: FileCheck %s --check-prefix=CONTROL < %t/control.out
// RUN: %run %t/prog attack > %t/out 2>&1 || true
// RUN: FileCheck %s < %t/out
// CONTROL: vault says 20
// CONTROL: child: killed by signal 9
// CONTROL: open after: ok
// CONTROL: line: bulkhead: denied: mmap(
// CONTROL-NOT: ATTACK SUCCEEDED
// CHECK: vault says 20
// CHECK: child: killed by signal 9
// CHECK: open after: ok
// CHECK-NOT: ATTACK SUCCEEDED
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bulkhead.h>

#include "Inputs/refused-child.h"

BULKHEAD_DATA(vault) static char secret[32] = "TOP-SECRET-VAULT-KEY";
BULKHEAD_ENTRY(vault) int vault_len(void) { return (int)strlen(secret); }

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  printf("vault says %d\n", vault_len());
  if (argc < 2)
    return 2;
  int attack = !strcmp(argv[1], "attack");
  int p[2];
  if (pipe(p))
    return 2;
  long filled = attack ? fill_pipe(p[1]) : 0;
  printf("pipe filled: %ld bytes\n", filled);
  pid_t c = refused_child(p[1], p[0]);
  close(p[1]);
  pthread_t t;
  int st = 0, dead = 0;
  int stalled = supervisor_stalled(c, &t, &st, &dead);
  /* Let the supervisor go on: read the pipe empty (the line too). */
  char line[512] = "";
  drain_pipe(p[0], filled);
  if (!dead && waitpid(c, &st, 0) == c)
    dead = 1;
  pthread_join(t, NULL);
  ssize_t k = read(p[0], line, sizeof line - 1);
  line[k > 0 ? k : 0] = 0;
  refused_child_report(st);
  printf("line: %s", line);
  if (stalled)
    printf("ATTACK SUCCEEDED: the supervisor waited in the denial's write "
           "to a full pipe; every call it decides waited with it, and the "
           "refused process lived on\n");
  return 0;
}
