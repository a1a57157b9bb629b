// Issue 11: a compartment stack's ring header keeps libstdc++'s per-thread
// exception state for that compartment (runtime/unwind-copy.c, owned). A
// new owner of the stack must start with it empty, even when the kernel
// gave it the thread id of the stack's last owner: the default domain
// chooses when threads end and can have the kernel hand a dead thread's id
// to the next one (by going round the ids; as root, /proc/sys/kernel/
// ns_last_pid, which the system-call supervisor refuses to open for
// writing after start-up, so here a helper forked before the filter,
// standing in for the round of ids, sets it, as in
// attacks-review5-share-tid-reuse.c). Attacker model B.
//
// The first thread leaves the vault by longjmp out of a cleanup while an
// exception is in flight (it stays counted uncaught) and out of a catch
// (it stays the thread's caught exception), then ends normally (its stack
// released). The second thread, made with the first's id, takes the same
// stack and asks the vault; if it sees a caught exception, `throw;`
// rethrows the first thread's object. The control lines show the
// mechanism: the same id, the same stack, and the state the first left.
//
// Seen in the guest before the fix (ring header keyed by the thread id
// only): "second thread: uncaught 1, an exception caught" and ATTACK
// SUCCEEDED (the rethrow caught 2), 3 of 3, with and without the filter.
// Fixed: the read-only owner table numbers every claim of a stack
// (runtime/stacks.c), and the ring header records the claim it belongs to.
//
// With "fork": after fork the one thread takes over every stack the
// parent's threads held, each as a new claim, so the child starts empty
// on all of them, as when the thread id alone named the state (the child's
// id is new). Here another thread, still alive, holds the vault's lowest
// stack with a caught exception, and the child, whose lookup of its state
// by id finds that stack first, must not see it (it passed before the fix,
// the child's id being new; with the fix, it fails if a take-over is not
// a new claim: seen in the guest with either path's count left out).
//
// Both also without the system-call filter, where the runtime writes the
// owner table itself (runtime/stacks.c) instead of the supervisor.
//
// With "raw-exit" (attacks-stack-raw-exit-tid.test, open): the first thread
// ends by the exit system call, so its exit handler never releases its
// stack, and the second, with its id, continues that stack without a claim.
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O1 -pthread %s -o %t
// RUN: %run %t | FileCheck %s
// RUN: %run %t fork | FileCheck %s --check-prefix=FORK
// RUN: %bulkhead_clangxx -fpkey-compartments -fno-pkey-syscall-filter -O1 -pthread %s -o %t-nofilter
// RUN: %run %t-nofilter | FileCheck %s
// RUN: %run %t-nofilter fork | FileCheck %s --check-prefix=FORK
// FORK: other thread, out of a catch: uncaught 0, an exception caught
// FORK-NEXT: main: uncaught 0, no exception caught
// FORK-NOT: ATTACK SUCCEEDED
// FORK: fork child: uncaught 0, no exception caught
// FORK-NOT: ATTACK SUCCEEDED
// FORK: exceptions-stack-reuse-tid: fork done
// CHECK: main: uncaught 0, no exception caught
// CHECK-NEXT: first thread, out of a catch: uncaught 1, an exception caught
// CHECK-NEXT: control: the second thread has the first's id
// CHECK-NEXT: control: the second thread runs on the first's stack
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: second thread: uncaught 0, no exception caught
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: exceptions-stack-reuse-tid: done
// RAW: first thread, out of a catch: uncaught 1, an exception caught
// RAW-NEXT: control: the second thread has the first's id
// RAW-NEXT: control: the second thread runs on the first's stack
// RAW-NOT: ATTACK SUCCEEDED
// RAW: second thread: uncaught 0, no exception caught
// RAW-NOT: ATTACK SUCCEEDED
// RAW: exceptions-stack-reuse-tid: done
#include "Inputs/tid-reuse.h"
#include <bulkhead.h>
#include <exception>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

BULKHEAD_DATA(vault) jmp_buf vault_back;

extern "C" BULKHEAD_ENTRY(vault) void vault_state(const char *who) {
  printf("%s: uncaught %d, %s\n", who, std::uncaught_exceptions(),
         std::current_exception() ? "an exception caught"
                                  : "no exception caught");
}

