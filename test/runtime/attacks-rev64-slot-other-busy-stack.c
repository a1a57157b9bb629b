// Attacker model A (key-0 loads and stores only, from a second thread):
// one store into a thread's vault slot (`__bulkhead_stack.vault`, key-0
// TLS) points its next vault entry at the main thread's vault stack while
// the main thread runs vault code there, with no call out live: the
// fresh-top restart check (review 61) finds no cookie to stop it, and a
// slot below the main thread's mark was always taken ("Same arena, other
// stack" in threat-model.md). The entry then writes its frames over the
// main thread's live ones.
//
// How: the main thread enters vault_busy, which fills 4 KiB of locals and
// waits, in vault code, for a default-domain flag (key-0 memory, which the
// vault may read). A second thread has entered the vault once (a stack of
// its own). The attacker stores into the second thread's slot the main
// thread's stack's fresh top ("fresh"), or 512 bytes below it ("below":
// in vault_busy's locals, under the main thread's mark), found from the
// read-only owner table and the vault's descriptor as in
// attacks-rev61b-slot-other-fresh-top.c. The second thread's next entry,
// vault_scribble, writes 1 KiB of 'A' into its own locals; then the flag
// is set and vault_busy counts its locals that became 'A'. Control: the
// same without the store.
//
// Seen before the fix (LLVM 19, -O2, guest): "main, back from waiting: N
// bytes of its locals are 'A'" with N > 0 and ATTACK SUCCEEDED, 3 of 3 in
// both modes. Fixed: each stack's header holds its owner's fs base
// (abi.h, BH_STACK_OWNER_BELOW), which only the CPU gives (RDFSBASE);
// another thread's entry traps unless the stack's fresh top has nothing
// live (pass/AsmEmitter.cpp loadStackTop): the child dies of SIGILL.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -pthread %s -o %t
// RUN: %run %t control | FileCheck %s --check-prefix=CONTROL
// RUN: %run %t fresh | FileCheck %s
// RUN: %run %t below | FileCheck %s
// CONTROL: second thread's slot: stored no
// CONTROL: main, back from waiting: 0 bytes of its locals are 'A'
// CONTROL: child: exit 0
// CHECK: second thread's slot: stored yes
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: child: signal 4
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: attacks-rev64-slot-other-busy-stack: end
#include "Inputs/check.h"
#include "Inputs/vault-scribble.h"
#include "Inputs/stack-owners.h"
#include "Inputs/tls-words.h"
#include <bulkhead.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>


static int mode; /* 0 control, 1 fresh top, 2 below it */
static volatile int busy, go; /* key 0: the vault reads them */
static pthread_t second;
static uint32_t main_tid;
static pthread_barrier_t ready, stored;

BULKHEAD_ENTRY(vault) int vault_busy(void) {
  volatile char buf[4096];
  for (int k = 0; k < 4096; k++)
    buf[k] = 'v';
  busy = 1;
  while (!go) /* vault code, no call out */
    ;
  int changed = 0;
  for (int k = 0; k < 4096; k++)
    changed += buf[k] == 'A';
  printf("main, back from waiting: %d bytes of its locals are 'A'\n",
         changed);
  if (changed)
    puts("ATTACK SUCCEEDED: another thread's vault entry wrote over the "
         "main thread's live vault frame");
  return changed;
}

static void *second_thread(void *unused) {
  (void)unused;
  vault_scribble('B'); /* its first vault entry: a stack of its own */
  pthread_barrier_wait(&ready);
  pthread_barrier_wait(&stored);
  vault_scribble('A');
  puts("second thread: ran vault code");
  go = 1;
  return NULL;
}

/* The attacker: key-0 loads and stores only. */
static void *attacker(void *unused) {
  (void)unused;
  uintptr_t off = (uintptr_t)tls_word("__bulkhead_stack.vault") -
                  (uintptr_t)pthread_self();
  pthread_barrier_wait(&ready);
  while (!busy)
    ;
  uintptr_t top = mode ? vault_fresh_top(main_tid) : 0;
  int done = top != 0;
  if (done) {
    uintptr_t *slot = (uintptr_t *)((uintptr_t)second + off);
    *slot = mode == 1 ? top : top - 512;
  }
  printf("second thread's slot: stored %s\n", done ? "yes" : "no");
  pthread_barrier_wait(&stored);
  return NULL;
}

static int scenario(void) {
  CHECK(domain_table[0] == 1);
  main_tid = (uint32_t)syscall(SYS_gettid);
  pthread_barrier_init(&ready, NULL, 2);
  pthread_barrier_init(&stored, NULL, 2);
  pthread_t a;
  CHECK(pthread_create(&second, NULL, second_thread, NULL) == 0);
  CHECK(pthread_create(&a, NULL, attacker, NULL) == 0);
  vault_busy();
  CHECK(pthread_join(second, NULL) == 0);
  CHECK(pthread_join(a, NULL) == 0);
  return 0;
}

/* In a child: the main thread's way out of the vault may not survive. */
int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  mode = argc < 2 || !strcmp(argv[1], "control") ? 0
         : !strcmp(argv[1], "fresh")              ? 1
                                                  : 2;
  run_scene_in_child(scenario);
  puts("attacks-rev64-slot-other-busy-stack: end");
  return 0;
}
