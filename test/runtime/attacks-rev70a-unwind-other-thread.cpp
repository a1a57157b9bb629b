// Review 70a, attacker model A (key-0 loads and stores, a second thread):
// the vault's unwinder on one thread takes another thread's live call out
// of the vault for a frame of its own, and runs the vault's catch of that
// other thread's activation, with the vault's rights, on the other
// thread's vault stack. The unwinder's check of a call out's saved stack
// pointer (unwind-copy.c, put_checked_cfa) asked "in the vault's arena, at
// its marked cookie", not "on this thread's stack", while the call out's
// way back traps on another thread's stack since review 64
// (attacks-rev64-way-back-other-thread.c).
// How: thread 2 enters vault_serve, which calls out to wait_outside in a
// try. Thread 1 (the child's main) enters vault_wait_throw, which waits
// and then throws E{7}. wait_outside (the default domain's code on thread
// 2) finds the return address into t1_enter on thread 1's stack (the
// entry's, a key-0 word) and copies over it and the four words above it
// the same five words of its own frame: the return address into the call
// out's trampoline and the trampoline's frame, whose saved stack pointer
// points at thread 2's marked cookie. Thread 1's unwinder then goes from
// the entry's frame to that trampoline's, whose checked CFA passes, into
// vault_serve's frame on thread 2's stack; its catch runs on thread 1
// (vault_serve's own check of the thread id it noted at entry). Thread
// 1's unwinder leaves thread 2's record alone (bh_stack_void_records
// asks the owner table), so thread 2's way back would resume the same
// frames later. Control: no store; main's catch (default domain) takes E.
// Seen in the guest (LLVM 19, -O2, filter on) at 2102036: "vault_serve's
// catch ran on thread 1", ATTACK SUCCEEDED, 3 of 3; control "main caught
// E{7}", 3 of 3.
// Fixed: the copy is made by the unwinding thread for its own unwinder,
// in the ring of its own stack of the vault, so its constants are that
// stack's bounds, not the arena's (unwind-copy.c, put_checked_cfa; the
// threat model said the check could not ask for the owner, as DWARF
// cannot read the fs base). Thread 1's unwinder now stops at the forged
// call out with one line, and the child dies of SIGSEGV.
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 -pthread %s -o %t
// RUN: %run %t control | FileCheck %s --check-prefix=CONTROL
// RUN: %run %t > %t.out 2> %t.err || true
// RUN: FileCheck %s < %t.out
// RUN: FileCheck %s --check-prefix=ERR < %t.err
// CONTROL: return address into t1_enter: found
// CONTROL: main caught E{7}
// CONTROL: vault_serve returned 1
// CONTROL: child: exit 0
// CHECK: return address into t1_enter: found
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: child: signal 11
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: attacks-rev70a-unwind-other-thread: end
// ERR: bulkhead: the unwinder stopped in compartment 'vault' at a call out of the compartment whose saved stack pointer does not point at the compartment's cookie on this thread's stack
#include "Inputs/check.h"
#include "Inputs/vault-key.h"
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int attack;
static volatile int in_vault, go, done;
static uintptr_t *volatile t1_top; /* near the top of thread 1's stack */

extern "C" void wait_outside(void);
extern "C" void t1_enter(void);

extern "C" BULKHEAD_ENTRY(vault) int vault_serve(void) {
  volatile long tid = syscall(SYS_gettid);
  try {
    wait_outside();
  } catch (E &e) {
    if (tid != syscall(SYS_gettid)) {
      printf("vault_serve's catch ran on thread 1, for E{%ld}\n", e.v);
      puts("ATTACK SUCCEEDED: thread 1's unwinder ran the vault's catch of "
           "thread 2's activation, on thread 2's vault stack");
      _exit(0);
    }
    return 2;
  }
  return 1;
}

extern "C" BULKHEAD_ENTRY(vault) void vault_wait_throw(void) {
  in_vault = 1;
  while (!go)
    usleep(1000);
  throw E{7};
}

/* The return address into t1_enter on thread 1's stack (below t1_top). */
static volatile uintptr_t *find_t1_return(void) {
  uintptr_t lo;
  __asm__("leaq t1_enter(%%rip), %0" : "=r"(lo));
  for (volatile uintptr_t *w = t1_top; w > t1_top - 4096; w--)
    if (*w > lo && *w < lo + 64)
      return w;
  return NULL;
}

/* Thread 2's call out of the vault: its frame pointer's word above is the
 * return address into the trampoline, and above that the trampoline's
 * frame (abi.h, BH_FRAME_*: the saved stack pointer last). */
extern "C" __attribute__((noinline)) void wait_outside(void) {
  uintptr_t *f = (uintptr_t *)__builtin_frame_address(0);
  while (!in_vault)
    usleep(1000);
  usleep(100000);
  volatile uintptr_t *w = find_t1_return();
  printf("return address into t1_enter: %s\n", w ? "found" : "not found");
  if (w && attack)
    for (int k = 0; k < 5; k++)
      w[k] = f[1 + k];
  go = 1;
  while (!done)
    usleep(1000);
}

extern "C" __attribute__((noinline)) void t1_enter(void) {
  vault_wait_throw();
  __asm__ volatile("" ::: "memory"); /* not a tail call */
}

static void *second(void *) {
  printf("vault_serve returned %d\n", vault_serve());
  return NULL;
}

static int scenario(void) {
  uintptr_t here = 0;
  t1_top = &here;
  pthread_t t;
  if (pthread_create(&t, NULL, second, NULL))
    return 1;
  try {
    t1_enter();
  } catch (E &e) {
    printf("main caught E{%ld}\n", e.v);
  }
  done = 1;
  pthread_join(t, NULL);
  return 0;
}

/* In a child: two threads on one vault stack may not survive. */
int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  attack = !(argc > 1 && !strcmp(argv[1], "control"));
  run_scene_in_child(scenario);
  puts("attacks-rev70a-unwind-other-thread: end");
  return 0;
}
