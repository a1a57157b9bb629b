// Found while fixing review 31's signal to a supervisor thread; attacker
// model B (the default domain's program counter, any system call the
// filter allows): availability. The filter refuses the signal calls that
// name the supervisor (kill, tkill, ..., and judges kill of other ids),
// but the kernel also signals a file's owner: fcntl(F_SETOWN) (also
// F_SETOWN_EX, ioctl FIOSETOWN and SIOCSPGRP) names any process (or
// group) as the owner of a descriptor, and with O_ASYNC every I/O event
// on it sends that owner SIGIO (or the signal F_SETSIG chose: not tried).
// The kernel checks that the task setting the owner may signal it
// (fs/fcntl.c sigio_perm: root, or the same user), and the supervisor
// runs as the program's user. SIGIO's default action ends the process,
// and the supervisor does not ignore it; every call it decides then fails
// with ENOSYS (fail-closed).
//
// Here main finds the supervisor (Inputs/find-supervisor.h), makes it the
// owner of a pipe's reading end with O_ASYNC, and writes one byte: the
// supervisor dies, the open of /dev/null after fails with ENOSYS, ATTACK
// SUCCEEDED. The control makes itself the owner (SIGIO ignored).
//
// Seen in the guest (root): ATTACK SUCCEEDED, 3 runs of 3; so were the
// variants below before the fix.
//
// Suggested fix (kept for the record): the filter sends fcntl F_SETOWN and F_SETOWN_EX (and
// ioctl FIOSETOWN, SIOCSPGRP) to the supervisor, which refuses an owner
// that is the supervisor, one of its threads or its group. The kernel
// keeps the owner's struct pid (a later task with the same number has
// another), so a thread the supervisor makes later should never become
// the owner: only the look at the call would count (as read, not tried).
// FIOSETOWN's and SIOCSPGRP's id is in memory: refuse those outright, or
// judge a copy and make the call in the supervisor. Ignoring SIGIO in the
// supervisor is not enough alone: F_SETSIG picks another signal.
//
// Fixed: the filter refuses fcntl(F_SETOWN) of the supervisor's pid or
// group (-pid) and sends every other positive id to the supervisor, which
// refuses its thread ids (one line, the caller's process killed), answers
// ESRCH for an id no task has and lets the rest go on, as for kill
// (runtime/supervisor-signal.c bh_supervise_owner). F_SETOWN_EX and a
// socket's ioctl FIOSETOWN/SIOCSPGRP read the id from memory, so the
// supervisor judges the id it read once and makes the call itself on its
// copy of the descriptor, with the caller's ids. Each attack below is
// refused: F_SETOWN of the supervisor's pid (attack), of its group
// (attack-group), of one of its threads (attack-thread: a thread of its
// own waits in an open of a FIFO for us), F_SETOWN_EX of that thread
// (attack-ex) and FIOSETOWN of the supervisor on a socket (attack-ioctl).
// The control checks that owners still work: F_SETOWN, F_SETOWN_EX and
// FIOSETOWN naming ourselves, each delivering SIGIO to us, ESRCH for an
// id no task has, and that the owner calls the supervisor makes record
// the caller's ids (a fork as nobody; F_GETOWNER_UIDS), not root's.
// REQUIRES: pku
// RUN: rm -rf %t && mkdir %t
// RUN: %bulkhead_clang -fpkey-compartments -O1 %s -o %t/prog
// RUN: %run %t/prog control > %t/control.out 2>&1 || true
// RUN: FileCheck %s --check-prefix=CONTROL < %t/control.out
// RUN: %run %t/prog attack > %t/out 2>&1 || true
// RUN: FileCheck %s --check-prefixes=CHECK,PID < %t/out
// RUN: %run %t/prog attack-group > %t/group.out 2>&1 || true
// RUN: FileCheck %s --check-prefixes=CHECK,GROUP < %t/group.out
// RUN: %run %t/prog attack-thread > %t/thread.out 2>&1 || true
// RUN: FileCheck %s --check-prefixes=CHECK,THREAD < %t/thread.out
// RUN: %run %t/prog attack-ex > %t/ex.out 2>&1 || true
// RUN: FileCheck %s --check-prefixes=CHECK,EX < %t/ex.out
// RUN: %run %t/prog attack-ioctl > %t/ioctl.out 2>&1 || true
// RUN: FileCheck %s --check-prefixes=CHECK,IOCTL < %t/ioctl.out
// CONTROL: vault says 20
// CONTROL: supervisor found: 1
// CONTROL-NOT: ATTACK SUCCEEDED
// CONTROL: F_SETOWN of ourselves: 0, owner ours: 1, SIGIO: 1
// CONTROL: F_SETOWN_EX of our thread: 0, owner ours: 1, SIGIO: 1
// CONTROL: FIOSETOWN of ourselves: 0, owner ours: 1, SIGIO: 1
// CONTROL: F_SETOWN of a free id: No such process
// CONTROL: as nobody: F_SETOWN_EX 0, owner uids 65534 65534; FIOSETOWN 0, owner uids 65534 65534
// CONTROL: open after: ok
// CHECK: vault says 20
// CHECK: supervisor found: 1
// CHECK-NOT: ATTACK SUCCEEDED
// PID: bulkhead: denied: fcntl(0x{{[0-9a-f]+}}, 0x8, {{.*}} the program may not signal it
// GROUP: bulkhead: denied: fcntl(0x{{[0-9a-f]+}}, 0x8, 0x{{f+[0-9a-f]+}}{{.*}} the program may not signal it
// THREAD: supervisor thread found: 1
// THREAD: bulkhead: denied: fcntl(0x{{[0-9a-f]+}}, 0x8, {{.*}} the program may not signal it
// EX: supervisor thread found: 1
// EX: bulkhead: denied: fcntl(0x{{[0-9a-f]+}}, 0xf, {{.*}} the program may not signal it
// IOCTL: bulkhead: denied: ioctl(0x{{[0-9a-f]+}}, 0x8901, {{.*}} the program may not signal it
// CHECK-NOT: ATTACK SUCCEEDED
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef F_GETOWNER_UIDS
#define F_GETOWNER_UIDS 17
#endif
#include <bulkhead.h>

