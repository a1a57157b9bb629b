// Review 45, attacker model B (the default domain's program counter, any
// system call the filter allows): availability. The supervisor now waits
// at most a second for POLLOUT on the caller's descriptor 2 before it
// writes a denial's line (supervisor.c bh_supervisor_say, 605a98d). But
// POLLOUT on a pipe only says a slot is free; write() then takes the
// pipe's mutex, uninterruptibly, and the program can hold that mutex for
// as long as it likes: splice() from the pipe into a socket keeps the
// pipe locked while the socket's send waits for room (fs/splice.c), and a
// socket whose peer never reads has none. The pipe is not full (it holds
// a few bytes), so poll says yes; the write waits for the mutex for good,
// and so does every call the supervisor decides, of every process under
// the filter, while the refused process lives on.
//
// Here main fills a socket pair's one side, and a thread splices from a
// packet-mode pipe (O_DIRECT: a page each) into that side, one packet at
// a time, as main writes them, until a splice blocks (holding the pipe's
// mutex, with its packet still in the pipe; Linux 6.1's unix sockets take
// some pages without room, as fragments of the last buffer). A fork
// child makes the pipe its descriptor 2 and maps memory writable and
// executable (refused: one line, then death). main then opens /dev/null
// in a thread: if the open has not come back, nor the child been
// killed, after 20 seconds (the control takes a fraction of one), ATTACK
// SUCCEEDED. main then drains the socket, which
// lets the splice, and the supervisor, go on. The control's socket is
// empty, so its splices come back at once.
//
// Seen in the guest (root, Linux 6.1): ATTACK SUCCEEDED, 3 runs of 3.
//
// Suggested fix: no blocking write to a file of the program's from the
// thread that answers notifications: write the line from a thread (or a
// fork) of the supervisor's own that it never waits for, after the
// caller's process is killed; or kill first and give up the line.
//
// Fixed, near the first way: a child of the supervisor's writes the line,
// and the supervisor waits a second at most for it, then kills it and
// goes on (runtime/supervisor.c bh_supervisor_say).
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
// CONTROL-NOT: ATTACK SUCCEEDED
// CHECK: vault says 20
// CHECK: splice blocked: 1
// CHECK: child: killed by signal 9
// CHECK: open after: ok
// CHECK-NOT: ATTACK SUCCEEDED
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bulkhead.h>

#include "Inputs/refused-child.h"

BULKHEAD_DATA(vault) static char secret[32] = "TOP-SECRET-VAULT-KEY";
BULKHEAD_ENTRY(vault) int vault_len(void) { return (int)strlen(secret); }

#define PACKETS 64

static atomic_int spliced, in_splice;
static int p[2], s[2];

static void *splicer(void *arg) {
  (void)arg;
  for (;;) { /* one packet at a time, each its own page */
    atomic_store(&in_splice, 1);
    ssize_t k = splice(p[0], NULL, s[0], NULL, 16, 0);
    atomic_store(&in_splice, 0);
    if (k <= 0) {
      printf("splice: %s\n", k ? strerror(errno) : "end");
      break;
    }
    atomic_fetch_add(&spliced, 1);
  }
  return NULL;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  printf("vault says %d\n", vault_len());
  if (argc < 2)
    return 2;
  int attack = !strcmp(argv[1], "attack");
  if (pipe2(p, O_DIRECT) || socketpair(AF_UNIX, SOCK_STREAM, 0, s))
    return 2;
  long filled = 0;
  if (attack) { /* the peer never reads: no room to send */
    char buf[4096] = {0};
    fcntl(s[0], F_SETFL, O_NONBLOCK);
    for (ssize_t k; (k = write(s[0], buf, sizeof buf)) > 0;)
      filled += k;
    for (; write(s[0], buf, 1) == 1;)
      filled++;
    fcntl(s[0], F_SETFL, 0);
  }
  printf("socket filled: %d\n", filled > 0);
  pthread_t sp;
  pthread_create(&sp, NULL, splicer, NULL);
  int blocked = 0, sent = 0;
  for (; sent < PACKETS && !blocked; sent++) { /* until one does not pass */
    if (write(p[1], "packet-packet-pk", 16) != 16)
      return 2;
    int i = 0;
    while (atomic_load(&spliced) <= sent && i++ < 10)
      usleep(50000);
    blocked = atomic_load(&spliced) <= sent && atomic_load(&in_splice);
  }
  printf("splice blocked: %d (after %d)\n", blocked, atomic_load(&spliced));
  pid_t c = refused_child(p[1], -1);
  pthread_t t;
  int st = 0, dead = 0;
  int stalled = supervisor_stalled(c, &t, &st, &dead);
  /* Let the splice, then the supervisor, go on: drain the socket. */
  fcntl(s[1], F_SETFL, O_NONBLOCK);
  char buf[65536];
  for (int i = 0; i < 50 && !(dead && atomic_load(&opened)); i++) {
    while (read(s[1], buf, sizeof buf) > 0) {
    }
    if (!dead && waitpid(c, &st, WNOHANG) == c)
      dead = 1;
    usleep(100000);
  }
  if (!dead && waitpid(c, &st, 0) == c)
    dead = 1;
  pthread_join(t, NULL);
  refused_child_report(st);
  if (stalled)
    printf("ATTACK SUCCEEDED: poll said the pipe had room, but a splice "
           "held its mutex; the supervisor waited in the denial's write, "
           "every call it decides with it, and the refused process lived "
           "on\n");
  return 0;
}
