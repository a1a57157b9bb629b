// Attack class: ptrace. A process may trace its own children (and, where
// Yama allows, other processes of its user): PTRACE_PEEKDATA reads any
// page of the tracee whatever its protection key. Here the attack forks a
// copy of itself (it holds the vault's secret too), attaches to it and
// reads the vault's data there. With -fno-pkey-syscall-filter that works;
// by default ptrace is refused for every task (a program that legitimately
// needs ptrace, a debugger run from a hardened program, gets the same one
// line and must be built with -fno-pkey-syscall-filter).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-syscall-filter -O2 %s -o %t.off
// RUN: %run %t.off | FileCheck %s --check-prefix=OFF
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t.on
// RUN: %run %t.on > %t.out 2> %t.err
// RUN: FileCheck %s --check-prefix=ON < %t.out
// RUN: FileCheck %s --check-prefix=ERR < %t.err
// OFF: == peek-child
// OFF-NEXT: ATTACK SUCCEEDED: ptrace(PTRACE_PEEKDATA) read "vault-secret
// ON-NOT: ATTACK SUCCEEDED
// ON: peek-child: stopped by signal 31
// ON: parent's vault intact: 1
// ERR: bulkhead: denied: ptrace(0x10, 0x{{[0-9a-f]+}}, 0x0, 0x0) from the default domain — reading or writing a process's memory through the kernel ignores protection keys
#include "Inputs/target.h"
#include <sys/prctl.h>
#include <sys/ptrace.h>

static void peek_child(void) {
  pid_t me = getpid(), t = fork();
  if (t == 0) {
    /* It must not outlive the attack: a process under the filter keeps
     * the supervisor alive. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != me)
      _exit(0);
    alarm(60);
    pause();
    _exit(0);
  }
  static char buf[48];
  int ok = 0;
  if (ptrace(PTRACE_ATTACH, t, 0, 0) == 0 && waitpid(t, NULL, 0) == t) {
    ok = 1;
    for (int i = 0; i < 40 && ok; i += 8) {
      errno = 0;
      long w = ptrace(PTRACE_PEEKDATA, t, vault_data + i, 0);
      ok = errno == 0;
      memcpy(buf + i, &w, 8);
    }
  }
  kill(t, SIGKILL);
  report_read("ptrace(PTRACE_PEEKDATA)", ok ? buf : NULL);
}

int main(void) {
  struct attack a[] = {{"peek-child", peek_child}};
  return run_attacks(a, 1);
}
