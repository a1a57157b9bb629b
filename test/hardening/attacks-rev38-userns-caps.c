// Review 38, attacker B (the default domain's program counter, any system
// call the filter allows), in a program that started as root and then
// gave up rights: root without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH
// (dropped from the bounding set too), or a user that is not root.
// Review 37's take_credentials gives the thread that opens for a caller
// the caller's effective capabilities, as far as the supervisor's own go,
// read from /proc/<tid>/status (CapEff). Those bits are the caller's in
// its own user namespace: unshare is let through to programs not ours,
// and unshare(CLONE_NEWUSER) gives a process every capability in a user
// namespace of its own (no privilege over the initial namespace's files:
// their owners are not mapped there). The supervisor, root in the initial
// user namespace, takes them there: all its own. As a user that is not
// root, it takes the caller's file-system ids (setfsuid drops the file
// capabilities) and then raises them again with the caps.
//
// Here main (root) makes a file of mode 0 and forks two children that
// execve HELPER (Inputs/rev38-userns-caps.c, a plain program, not our
// process): "caps" after dropping the two DAC capabilities from its
// bounding, inheritable, permitted and effective sets; "uid" after
// becoming nobody (65534). Each opens the file for writing: refused (the
// control); then unshare(CLONE_NEWUSER) and the same open: opened. A
// user that is not root gets root's file access (any file for writing:
// ld.so.preload, cron's files; root's programs then run code outside the
// filter, and read the vault through /proc/<main>/mem).
//
// Seen in the guest (root, Debian's 6.1.0-57): ATTACK SUCCEEDED for both
// ("open in a user namespace: opened"), after the control's "Permission
// denied"; built by hand as these RUN lines do.
//
// Suggested fix: count the caller's capabilities only when it is in the
// supervisor's user namespace (/proc/<tid>/ns/user, the same inode as the
// supervisor's; else none, but CAP_SYS_PTRACE as now); or answer unshare,
// setns and clone with CLONE_NEWUSER EPERM to programs not ours too.
//
// Fixed: the caller's capabilities count only when /proc/<tid>/ns/user is
// the supervisor's own namespace (runtime/supervisor-open.c
// own_user_namespace); here both opens in a user namespace are refused
// (seen in the guest).
// REQUIRES: pku
// RUN: rm -rf %t && mkdir %t
// RUN: %clang -O1 %S/Inputs/rev38-userns-caps.c -o %t/helper
// RUN: %bulkhead_clang -fpkey-compartments -O1 %s -o %t/prog
// RUN: %run %t/prog %t/helper > %t/out 2>&1 || true
// RUN: FileCheck %s < %t/out
// CHECK: uid 0
// CHECK: helper caps: plain open: Permission denied
// CHECK: helper caps: open in a user namespace: Permission denied
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: helper uid: plain open: Permission denied
// CHECK: helper uid: open in a user namespace: Permission denied
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: vault says 20
#define _GNU_SOURCE
#include <bulkhead.h>
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

BULKHEAD_DATA(vault) static char secret[32] = "TOP-SECRET-VAULT-KEY";
BULKHEAD_ENTRY(vault) int vault_len(void) { return (int)strlen(secret); }

static int drop_dac(void) {
  struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct d[2];
  unsigned dac = (1u << CAP_DAC_OVERRIDE) | (1u << CAP_DAC_READ_SEARCH);
  if (prctl(PR_CAPBSET_DROP, CAP_DAC_OVERRIDE) ||
      prctl(PR_CAPBSET_DROP, CAP_DAC_READ_SEARCH) ||
      syscall(SYS_capget, &h, d))
    return -1;
  d[0].effective &= ~dac, d[0].permitted &= ~dac, d[0].inheritable &= ~dac;
  return (int)syscall(SYS_capset, &h, d);
}

static void run(const char *helper, const char *mode, const char *file) {
  pid_t c = fork();
  if (c == 0) {
    int bad = !strcmp(mode, "caps")
                  ? drop_dac()
                  : setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
                        setresuid(65534, 65534, 65534);
    if (bad)
      perror(mode), _exit(1);
    execl(helper, helper, mode, file, (char *)NULL);
    _exit(127);
  }
  int st;
  waitpid(c, &st, 0);
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  printf("uid %d\nvault says %d\n", (int)getuid(), vault_len());
  if (argc < 2)
    return 2;
  char file[] = "/tmp/bh38-XXXXXX";
  int fd = mkstemp(file);
  if (fd < 0 || fchmod(fd, 0) || close(fd))
    return perror("mode-0 file"), 1;
  run(argv[1], "caps", file);
  run(argv[1], "uid", file);
  unlink(file);
  printf("vault says %d\n", vault_len());
  return 0;
}
