// prlimit64 after reviews 27 and 28: the filter refuses a call that sets
// another process's limits (any thread id may be the supervisor's, one
// it makes later too: attacks-rev27-supervisor-rlimit.c,
// attacks-rev28-prlimit-new-thread.c), with one line. The program's own
// limits (setrlimit, pid 0) and queries of any process still work.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t > %t.out 2> %t.err
// RUN: FileCheck %s < %t.out
// RUN: FileCheck %s --check-prefix=ERR < %t.err
// CHECK: own limit set: 1
// CHECK-NEXT: parent's limit read: 1
// CHECK-NEXT: setting the parent's limit: stopped by signal 31
// CHECK-NEXT: vault: 1
// ERR: bulkhead: denied: prlimit64({{.*}}) from the default domain — setting another process's resource limits
#define _GNU_SOURCE
#include <bulkhead.h>
#include <signal.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

BULKHEAD_DATA(vault) int vault_word = 1;
BULKHEAD_ENTRY(vault) int vault_read(void) { return vault_word; }

int main(void) {
  struct rlimit r, got;
  getrlimit(RLIMIT_NOFILE, &r);
  struct rlimit lower = {r.rlim_cur - 1, r.rlim_max};
  printf("own limit set: %d\n", setrlimit(RLIMIT_NOFILE, &lower) == 0 &&
                                    getrlimit(RLIMIT_NOFILE, &got) == 0 &&
                                    got.rlim_cur == lower.rlim_cur);
  printf("parent's limit read: %d\n",
         prlimit(getppid(), RLIMIT_NOFILE, NULL, &got) == 0);
  fflush(stdout);
  pid_t child = fork();
  if (child == 0) {
    struct rlimit want = {64, 64};
    prlimit(getppid(), RLIMIT_NOFILE, &want, NULL);
    _exit(0);
  }
  int st = 0;
  waitpid(child, &st, 0);
  if (WIFSIGNALED(st))
    printf("setting the parent's limit: stopped by signal %d\n", WTERMSIG(st));
  else
    printf("setting the parent's limit: exited %d\n", WEXITSTATUS(st));
  printf("vault: %d\n", vault_read());
  return 0;
}
