// prlimit64 after review 27: the filter sends a call that sets another
// process's limits to the supervisor, which refuses it only for its own
// process (attacks-rev27-supervisor-rlimit.c). Everything else a program
// does with limits still works under the filter: its own (setrlimit, pid
// 0), a query of any process, and setting a child's.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t 2>&1 | FileCheck %s
// CHECK: own limit set: 1
// CHECK-NEXT: parent's limit read: 1
// CHECK-NEXT: child's limit set and read back: 1
// CHECK-NOT: denied
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
  pid_t child = fork();
  if (child == 0) {
    pause();
    _exit(0);
  }
  struct rlimit want = {64, 64};
  int ok = prlimit(child, RLIMIT_NOFILE, &want, NULL) == 0 &&
           prlimit(child, RLIMIT_NOFILE, NULL, &got) == 0 &&
           got.rlim_cur == 64 && got.rlim_max == 64;
  kill(child, SIGKILL);
  waitpid(child, NULL, 0);
  printf("child's limit set and read back: %d\n", ok && vault_read() == 1);
  return 0;
}
