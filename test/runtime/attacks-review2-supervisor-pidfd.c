// The filter refuses every signal to the supervisor it can name: kill of
// its pid, its process group or -1, tkill, tgkill, rt_(tg)sigqueueinfo and
// pidfd_open of it (runtime/bpf.c). pidfd_send_signal (Linux 5.1) takes
// a descriptor, and a descriptor of the directory /proc/<pid> is as good
// as a pidfd for it; an open with O_DIRECTORY stays in the filter's fast
// path (no supervisor). So default-domain code opens /proc/<supervisor>
// with O_DIRECTORY and sends SIGKILL through pidfd_send_signal: the
// supervisor dies, in contradiction of docs/threat-model.md's "signals to
// it ... are refused". What follows is closed, not open: every call the
// filter sends to the supervisor then fails with ENOSYS (the program can no
// longer open files, and stops at its next stack request), so this is a
// denial of service from inside the program, not a way to a compartment's
// data. Found in the second review of the default domain's program counter
// (attacker model B); verified natively (6.18) and in the QEMU guest (6.1).
//
// Fixed: the filter sends pidfd_send_signal to the supervisor, which
// makes the call itself on a copy of the caller's descriptor (pidfd_getfd:
// a dup2 after the look cannot change what is signalled) and refuses it
// for our process when that descriptor is the supervisor's (a pidfd's
// fdinfo "Pid:" line, or its /proc/<pid> directory). process_mrelease and
// waitid(P_PIDFD) take such descriptors too (harmless here: the
// supervisor is no child of ours and never exits by itself while we run).
//
// The attacker runs in a forked child (the supervisor is the parent's
// too). This test expects the signal to be refused (the child stopped) and
// the parent's opens to keep working, and pidfd_send_signal to another
// process, through a pidfd and through its /proc/<pid> directory, to keep
// working.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t | FileCheck %s
// CHECK: child stopped by signal 9; the parent's open of /dev/null now works
// CHECK-NEXT: pidfd: 0, sleeper stopped by signal 15
// CHECK-NEXT: /proc directory: 0, sleeper stopped by signal 10
// CHECK-NEXT: attacks-review2-supervisor-pidfd: ok
#include "Inputs/check.h"
#include <errno.h>
#include <fcntl.h>
#include <sys/syscall.h>

/* runtime/syscalls.h: the policy's head (read-only, readable) */
extern const struct {
  int on, verbose;
  pid_t tgid, supervisor;
} *const bh_policy;

BULKHEAD_DATA(vault) static char secret[64] = "vault-secret";
BULKHEAD_ENTRY(vault) int vault_first(void) { return secret[0]; }

/* The attacker, in a child (the supervisor is the parent's too). */
static int attack(void) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d", (int)bh_policy->supervisor);
  int dir = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0)
    return 3;
  long r = syscall(SYS_pidfd_send_signal, dir, SIGKILL, NULL, 0);
  printf("child: pidfd_send_signal(SIGKILL) to the supervisor: %ld\n", r);
  fflush(stdout);
  _exit(0); /* no exit handlers: they would ask the dead supervisor */
}

int main(void) {
  CHECK(vault_first() == 'v');
  CHECK(bh_policy->on);
  fflush(stdout);
  pid_t pid = fork();
  CHECK(pid >= 0);
  if (pid == 0)
    _exit(attack());
  int status;
  CHECK(waitpid(pid, &status, 0) == pid);
  usleep(100 * 1000);
  int fd = open("/dev/null", O_RDONLY);
  printf("child %s %d; the parent's open of /dev/null now %s\n",
         WIFSIGNALED(status) ? "stopped by signal" : "exited", WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status),
         fd >= 0 ? "works" : strerror(errno));
  fflush(stdout);
  if (fd < 0) {
    puts("attacks-review2-supervisor-pidfd: BROKEN: the program killed its supervisor");
    fflush(stdout);
    _exit(1);
  }
  /* Signals to others still go, as the caller's. */
  for (int how = 0; how < 2; how++) {
    pid_t sleeper = fork();
    CHECK(sleeper >= 0);
    if (sleeper == 0) {
      pause();
      _exit(0);
    }
    char path[64];
    snprintf(path, sizeof path, "/proc/%d", (int)sleeper);
    int d = how ? open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                : (int)syscall(SYS_pidfd_open, sleeper, 0);
    CHECK(d >= 0);
    long r = syscall(SYS_pidfd_send_signal, d, how ? SIGUSR1 : SIGTERM, NULL, 0);
    CHECK(waitpid(sleeper, &status, 0) == sleeper);
    printf("%s: %ld, sleeper %s %d\n", how ? "/proc directory" : "pidfd", r,
           WIFSIGNALED(status) ? "stopped by signal" : "exited",
           WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
    close(d);
  }
  puts("attacks-review2-supervisor-pidfd: ok");
  return 0;
}
