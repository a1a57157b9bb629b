// Attacker model B (the default domain's code: a signal handler of its
// own) with key-0 stores: keep (runtime/signals.c, bf13c9e) takes a stack
// whose header names another owner when its mark says nothing is live.
// A thread paused inside its entry trampoline after the restart wrote the
// owner and before it moved the mark (pass/AsmEmitter.cpp loadStackTop,
// then writeCompartmentFrameTop) has no frames yet, but the trampoline
// resumes with the stack top it already chose: its frames go live on a
// stack whose header now names the other thread as owner. That thread's
// next entry at the stack's fresh top passes the owner check, finds no
// call out's cookie below the mark and starts the stack over: its frames
// are written over the live frames of the paused-then-resumed thread.
//
// How: the main thread enters the vault once (its stack S, idle after).
// The attacker stores S's fresh top into a second thread's vault slot;
// that thread calls vault_busy in a loop (each entry takes S over at its
// fresh top). The attacker sends it SIGUSR1 until its handler (default-
// domain code) finds it interrupted in the window (code at the
// interrupted pc: the next of the restart's owner store, kept-record
// clear and the frame's mark store is the mark store) and waits there.
// The attacker then stores 64 KiB below S's fresh top into the main
// thread's slot: its vault entry is refused (S's owner is the second
// thread, the slot not its fresh top), SIGILL; the dispatcher takes the
// slot (S is the main thread's in the owner table) and keep, finding the
// mark at the fresh top, writes the main thread's fs base as S's owner.
// The SIGILL handler lets the second thread go on (vault_busy fills 4 KiB
// of locals with 'v' and waits in vault code) and leaves by siglongjmp;
// the main thread's slot is stored back to S's fresh top and it enters
// the vault again: vault_scribble's 'M's land in vault_busy's locals.
// Control: no stores (nothing is refused, 0 bytes change).
//
// Seen on main at bf13c9e (LLVM 19, -O2, guest): "paused: yes", "second,
// back from waiting: 1024 bytes of its locals changed", ATTACK SUCCEEDED;
// control: 0 bytes, exit 0. With signals.c as of 527f3f0 (keep refusing
// any other owner) the same run stops at keep's "another thread has taken
// over" line (2 of 2).
// Before bf13c9e keep stopped the program at the other owner. Suggested
// fix: keep should not take a stack over (return 2 whenever the header
// names another owner) and the first-entry case bf13c9e fixed should be
// told apart another way (e.g. the runtime writing the owner word when it
// claims the stack for this thread, with the compartment's rights), or
// the takeover should be made atomic with the entry (a lock cmpxchg on
// the owner word) and the trampoline re-check the owner after moving the
// mark.
// Fixed (runtime/signals.c keep): the dispatcher never changes a stack's
// owner; with nothing live it keeps the frame and leaves the owner, and
// with frames live under another owner it stops the program. A's later
// entry then traps and the program stops with keep's line (child:
// signal 6). Seen after: 3 of 3 in the guest.
// Since review 67b no entry takes a stack over (the runtime writes the
// owner when the owner table gives a stack, runtime/stacks.c own_stacks,
// and the trampolines have no owner store left to pause after): the
// second thread's first entry at S traps before any vault frame is
// written, and the scene ends there (its SIGILL handler says so and ends
// the child).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -pthread %s -o %t
// RUN: %run %t control | FileCheck %s --check-prefix=CONTROL
// RUN: %run %t attack | FileCheck %s
// CONTROL: slots: stored no
// CONTROL: second, back from waiting: 0 bytes of its locals changed
// CONTROL: child: exit 0
// CONTROL: attacks-rev66-keep-takes-paused-entry: end
// CHECK: second: its entry at S trapped
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: child: exit 0
// CHECK: attacks-rev66-keep-takes-paused-entry: end
#include "Inputs/check.h"
#include "Inputs/vault-scribble.h"
#include "Inputs/stack-owners.h"
#include "Inputs/tls-words.h"
#include <bulkhead.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>


static int attack;
/* key 0: the vault reads some */
static volatile int armed, paused, resume, busy, go, done, trapped;
static volatile uintptr_t top;
static pthread_t main_thread, second;
static uint32_t main_tid;
static uintptr_t off;
static sigjmp_buf back;

