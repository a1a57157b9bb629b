// The supervisor's "adopt" request (after fork, the one thread left takes
// over every compartment stack its parent's threads held) checks only that
// the asking process has one thread (/proc/<tgid>/status "Threads: 1").
// A process made with clone(CLONE_VM) and no CLONE_THREAD (or the child of
// a vfork, as posix_spawn makes) has one thread and shares our address
// space, owner table included. The default domain makes one, and from it
// (raw system calls: an attacker with the program counter) asks the
// supervisor to adopt - the main thread's vault stack becomes the child's,
// written by the supervisor into our (shared) read-only owner table - and
// then to release that stack: it is free again while the main thread is
// still running vault code on it (blocked in read()). A second thread of
// the process then enters the vault, claims that stack and runs the vault's
// code from its top: its frames overwrite the main thread's live vault
// frames. Here 1008 of the 1024 bytes of the main thread's vault locals
// change, then the main thread dies on its way back. With a vault entry
// that keeps its argument in a local, the attacker's value lands in the
// main thread's vault frame: the vault's own code then reads and writes
// through it with the vault's rights. The threat model says which thread
// holds which stack is on read-only pages and "no store makes two threads
// share one"; this makes two threads share one with two system calls.
// Found in the second review of the default domain's program counter
// (attacker model B); verified natively (6.18) and in the QEMU guest (6.1).
//
// Fixed: the supervisor refuses "adopt" to a process that shares its
// parent's memory (kcmp(parent, caller, KCMP_VM); a vfork child or a
// clone(CLONE_VM) one), and the filter refuses clone(CLONE_VM |
// CLONE_PARENT), which would hide that parent. The release after it is
// refused too: the table does not name the caller.
//
// This test expects the adopt (or the release after it) to be refused and
// the main thread's vault locals to stay as they were.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -pthread %s -o %t
// RUN: %run %t | FileCheck %s
// CHECK: attacks-review2-adopt-shared-vm: ok
#define WAITER "main"
#include "Inputs/adopt-scene.h"
#include <pthread.h>

static int fds[2];
static volatile int go, child_done, slot = -1;
static volatile long adopt_rc = -1, release_rc = -1;

/* A process of its own with our memory: no libc, no TLS of its own. */
static int shared_vm_child(void *arg) {
  (void)arg;
  while (!go)
    ;
  adopt_rc = raw_syscall4(SYS_ioctl, REQUEST_FD, ADOPT, 0, 0);
  if (adopt_rc == 0)
    release_rc = raw_syscall4(SYS_ioctl, REQUEST_FD, RELEASE, slot / BH_STACKS_PER_ARENA,
                              slot % BH_STACKS_PER_ARENA);
  child_done = 1;
  return 0;
}

static void *second_thread(void *arg) {
  (void)arg;
  while (!child_done)
    ;
  printf("adopt %ld, release %ld\n", adopt_rc, release_rc);
  if (adopt_rc == 0 && release_rc == 0) {
    vault_scribble(); /* claims the freed stack: the main thread's */
    printf("ATTACK: the main thread's vault stack is now held by thread %u too\n",
           stack_owners[slot]);
  }
  fflush(stdout);
  CHECK(write(fds[1], "x", 1) == 1);
  return NULL;
}

static void *waker(void *arg) {
  (void)arg;
  usleep(300 * 1000); /* the main thread is blocked in the vault by now */
  go = 1;
  return NULL;
}

int main(void) {
  CHECK(pipe(fds) == 0);
  vault_touch(); /* the main thread holds a vault stack from here */
  slot = this_thread_slot();
  pid_t pid = clone_shared_vm(shared_vm_child);
  pthread_t t, w;
  CHECK(pthread_create(&t, NULL, second_thread, NULL) == 0);
  CHECK(pthread_create(&w, NULL, waker, NULL) == 0);
  int changed = vault_wait(fds[0]);
  CHECK(pthread_join(t, NULL) == 0);
  CHECK(pthread_join(w, NULL) == 0);
  CHECK(waitpid(pid, NULL, 0) == pid);
  if (changed) {
    puts("attacks-review2-adopt-shared-vm: BROKEN: another thread's vault frames overwrote "
         "the main thread's");
    return 1;
  }
  puts("attacks-review2-adopt-shared-vm: ok");
  return 0;
}
