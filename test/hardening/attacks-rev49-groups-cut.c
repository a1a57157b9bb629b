// Review 49, attacker model B (the default domain's program counter, any
// system call the filter allows) in a program started as root that gave
// up root for a user of many groups (setgroups, setresgid, setresuid, as
// a daemon or login does): the supervisor opens the caller's files with
// the caller's credentials (take_credentials, supervisor-open.c), but
// read_caller keeps only the first 256 of the caller's groups (its
// Groups: line; the kernel allows 65536). A file that refuses a group
// (mode 0606, group G: G's members may not write, others may) is then
// opened for writing by a member of G whose G is past the 256th: the
// supervisor, without G, is "other". The same credentials make
// bh_caller_line_fd's reopen (review 41's line), and any open the
// supervisor makes for the caller (open_as).
//
// How: main (root) makes /tmp/rev49-neg, root:G, 0606; a fork takes n
// groups (5000 ...), the last G, and uid/gid 65534; the kernel's own
// judgment (access W_OK, not the supervisor's) refuses the write; then
// open(O_WRONLY) through the supervisor.
//
// The control: n = 100 (G within the first 256): the open fails as the
// kernel says. The attack: n = 300.
//
// Seen in the guest (root; 3 runs of 3): ATTACK SUCCEEDED (attack);
// control: open refused (EACCES).
//
// Fixed: read_caller marks groups it could not read whole (more than 256,
// or a line the buffer cut) as unknown, and take_credentials then fails
// (the open fails with EACCES) instead of opening with fewer groups; it
// checks that setfsuid and setfsgid took.
// REQUIRES: pku
// RUN: rm -rf %t && mkdir %t
// RUN: %bulkhead_clang -fpkey-compartments -O1 %s -o %t/prog
// RUN: %run %t/prog 100 > %t/control.out 2>&1 || true
// RUN: FileCheck %s --check-prefix=CONTROL < %t/control.out
// RUN: %run %t/prog 300 > %t/out 2>&1 || true
// RUN: FileCheck %s < %t/out
// CONTROL: uid 0
// CONTROL: kernel: writing refused: Permission denied
// CONTROL: open for writing: Permission denied
// CONTROL-NOT: ATTACK SUCCEEDED
// CHECK: uid 0
// CHECK: kernel: writing refused: Permission denied
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: open for writing: Permission denied
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bulkhead.h>

BULKHEAD_DATA(vault) static char secret[32] = "TOP-SECRET-VAULT-KEY";
BULKHEAD_ENTRY(vault) int vault_len(void) { return (int)strlen(secret); }

static const char *file = "/tmp/rev49-neg";

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  printf("uid %d\nvault says %d\n", (int)getuid(), vault_len());
  int n = argc > 1 ? atoi(argv[1]) : 0;
  if (n < 1 || n > 1000)
    return 2;
  gid_t groups[1000], g = (gid_t)(5000 + n - 1);
  for (int i = 0; i < n; i++)
    groups[i] = (gid_t)(5000 + i);
  unlink(file);
  int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0 || fchown(fd, 0, g) || fchmod(fd, 0606) ||
      write(fd, "root's file\n", 12) != 12) {
    printf("cannot make %s: %s\n", file, strerror(errno));
    return 2;
  }
  close(fd);
  pid_t child = fork();
  if (child == 0) {
    if (setgroups((size_t)n, groups) || setresgid(65534, 65534, 65534) ||
        setresuid(65534, 65534, 65534)) {
      printf("cannot give up root: %s\n", strerror(errno));
      _exit(5);
    }
    printf("%d groups, the last %d\n", n, (int)g);
    if (!access(file, W_OK)) {
      printf("kernel: writing allowed: no test\n");
      _exit(6);
    }
    printf("kernel: writing refused: %s\n", strerror(errno));
    int w = open(file, O_WRONLY | O_APPEND);
    if (w < 0) {
      printf("open for writing: %s\n", strerror(errno));
      _exit(0);
    }
    ssize_t k = write(w, "written by a member of the refused group\n", 41);
    printf("ATTACK SUCCEEDED: opened for writing a file the kernel refuses "
           "this caller (wrote %zd bytes)\n",
           k);
    _exit(1);
  }
  int st;
  waitpid(child, &st, 0);
  printf("child status %d\n", st);
  unlink(file);
  return 0;
}
