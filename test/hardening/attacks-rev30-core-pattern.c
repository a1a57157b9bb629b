// Review 30, attacker model B (the default domain's program counter, any
// system call the filter allows), as root: code outside the filter, by
// the kernel's hand. /proc/sys/kernel/core_pattern with a leading '|'
// names a program the kernel starts, as root with every capability, when
// a process dumps core: a usermode helper, a child of kthreadd, under no
// seccomp filter and no supervisor. The supervisor opens procfs paths for
// the program and refuses memory files only, so root's open of
// core_pattern for writing goes through; a fork that aborts then starts
// the helper, which reads (or writes) the program's memory through
// /proc/<pid>/mem, protection keys ignored. The filter refuses ptrace,
// process_vm_* and memory-file opens to the program itself; nothing
// stops it from having the kernel run a program that uses them.
// (/proc/sys/kernel/modprobe, run for an unknown binary format, and
// /sys/kernel/uevent_helper are other helpers of the kind: not tried.)
//
// Here main, root, writes "|HELPER PID ADDR OUT" to core_pattern (HELPER
// this test's helper, ADDR the vault's secret), forks a child that
// aborts, waits for it, and reads OUT, where the helper put the 31 bytes
// it read at ADDR through /proc/PID/mem: the vault's secret (ATTACK
// SUCCEEDED). The control reads the secret from the default domain and
// faults.
//
// Seen in the guest (root): ATTACK SUCCEEDED.
//
// Fixed: the supervisor refuses opens for writing of every procfs file
// but a process's own (/proc/<pid>/...: the sysctls among them), of
// tracefs, debugfs and binfmt_misc, and of /sys/kernel/uevent_helper,
// judged on the object opened (runtime/supervisor-open.c judge_write).
// REQUIRES: pku
// RUN: rm -rf %t && mkdir %t
// RUN: %clang -O1 %S/Inputs/mem-reader.c -o %t/helper
// RUN: %bulkhead_clang -fpkey-compartments -O1 %s -o %t/prog
// RUN: %run %t/prog control %t/helper > %t/control.out 2>&1 || true
// RUN: FileCheck %s --check-prefix=CONTROL < %t/control.out
// RUN: %run %t/prog attack %t/helper > %t/out 2>&1 || true
// RUN: FileCheck %s < %t/out
// CONTROL: uid 0
// CONTROL-NOT: ATTACK SUCCEEDED
// CONTROL: bulkhead: protection-key fault: access to 0x{{[0-9a-f]+}} in compartment 'vault'
// CHECK: uid 0
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: bulkhead: denied: open{{.*}}core_pattern{{.*}}a kernel setting (sysctl, sysfs, tracefs, debugfs, binfmt_misc, cgroup v1) can have the kernel run a program or a probe outside the filter
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bulkhead.h>

BULKHEAD_DATA(vault) static char secret[32] = "TOP-SECRET-VAULT-KEY";
BULKHEAD_ENTRY(vault) int vault_len(void) { return (int)strlen(secret); }

static int put(const char *file, const char *text) {
  int fd = open(file, O_WRONLY | O_TRUNC);
  int ok = fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text);
  if (fd >= 0)
    close(fd);
  return ok;
}

int main(int argc, char **argv) {
  printf("uid %d\nvault says %d\n", (int)getuid(), vault_len());
  fflush(stdout);
  if (argc < 3)
    return 2;
  static char copy[32];
  if (strcmp(argv[1], "attack")) {
    memcpy(copy, secret, 31); /* faults: the vault is closed here */
    printf("read directly: %s\n", copy);
    return 0;
  }
  const char *out = "/tmp/rev30-core.out";
  unlink(out);
  char pattern[512];
  snprintf(pattern, sizeof pattern, "|%s %d %lx %s", argv[2], (int)getpid(),
           (unsigned long)secret, out);
  printf("core_pattern written: %d\n",
         put("/proc/sys/kernel/core_pattern", pattern));
  fflush(stdout);
  pid_t child = fork();
  if (child == 0)
    abort(); /* dumps core: the kernel starts the helper */
  int st;
  waitpid(child, &st, 0);
  long got = -1; /* the helper runs on its own: waited for, 10 s at most */
  for (int i = 0; i < 100 && got != 31; i++) {
    int fd = open(out, O_RDONLY);
    got = fd < 0 ? -1 : (long)read(fd, copy, 31);
    if (fd >= 0)
      close(fd);
    if (got != 31)
      usleep(100000);
  }
  put("/proc/sys/kernel/core_pattern", "core");
  printf("child ended by signal %d, helper's file: %ld bytes\n",
         WIFSIGNALED(st) ? WTERMSIG(st) : 0, got);
  if (strstr(copy, "TOP-SECRET"))
    printf("ATTACK SUCCEEDED: the vault's secret read: %s\n", copy);
  else
    printf("attack failed\n");
  return 0;
}