/* Where the vault's frame lies: which stack the thread runs on. */
extern "C" BULKHEAD_ENTRY(vault) uintptr_t vault_frame(void) {
  return (uintptr_t)__builtin_frame_address(0);
}

/* Rethrows the exception the thread's state says is caught, if any. */
extern "C" BULKHEAD_ENTRY(vault) void vault_rethrow(void) {
  if (!std::current_exception())
    return;
  try {
    throw;
  } catch (int v) {
    printf("ATTACK SUCCEEDED: a new holder rethrew the last's exception %d\n",
           v);
  }
}

/* Leaves its scope by longjmp while the vault's exception is in flight. */
struct JumpsBack {
  ~JumpsBack() { longjmp(vault_back, 1); }
};

extern "C" BULKHEAD_ENTRY(vault) void vault_leave_in_flight(void) {
  if (setjmp(vault_back))
    return;
  try {
    JumpsBack j;
    throw 1;
  } catch (int) {
  }
}

extern "C" BULKHEAD_ENTRY(vault) void vault_leave_caught(void) {
  if (setjmp(vault_back))
    return;
  try {
    throw 2;
  } catch (int) {
    longjmp(vault_back, 1);
  }
}

/* ------------------------------------------------- the default domain */

static pid_t first_tid;
static uintptr_t first_frame;
static int raw_exit;

static void *first(void *) {
  first_tid = gettid();
  vault_leave_in_flight();
  vault_leave_caught();
  vault_state("first thread, out of a catch");
  first_frame = vault_frame();
  if (raw_exit)
    syscall(SYS_exit, 0); /* no exit handler: its stack stays held */
  return NULL;
}

static void *second(void *) {
  if (gettid() != first_tid) {
    printf("setup: the second thread is %d, not %d\n", gettid(), first_tid);
    exit(1);
  }
  printf("control: the second thread has the first's id\n");
  /* The same depth on the same 1 MiB stack: frames within 64 KiB. */
  uintptr_t f = vault_frame();
  if ((f > first_frame ? f - first_frame : first_frame - f) >= (64u << 10)) {
    printf("setup: the second thread runs on another stack\n");
    exit(1);
  }
  printf("control: the second thread runs on the first's stack\n");
  vault_state("second thread");
  vault_rethrow();
  return NULL;
}

/* fork: the other thread holds its stack of the vault, caught state and
 * all, until main is done. */
static int other_done[2], other_end[2];

static void *other(void *) {
  vault_leave_caught();
  vault_state("other thread, out of a catch");
  char c = 0;
  (void)!write(other_done[1], &c, 1);
  (void)!read(other_end[0], &c, 1);
  return NULL;
}

static int fork_case(void) {
  pthread_t t;
  char c = 0;
  if (pipe(other_done) || pipe(other_end) ||
      pthread_create(&t, NULL, other, NULL) ||
      read(other_done[0], &c, 1) != 1)
    return 1;
  vault_state("main"); /* its own stack, above the other's */
  pid_t p = fork();
  if (p == 0) {
    vault_state("fork child");
    vault_rethrow();
    _exit(0);
  }
  int status = 1;
  if (p < 0 || waitpid(p, &status, 0) != p || status != 0)
    printf("the fork child failed (%#x)\n", status);
  (void)!write(other_end[1], &c, 1);
  pthread_join(t, NULL);
  printf("exceptions-stack-reuse-tid: fork done\n");
  return 0;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc > 1 && !strcmp(argv[1], "fork"))
    return fork_case();
  raw_exit = argc > 1 && !strcmp(argv[1], "raw-exit");
  vault_state("main");
  pthread_t t;
  pthread_create(&t, NULL, first, NULL);
  pthread_join(t, NULL);
  /* Its id is free once the kernel reaped it. */
  wait_task_gone(first_tid);
  if (give_next_tid(first_tid))
    return 1;
  pthread_create(&t, NULL, second, NULL);
  pthread_join(t, NULL);
  printf("exceptions-stack-reuse-tid: done\n");
  return 0;
}