BULKHEAD_ENTRY(vault) int vault_busy(void) {
  if (!armed)
    return 0;
  volatile char buf[4096];
  for (int k = 0; k < 4096; k++)
    buf[k] = 'v';
  busy = 1;
  while (!go) /* vault code, no call out */
    ;
  int changed = 0;
  for (int k = 0; k < 4096; k++)
    changed += buf[k] != 'v';
  printf("second, back from waiting: %d bytes of its locals changed\n",
         changed);
  if (changed)
    puts("ATTACK SUCCEEDED: an entry started the stack over the live vault "
         "frames of a thread whose entry keep had taken the stack from");
  done = 1;
  return changed;
}

/* Of the restart's owner store, its kept-record clear and the frame's mark
 * store (pass/AsmEmitter.cpp), the next one at pc is the mark store. */
static int in_window(const unsigned char *pc) {
  static const unsigned char owner_st[] = {0x48, 0x89, 0x4a, 0xe9},
                             kept_clr[] = {0x48, 0xc7, 0x42, 0xf1},
                             mark_st[] = {0x48, 0x89, 0x4a, 0xf9};
  for (int i = 0; i < 256; i++) {
    if (!memcmp(pc + i, owner_st, 4) || !memcmp(pc + i, kept_clr, 4))
      return 0;
    if (!memcmp(pc + i, mark_st, 4))
      return 1;
  }
  return 0;
}

static void on_usr1(int sig, siginfo_t *si, void *ucv) {
  (void)sig, (void)si;
  ucontext_t *uc = ucv;
  if (paused || !top || (uintptr_t)uc->uc_mcontext.gregs[REG_RAX] != top ||
      !in_window((const unsigned char *)uc->uc_mcontext.gregs[REG_RIP]))
    return;
  armed = 1;
  paused = 1;
  while (!resume)
    ;
}

static void on_sigill(int sig) {
  (void)sig;
  if ((uint32_t)syscall(SYS_gettid) != main_tid) { /* its takeover */
    puts("second: its entry at S trapped");
    _exit(0);
  }
  trapped = 1;
  puts("main: SIGILL handler ran");
  resume = 1;
  while (!busy)
    ;
  siglongjmp(back, 1);
}

static void *second_thread(void *unused) {
  (void)unused;
  vault_scribble('B'); /* a stack of its own */
  while (!top && attack)
    ;
  if (!attack) {
    armed = 1;
    vault_busy();
    return NULL;
  }
  while (!armed)
    vault_busy();
  while (!done)
    ;
  return NULL;
}

static void slot_of(pthread_t t, uintptr_t v) {
  *(uintptr_t *)((uintptr_t)t + off) = v;
}

static int scenario(void) {
  CHECK(domain_table[0] == 1);
  off = (uintptr_t)tls_word("__bulkhead_stack.vault") -
        (uintptr_t)pthread_self();
  main_tid = (uint32_t)syscall(SYS_gettid);
  main_thread = pthread_self();
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sigill;
  CHECK(sigaction(SIGILL, &sa, NULL) == 0);
  sa.sa_handler = NULL;
  sa.sa_sigaction = on_usr1;
  sa.sa_flags = SA_SIGINFO;
  CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
  vault_scribble('M'); /* the main thread's stack S, idle after */
  uintptr_t t = attack ? vault_fresh_top(main_tid) : 0;
  CHECK(pthread_create(&second, NULL, second_thread, NULL) == 0);
  if (t) {
    usleep(100000); /* the second thread has its own stack */
    slot_of(second, t); /* it takes S over at each entry */
    top = t;
    for (long i = 0; !paused && i < 2000000; i++) {
      pthread_kill(second, SIGUSR1);
      if (i % 64 == 0)
        usleep(100);
    }
  }
  printf("slots: stored %s\n", t ? "yes" : "no");
  printf("paused: %s\n", paused ? "yes" : "no");
  if (t && paused) {
    slot_of(main_thread, t - 65536);
    if (!sigsetjmp(back, 1))
      vault_scribble('M'); /* refused: S's owner is the second thread */
    puts("main: back from the handler");
    slot_of(main_thread, t);
    vault_scribble('M');
    puts("main: entered the vault at S's fresh top");
  }
  go = 1;
  while (!done)
    ;
  return 0; /* the second thread's vault frames may be gone: no join */
}

/* In a child: it may not survive. */
int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  attack = argc > 1 && !strcmp(argv[1], "attack");
  run_scene_in_child(scenario);
  puts("attacks-rev66-keep-takes-paused-entry: end");
  return 0;
}
