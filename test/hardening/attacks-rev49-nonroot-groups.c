// Review 49, attacker model B (the default domain's program counter, any
// system call the filter allows) in a program that is not root but may
// set its groups (CAP_SETGID, here an ambient capability as a service
// manager's AmbientCapabilities= gives it) and gives up a supplementary
// group and its capabilities before it reads input, as a sandboxing
// service does. The supervisor, forked at start-up, keeps the program's
// start-up groups, and take_credentials (supervisor-open.c) takes the
// caller's file-system ids and groups only where the supervisor is root
// ("not root: the same ids as the program had at start-up; it cannot
// gain any"; true of uids, not of groups). So every open the supervisor
// makes for the caller is made with the group the program gave up: it
// reads (and writes) that group's files. The same credentials make
// bh_caller_line_fd's reopen (review 41's line). (A change of uid by a
// non-root program with CAP_SETUID fails closed: the supervisor loses
// ptrace access to the caller, and its open fails with EPERM.)
//
// How: a launcher (root in the guest) makes /tmp/rev49-group, root:3000,
// 0640, and runs the program as uid/gid 1000 with supplementary group
// 3000 and ambient CAP_SETGID (control: no group, no capability). The
// program drops its groups (setgroups 0) and its capabilities (capset);
// the kernel's own judgment (access R_OK, not the supervisor's) refuses
// the read; then open(O_RDONLY) through the supervisor.
//
// Seen in the guest (3 runs of 3): ATTACK SUCCEEDED (the group's file
// read after the group was given up); control: open refused (EACCES).
//
// Fixed: take_credentials takes the caller's file-system ids and groups
// whenever they differ from the supervisor's, root or not, and fails the
// open (EACCES) where it cannot (no CAP_SETGID for setgroups; an id the
// supervisor may not take).
// REQUIRES: pku
// RUN: rm -rf %t && mkdir -p %t
// RUN: %clang -DLAUNCHER -O1 %s -o %t/launch
// RUN: %bulkhead_clang -fpkey-compartments -O1 %s -o %t/prog
// RUN: env BULKHEAD_VM_FILES=%t/prog %run %t/launch %t/prog control > %t/control.out 2>&1 || true
// RUN: FileCheck %s --check-prefix=CONTROL < %t/control.out
// RUN: env BULKHEAD_VM_FILES=%t/prog %run %t/launch %t/prog attack > %t/out 2>&1 || true
// RUN: FileCheck %s < %t/out
// CONTROL: ids 1000 1000 1000, 0 groups
// CONTROL: now 0 groups
// CONTROL: kernel: reading refused: Permission denied
// CONTROL: open for reading: Permission denied
// CONTROL-NOT: ATTACK SUCCEEDED
// CHECK: ids 1000 1000 1000, 1 groups
// CHECK: now 0 groups
// CHECK: kernel: reading refused: Permission denied
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: open for reading: Permission denied
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *file = "/tmp/rev49-group";

#ifdef LAUNCHER
int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc < 3)
    return 2;
  int attack = !strcmp(argv[2], "attack");
  unlink(file);
  int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0 || fchown(fd, 0, 3000) || fchmod(fd, 0640) ||
      write(fd, "group secret\n", 13) != 13) {
    printf("cannot make %s: %s\n", file, strerror(errno));
    return 2;
  }
  close(fd);
  pid_t c = fork();
  if (c == 0) {
    /* uid and gid 1000, group 3000, CAP_SETGID as an ambient capability
     * (a service manager's AmbientCapabilities=): an execve keeps it, and
     * the program stays dumpable. control: no group, no capability. */
    struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct d[2] = {{0}};
    unsigned m = 1u << CAP_SETGID;
    gid_t g = 3000;
    d[0].effective = d[0].permitted = d[0].inheritable = attack ? m : 0;
    if (prctl(PR_SET_KEEPCAPS, 1) || setgroups(attack, &g) ||
        setresgid(1000, 1000, 1000) || setresuid(1000, 1000, 1000) ||
        syscall(SYS_capset, &h, d) ||
        (attack &&
         prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_SETGID, 0, 0))) {
      printf("cannot take the ids: %s\n", strerror(errno));
      _exit(5);
    }
    execv(argv[1], argv + 1);
    printf("cannot run %s: %s\n", argv[1], strerror(errno));
    _exit(6);
  }
  int st;
  waitpid(c, &st, 0);
  printf("program status %d\n", st);
  unlink(file);
  return 0;
}
#else
#include <bulkhead.h>

BULKHEAD_DATA(vault) static char secret[32] = "TOP-SECRET-VAULT-KEY";
BULKHEAD_ENTRY(vault) int vault_len(void) { return (int)strlen(secret); }

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  uid_t r, e, s;
  getresuid(&r, &e, &s);
  printf("ids %d %d %d, %d groups\nvault says %d\n", (int)r, (int)e, (int)s,
         getgroups(0, NULL), vault_len());
  /* What a sandboxing service does before it reads input: no
   * supplementary group, no capability (control: none to give up). */
  struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct d[2] = {{0}};
  if (getgroups(0, NULL) && setgroups(0, NULL))
    printf("setgroups: %s\n", strerror(errno));
  if (syscall(SYS_capset, &h, d))
    printf("capset: %s\n", strerror(errno));
  printf("now %d groups\n", getgroups(0, NULL));
  if (!access(file, R_OK)) {
    printf("kernel: reading allowed: no test\n");
    return 6;
  }
  printf("kernel: reading refused: %s\n", strerror(errno));
  int fd = open(file, O_RDONLY);
  if (fd < 0) {
    printf("open for reading: %s\n", strerror(errno));
    return 0;
  }
  char buf[64] = {0};
  ssize_t k = read(fd, buf, sizeof buf - 1);
  printf("ATTACK SUCCEEDED: read a group's file after giving up the group "
         "(%zd bytes: %s)\n",
         k, buf);
  return 1;
}
#endif
