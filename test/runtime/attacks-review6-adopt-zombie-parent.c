// Attacker model B. The supervisor refuses "adopt" (after fork, the one
// thread left takes over every compartment stack its parent's threads
// held) to a process that shares its parent's memory: it compares the
// asking process with its parent (PPid) by kcmp(KCMP_VM) (runtime/
// supervisor.c shares_parents_memory; review 2,
// attacks-review2-adopt-shared-vm.c). The parent is named by its
// thread-group id, i.e. its leader's task; once the leader has ended while
// other threads live (main calls pthread_exit: a zombie leader) that task
// has no memory. kcmp then says "another memory" (and the leader's stat,
// with no memory, does not even look like our process): the adoption is
// allowed. The default domain lets the main thread end, a clone(CLONE_VM)
// child of the process asks to adopt, which hands it the victim thread's
// vault stack, releases that stack while the victim thread still runs
// vault code on it, and enters the vault itself: it claims that stack
// and overwrites the victim's live vault frame, two tasks on one
// compartment stack again (what review 2 fixed). (A thread of the process
// could not claim it here: with the leader gone the supervisor's
// /proc/<tgid>/mem fails, and every later claim or release of the process
// stops it, a program that ends main with pthread_exit included.) Found in the sixth
// review; reproduced in the QEMU guest (6.1).
//
// Fixed: the caller is compared with every live thread of its parent
// (/proc/<ppid>/task/*; supervisor.c bh_tgid_shares_memory_of; none
// comparable counts as sharing).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -pthread %s -o %t
// RUN: %run %t | FileCheck %s
// CHECK: attacks-review6-adopt-zombie-parent: ok
#define WAITER "victim"
#include "Inputs/adopt-scene.h"
#include <pthread.h>

static int fds[2];
static volatile int go, child_done, slot = -1;
static volatile long adopt_rc = -1, release_rc = -1;

static volatile uint32_t new_owner;

/* A process of its own with our memory, on the ended leader's TLS. */
static int shared_vm_child(void *arg) {
  (void)arg;
  while (!go)
    ;
  adopt_rc = raw_syscall4(SYS_ioctl, REQUEST_FD, ADOPT, 0, 0);
  if (adopt_rc == 0)
    release_rc = raw_syscall4(SYS_ioctl, REQUEST_FD, RELEASE, slot / BH_STACKS_PER_ARENA,
                              slot % BH_STACKS_PER_ARENA);
  if (adopt_rc == 0 && release_rc == 0) {
    vault_scribble(); /* claims the freed stack: the victim's */
    new_owner = stack_owners[slot];
  }
  child_done = 1;
  return 0;
}

static void *second_thread(void *arg) {
  (void)arg;
  while (!child_done)
    ;
  printf("adopt %ld, release %ld; the victim's stack's owner: %u\n", adopt_rc,
         release_rc, stack_owners[slot]);
  fflush(stdout);
  if (new_owner) {
    printf("ATTACK: the victim's vault stack was claimed by %u too\n", new_owner);
    fflush(stdout);
  }
  CHECK(write(fds[1], "x", 1) == 1);
  return NULL;
}

static void *waker(void *arg) {
  (void)arg;
  usleep(500 * 1000); /* the victim is blocked in the vault, main is gone */
  go = 1;
  return NULL;
}

static volatile int victim_ready;

static void *victim(void *arg) {
  (void)arg;
  vault_touch(); /* this thread holds a vault stack from here */
  slot = this_thread_slot();
  victim_ready = 1;
  int changed = vault_wait(fds[0]);
  if (changed) {
    puts("attacks-review6-adopt-zombie-parent: BROKEN: another thread's vault "
         "frames overwrote the victim's");
    fflush(stdout);
    exit(1);
  }
  puts("attacks-review6-adopt-zombie-parent: ok");
  fflush(stdout);
  exit(0);
}

int main(void) {
  CHECK(pipe(fds) == 0);
  pthread_t v, t, w;
  CHECK(pthread_create(&v, NULL, victim, NULL) == 0);
  while (!victim_ready)
    sched_yield();
  clone_shared_vm(shared_vm_child);
  CHECK(pthread_create(&t, NULL, second_thread, NULL) == 0);
  CHECK(pthread_create(&w, NULL, waker, NULL) == 0);
  /* The leader ends; the process lives on in its threads. */
  pthread_exit(NULL);
}
