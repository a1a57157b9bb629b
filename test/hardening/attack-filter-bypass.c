// Attack class: ways around the filter itself. The default domain
//  - turns on Syscall User Dispatch (prctl PR_SET_SYSCALL_USER_DISPATCH);
//  - installs a seccomp filter with a listener of its own, which would
//    answer, before the supervisor, for the calls both filters notify;
//  - makes an i386 system call (int $0x80), and an x32 one, which the
//    x86-64 rules would not recognise;
//  - signals the supervisor (here: kill(-1), every process it may signal);
//  - makes itself not dumpable (PR_SET_DUMPABLE 0), which would close it
//    to the supervisor (refused for our process by the supervisor);
//  - opens a perf event on itself (samples copy user stacks and registers
//    with the interrupted thread's rights; refused for our process).
// Without the filter there is nothing to go around, and each call is
// simply accepted (OFF); by default each is refused for every task with
// one line, and the process dies of SIGSYS.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-syscall-filter -O2 %s -o %t.off
// RUN: %run %t.off | FileCheck %s --check-prefix=OFF
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t.on
// RUN: %run %t.on > %t.out 2> %t.err
// RUN: FileCheck %s --check-prefix=ON < %t.out
// RUN: FileCheck %s --check-prefix=ERR < %t.err
// OFF: == dispatch
// OFF-NEXT: accepted: Syscall User Dispatch
// OFF: == listener
// OFF-NEXT: accepted: a seccomp filter with a listener
// OFF: == i386
// OFF-NEXT: accepted: an i386 getpid
// ON-NOT: accepted
// ON: dispatch: stopped by signal 31
// ON: listener: stopped by signal 31
// ON: i386: stopped by signal 31
// ON: x32: stopped by signal 31
// ON: kill-all: stopped by signal 31
// ON: not-dumpable: stopped by signal 9
// ON: perf: stopped by signal 9
// ON: parent's vault intact: 1
// ERR: bulkhead: denied: prctl(0x3b, 0x1, {{.*}}) from the default domain — Syscall User Dispatch and PR_SET_MM change how the process meets the kernel
// ERR-NEXT: bulkhead: denied: seccomp(0x1, 0x8, {{.*}}) from the default domain — a seccomp listener of the program's own would answer for the supervisor
// ERR-NEXT: bulkhead: denied: a non-x86-64 system call 20 from the default domain — only x86-64 system calls are allowed
// ERR-NEXT: bulkhead: denied: system call 1073741863({{.*}}) from the default domain — only x86-64 system calls are allowed
// ERR-NEXT: bulkhead: denied: kill(0xffffffff, 0x0, {{.*}}) from the default domain — the supervisor decides what the filter cannot; the program may not signal it
// ERR-NEXT: bulkhead: denied: prctl(0x4, 0x0, {{.*}}) from the default domain, in process {{[0-9]+}} (thread {{[0-9]+}}) — a process that is not dumpable is closed to the supervisor
// ERR-NEXT: bulkhead: denied: perf_event_open({{.*}}) from the default domain, in process {{[0-9]+}} (thread {{[0-9]+}}) — it has the kernel read the process's memory
#include "Inputs/target.h"
#include <linux/filter.h>
#include <linux/perf_event.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>

#ifndef PR_SET_SYSCALL_USER_DISPATCH
#define PR_SET_SYSCALL_USER_DISPATCH 59
#define PR_SYS_DISPATCH_ON 1
#endif

static void dispatch(void) {
  static char selector; /* 0: allow; no call is intercepted before it changes */
  if (prctl(PR_SET_SYSCALL_USER_DISPATCH, PR_SYS_DISPATCH_ON, 0, 0, &selector) == 0)
    printf("accepted: Syscall User Dispatch\n");
  else
    printf("refused: %s\n", strerror(errno));
}

static void listener(void) {
  struct sock_filter allow[] = {BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)};
  struct sock_fprog prog = {1, allow};
  prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
  long fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
  printf(fd >= 0 ? "accepted: a seccomp filter with a listener\n" : "refused\n");
}

static void i386(void) {
  long r;
  __asm__ volatile("int $0x80" : "=a"(r) : "a"(20L) : "memory"); /* i386 getpid */
  printf(r == getpid() ? "accepted: an i386 getpid\n" : "refused: %ld\n", r);
}

static void x32(void) {
  long r = syscall(0x40000000L | SYS_getpid);
  printf("x32 getpid: %ld\n", r); /* ENOSYS where the kernel has no x32 */
}

static void kill_all(void) {
  /* Signal 0 checks who could be signalled: it sends nothing. */
  printf("kill(-1, 0): %d\n", kill(-1, 0));
}

static void not_dumpable(void) {
  printf("PR_SET_DUMPABLE 0: %d\n", prctl(PR_SET_DUMPABLE, 0, 0, 0, 0));
}

static void perf(void) {
  struct perf_event_attr attr;
  memset(&attr, 0, sizeof attr);
  attr.size = sizeof attr;
  attr.type = PERF_TYPE_SOFTWARE;
  attr.config = PERF_COUNT_SW_CPU_CLOCK;
  attr.sample_type = PERF_SAMPLE_STACK_USER;
  attr.sample_stack_user = 4096;
  attr.exclude_kernel = 1;
  printf("perf_event_open: %ld\n", syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0));
}

int main(void) {
  struct attack a[] = {{"dispatch", dispatch}, {"listener", listener}, {"i386", i386},
                       {"x32", x32}, {"kill-all", kill_all}, {"not-dumpable", not_dumpable},
                       {"perf", perf}};
  return run_attacks(a, 7);
}
