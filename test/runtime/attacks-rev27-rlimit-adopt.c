// Review 27, attacker model B (raw system calls), as root and as nobody,
// no file written (the kernel lets a process set the limits of one with
// its own ids: its supervisor's): review 8's grandchild adoption
// (attacks-review8-adopt-grandchild.c, -DEXEC, built into this file), with
// the supervisor's RLIMIT_NOFILE lowered for the one request. prlimit64
// with the supervisor's pid is not refused by the filter
// (hardening/attacks-rev27-supervisor-rlimit.c). The fix of review 8 asks
// bh_each_sharer (supervisor.c) whether any process shares the caller's
// memory; it walks /proc and opens each /proc/<pid>/task, and one it
// cannot open counts as not sharing. The ADOPT request holds one
// descriptor (the caller's memory file) and bh_each_sharer's walk of
// /proc a second: with the limit at exactly two free descriptors every
// /proc/<pid>/task fails with EMFILE, no process shares, and the
// grandchild (one thread, our memory, its parent running /bin/sleep) is
// handed every vault stack of our threads. It finds that limit by trying
// (too low: EACCES, the memory file; too high: EPERM, refused), puts the
// limit back, releases the victim thread's vault stack while the victim
// runs vault code on it, and its own vault frames overwrite the victim's
// live ones: review 8's test prints "BROKEN: another task's vault frames
// overwrote the victim's" (its word for ATTACK SUCCEEDED).
//
// Seen in the guest (filter on, as root and as nobody): BROKEN, with
// "adopt 0, release 0".
//
// Suggested fix: refuse prlimit64 on the supervisor's pid in the filter;
// and have bh_tgid_shares_memory_of answer "cannot tell" (-1) when the
// task directory cannot be opened for any reason but ENOENT, and
// bh_each_sharer count that as sharing.
// Fixed, both ways (hardening/attacks-rev27-supervisor-rlimit.c): the
// filter refuses prlimit64 on another process, and bh_each_sharer answers
// "cannot tell" (the request refused) when it cannot look.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -pthread -DEXEC %s -o %t && %run %t > %t.out 2>&1 || true
// RUN: FileCheck %s < %t.out
// RUN: FileCheck %s --check-prefix=DENIED < %t.out
// RUN: %run /usr/bin/setpriv --reuid=65534 --regid=65534 --clear-groups %t > %t.nobody.out 2>&1 || true
// RUN: FileCheck %s < %t.nobody.out
// RUN: FileCheck %s --check-prefix=DENIED < %t.nobody.out
// CHECK: supervisor found: 1
// DENIED: bulkhead: denied: prlimit64({{.*}}) from the default domain — setting another process's resource limits
// CHECK-NOT: BROKEN
// CHECK: attacks-review8-adopt-grandchild: ok
#define _GNU_SOURCE
#include "../hardening/Inputs/find-supervisor.h"
#include <sys/resource.h>

static long rev27_adopt(void);
static void rev27_find_supervisor(void);
#define ADOPT_REQUEST rev27_adopt
#define BEFORE_ATTACK rev27_find_supervisor
#include "attacks-review8-adopt-grandchild.c"

static pid_t supervisor;
static struct rlimit files;

static void rev27_find_supervisor(void) {
  getrlimit(RLIMIT_NOFILE, &files);
  supervisor = find_supervisor();
  printf("supervisor found: %d\n", supervisor > 0);
  fflush(stdout);
}

/* In the grandchild (raw calls): ADOPT with the supervisor's descriptor
 * limit at n, for each n until one is granted; the limit put back. */
static long rev27_adopt(void) {
  long rc = -1;
  for (rlim_t n = 3; n < 64 && rc != 0; n++) {
    struct rlimit r = {n, files.rlim_max};
    raw4(SYS_prlimit64, supervisor, RLIMIT_NOFILE, (long)&r, 0);
    rc = raw4(SYS_ioctl, REQUEST_FD, ADOPT, 0, 0);
    raw4(SYS_prlimit64, supervisor, RLIMIT_NOFILE, (long)&files, 0);
  }
  return rc;
}
