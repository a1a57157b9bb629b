// Attacker model A (key-0 loads and stores only, a second thread): the
// saved stack pointer of one thread's call out of the vault (key 0, on the
// default domain's stack) moved to another thread's live call out of the
// vault: the way back's checks (in the vault's arena, at the vault's
// marked cookie) pass, and the first thread resumes the second thread's
// vault activation on the second thread's stack ("Same arena, other
// stack" in threat-model.md).
//
// How: threads 1 and 2 each enter vault_hold, which notes the thread's id
// and calls out to wait_outside. Thread 2 publishes its call out's saved
// stack pointer (BH_FRAME_FROM_SP of the frame above wait_outside's return
// address) and waits; thread 1 stores it into its own call out's saved
// stack pointer and returns. Back "in vault_hold", thread 1 finds the id
// noted at entry is not its own. Control: no store.
//
// Seen before the fix (LLVM 19, -O2, guest): "vault_hold resumed by
// another thread", ATTACK SUCCEEDED, 3 of 3. Fixed: the way back checks
// that the stack it returns to is this thread's (its owner's fs base in
// the stack's header, abi.h BH_STACK_OWNER_BELOW, pass/Stacks.cpp): the
// child dies of SIGILL.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -pthread %s -o %t
// RUN: %run %t control | FileCheck %s --check-prefix=CONTROL
// RUN: %run %t | FileCheck %s
// CONTROL: saved stack pointer moved: no
// CONTROL: child: exit 0
// CHECK: saved stack pointer moved: yes
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: child: signal 4
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: attacks-rev64-way-back-other-thread: end
#include "Inputs/check.h"
#include <bulkhead.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int attack;
static volatile uintptr_t second_sp; /* thread 2's saved stack pointer */
static volatile int moved, done;

void wait_outside(int who);

BULKHEAD_ENTRY(vault) int vault_hold(int who) {
  volatile long tid = syscall(SYS_gettid);
  wait_outside(who);
  if (tid != syscall(SYS_gettid)) {
    puts("vault_hold resumed by another thread");
    puts("ATTACK SUCCEEDED: a thread's way back took another thread's "
         "live vault frames");
  }
  return (int)tid;
}

/* The call out's frame (abi.h, BH_FRAME_*) lies above the return address
 * into the trampoline: its saved stack pointer at frame + 40. */
__attribute__((noinline)) void wait_outside(int who) {
  volatile uintptr_t *sp =
      (volatile uintptr_t *)((char *)__builtin_frame_address(0) + 40);
  if (who == 2) {
    second_sp = *sp;
    while (!done)
      usleep(1000);
    return;
  }
  while (!second_sp)
    usleep(1000);
  if (attack) {
    *sp = second_sp;
    moved = 1;
  }
  printf("saved stack pointer moved: %s\n", moved ? "yes" : "no");
}

static void *second(void *unused) {
  (void)unused;
  vault_hold(2);
  return NULL;
}

static int scenario(void) {
  pthread_t t;
  CHECK(pthread_create(&t, NULL, second, NULL) == 0);
  vault_hold(1);
  done = 1;
  CHECK(pthread_join(t, NULL) == 0);
  return 0;
}

/* In a child: two threads on one stack may not survive. */
int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  attack = !(argc > 1 && !strcmp(argv[1], "control"));
  run_scene_in_child(scenario);
  puts("attacks-rev64-way-back-other-thread: end");
  return 0;
}