#include "Inputs/find-supervisor.h"

BULKHEAD_DATA(vault) static char secret[32] = "TOP-SECRET-VAULT-KEY";
BULKHEAD_ENTRY(vault) int vault_len(void) { return (int)strlen(secret); }

static volatile sig_atomic_t sigios;
static void on_sigio(int sig) { (void)sig, sigios++; }

/* Sets the owner of a new pipe's (or socket pair's) reading end with
 * set(fd), makes it O_ASYNC, writes a byte: whether SIGIO came. */
static void own(const char *what, int sock, int (*set)(int fd), pid_t want) {
  int p[2];
  if (sock ? socketpair(AF_UNIX, SOCK_STREAM, 0, p) : pipe(p))
    return;
  sigios = 0;
  int r = set(p[0]);
  int err = errno;
  int mine = fcntl(p[0], F_GETOWN) == want;
  if (fcntl(p[0], F_SETFL, O_ASYNC) || write(p[1], "x", 1) != 1)
    return;
  for (int i = 0; i < 100 && !sigios; i++)
    usleep(10000);
  printf("%s: %d, owner ours: %d, SIGIO: %d\n", what, r ? -err : 0, mine,
         sigios > 0);
}

static pid_t target;
static int set_pid(int fd) { return fcntl(fd, F_SETOWN, target); }
static int set_tid(int fd) {
  struct f_owner_ex o = {F_OWNER_TID, target};
  return fcntl(fd, F_SETOWN_EX, &o);
}
static int set_ioctl(int fd) {
  int id = target;
  return ioctl(fd, FIOSETOWN, &id);
}

/* The supervisor makes F_SETOWN_EX and FIOSETOWN itself: the kernel must
 * record the caller's ids (F_GETOWNER_UIDS), not root's, for its check at
 * each signal. */
static void as_nobody(void) {
  pid_t c = fork();
  if (c == 0) {
    int p[2], s[2];
    if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534) ||
        pipe(p) || socketpair(AF_UNIX, SOCK_STREAM, 0, s))
      _exit(1);
    struct f_owner_ex o = {F_OWNER_PID, getpid()};
    int id = getpid();
    unsigned u[2] = {0, 0}, v[2] = {0, 0};
    int a = fcntl(p[0], F_SETOWN_EX, &o), b = ioctl(s[0], FIOSETOWN, &id);
    fcntl(p[0], F_GETOWNER_UIDS, u);
    fcntl(s[0], F_GETOWNER_UIDS, v);
    printf("as nobody: F_SETOWN_EX %d, owner uids %u %u; FIOSETOWN %d, "
           "owner uids %u %u\n", a, u[0], u[1], b, v[0], v[1]);
    _exit(0);
  }
  waitpid(c, NULL, 0);
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  printf("vault says %d\n", vault_len());
  if (argc < 2)
    return 2;
  pid_t sup = find_supervisor();
  printf("supervisor found: %d\n", sup > 0);
  signal(SIGIO, on_sigio);
  const char *m = argv[1];
  if (!strcmp(m, "control")) {
    target = getpid();
    own("F_SETOWN of ourselves", 0, set_pid, getpid());
    target = (pid_t)syscall(SYS_gettid);
    own("F_SETOWN_EX of our thread", 0, set_tid, getpid());
    target = getpid();
    own("FIOSETOWN of ourselves", 1, set_ioctl, getpid());
    int p[2];
    pid_t free_id = 0;
    for (pid_t id = getpid() + 1000; id < getpid() + 2000 && !free_id; id++)
      if (kill(id, 0) && errno == ESRCH)
        free_id = id;
    if (pipe(p) == 0)
      printf("F_SETOWN of a free id: %s\n",
             fcntl(p[0], F_SETOWN, free_id) ? strerror(errno) : "set");
    as_nobody();
  } else if (!strcmp(m, "attack") || !strcmp(m, "attack-group")) {
    target = !strcmp(m, "attack") ? sup : -sup;
    own("F_SETOWN of the supervisor", 0, set_pid, target);
  } else if (!strcmp(m, "attack-ioctl")) {
    target = sup;
    own("FIOSETOWN of the supervisor", 1, set_ioctl, sup);
  } else {
    target = supervisor_thread(sup, "/tmp/sigio-sup-fifo");
    printf("supervisor thread found: %d\n", target > 0);
    own("owner a supervisor thread", 0,
        !strcmp(m, "attack-ex") ? set_tid : set_pid, sup);
  }
  supervisor_answers("SIGIO to the file's owner killed the supervisor");
  fflush(stdout);
  _exit(0); /* a writer thread may still wait */
}
