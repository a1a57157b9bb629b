// Attacker model A (key-0 loads and stores), with the kernel handing a
// thread id out again (going round the ids; here, as in
// exceptions-stack-reuse-tid.cpp, a helper forked before the filter sets
// ns_last_pid, standing in for the round of ids). Review 71 of 63dd118.
//
// A thread that ends inside a call out of the vault (pthread_exit in a
// callback: honest code) keeps its vault stack S for its id (runtime/
// stacks.c release: its mark shows frames live). Since review 67b the
// runtime writes the owner word of every stack the owner table gives to a
// thread when it gets a stack (stacks.c own_stacks), so a later thread
// with the same id but another fs base owns S in its header too (before,
// its first entry there trapped on the owner word: seen at 2102036, the
// control run too), enters below the ended thread's frames, and its ways
// back pass the owner check on S. The attack: one key-0 store (the new
// thread's call out's saved stack pointer, on the default domain's stack)
// sends its way back to the ended thread's call out's record, to resume
// the vault activation of a thread that ended.
//
// How: the first thread enters vault_hold(1), which calls out to leave;
// that notes its call out's saved stack pointer (key 0) and calls
// pthread_exit. The second thread (another stack size: not glibc's cached
// stack, so another fs base) gets the first's id, enters vault_hold(2) on
// S and, in its call out, its saved stack pointer is replaced with the
// first thread's. Past the call out with who == 1 the vault was resumed
// for the ended thread. Control: no store.
//
// Seen in the guest on main at 63dd118 (LLVM 19, -O2): the way back traps
// (child: signal 4), 3 of 3: pthread_exit's forced unwind voided the
// record as it passed the call out (review 55), so nothing of the ended
// thread is left to resume. A negative result, kept as a guard.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -pthread %s -o %t
// RUN: %run %t control | FileCheck %s --check-prefix=CONTROL
// RUN: %run %t | FileCheck %s
// CONTROL: control: the second thread has the first's id
// CONTROL: control: the second thread has another fs base
// CONTROL: saved stack pointer moved: no
// CONTROL: second thread's vault call: 42
// CONTROL: child: exit 0
// CHECK: control: the second thread has the first's id
// CHECK: control: the second thread has another fs base
// CHECK: saved stack pointer moved: yes
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: child: signal 4
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: attacks-rev71-tid-reuse-kept-way-back: end
#define _GNU_SOURCE
#include "Inputs/check.h"
#include "Inputs/tid-reuse.h"
#include <bulkhead.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int attack;
static volatile uintptr_t first_sp; /* the first thread's saved pointer */
static volatile pid_t first_tid;

BULKHEAD_DATA(vault) static long secret = 41;

/* back: called through a pointer, as in stacks-kept-live-frames.c (the
 * first thread's pthread_exit unwinds through it). */
BULKHEAD_ENTRY(vault) long vault_hold(int who, void (*back)(void)) {
  volatile int w = who;
  volatile long keep = secret;
  back();
  if (w == 1) {
    puts("ATTACK SUCCEEDED: the vault activation of a thread that ended "
         "resumed on another thread");
    _exit(3);
  }
  return keep + 1;
}

/* The call out's frame (abi.h, BH_FRAME_*) lies above the return address
 * into the trampoline: its saved stack pointer at frame + 40 (as in
 * attacks-rev64-way-back-other-thread.c). */
__attribute__((noinline)) void leave(void) {
  first_sp = *(volatile uintptr_t *)((char *)__builtin_frame_address(0) + 40);
  pthread_exit(NULL); /* the vault's frames stay live on its stack */
}

__attribute__((noinline)) void redirect(void) {
  volatile uintptr_t *sp =
      (volatile uintptr_t *)((char *)__builtin_frame_address(0) + 40);
  if (attack)
    *sp = first_sp;
  printf("saved stack pointer moved: %s\n", attack ? "yes" : "no");
}

static pthread_t first_self;

static void *first(void *unused) {
  (void)unused;
  first_self = pthread_self();
  first_tid = (pid_t)syscall(SYS_gettid);
  vault_hold(1, leave);
  return NULL;
}

static void *second(void *unused) {
  (void)unused;
  if ((pid_t)syscall(SYS_gettid) != first_tid) {
    printf("setup: the second thread is not %d\n", (int)first_tid);
    _exit(1);
  }
  printf("control: the second thread has the first's id\n");
  printf("control: the second thread has %s fs base\n",
         pthread_self() != first_self ? "another" : "the first's");
  printf("second thread's vault call: %ld\n", vault_hold(2, redirect));
  return NULL;
}

static int scenario(void) {
  pthread_t t;
  CHECK(pthread_create(&t, NULL, first, NULL) == 0);
  CHECK(pthread_join(t, NULL) == 0);
  /* Its id is free once the kernel reaped it. */
  wait_task_gone(first_tid);
  if (give_next_tid(first_tid))
    return 1;
  /* Not glibc's cached stack of the first thread: another fs base. */
  pthread_attr_t other_size;
  CHECK(pthread_attr_init(&other_size) == 0);
  CHECK(pthread_attr_setstacksize(&other_size, 1 << 20) == 0);
  CHECK(pthread_create(&t, &other_size, second, NULL) == 0);
  CHECK(pthread_join(t, NULL) == 0);
  return 0;
}

/* In a child: the way back may trap. */
int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  attack = !(argc > 1 && !strcmp(argv[1], "control"));
  run_scene_in_child(scenario);
  puts("attacks-rev71-tid-reuse-kept-way-back: end");
  return 0;
}
