// Attacker model B (the default domain's code: a signal handler of its
// own) with one key-0 store: an entry that takes another thread's stack
// over at its fresh top checks "nothing live" (the mark at the fresh top)
// in the owner check of pass/AsmEmitter.cpp loadStackTop, and only some
// instructions later starts the mark over and writes itself as the owner.
// Nothing stops the owner thread from entering the stack and going live
// in between: the rest of loadStackTop then runs as on the entering
// thread's own stack, where frames live below the mark with no call out's
// cookie above them cannot be, so it restarts the stack over them.
//
// How: the main thread enters the vault once (its stack S, idle after).
// The attacker stores S's fresh top into a second thread's vault slot;
// that thread calls vault_scribble in a loop (each entry takes S over at
// its fresh top, with nothing live). The attacker sends it SIGUSR1 until
// its handler (default-domain code) finds it interrupted past the owner
// check and before the restart's mark store (code at the interrupted pc:
// the restart's mark store comes before the check's own mark read; rax,
// the slot, is S's fresh top) and waits there. The dispatcher runs the
// handler without keeping anything: the slot names a stack the owner
// table gives to the main thread. The main thread then enters vault_busy
// on S (its own stack in the table; the header's owner the second thread
// or itself, the mark at the fresh top: it is taken, and its frames go
// live); vault_busy fills 4 KiB of locals with 'v' and waits in vault
// code. The handler returns: the second thread restarts S and runs
// vault_scribble('B') over vault_busy's live locals.
// Control: the second thread's slot is left alone; the same pause (at its
// own stack's fresh top) then changes nothing of the main thread's.
//
// Seen on main at 8e715f7 (LLVM 19, -O2, guest): "paused: yes", "main,
// back from waiting: 1024 bytes of its locals changed", ATTACK SUCCEEDED,
// 3 of 3; control: 0 bytes.
// Fixed: no takeover in the trampolines: the runtime writes the owner
// word (with the compartment's rights) when it gives a stack to a thread
// (runtime/stacks.c own_stacks), and an entry that finds another owner
// traps (loadStackTop's trapUnlessOwner). A lock cmpxchg on the owner
// word alone would not have closed it: the old owner reads its own name
// before the taker's claim and the mark after the taker's frames are
// live, and its own-stack path restarts over them. Seen after: the second
// thread's entry traps (child: signal 4), 3 of 3.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -pthread %s -o %t
// RUN: %run %t control | FileCheck %s --check-prefix=CONTROL
// RUN: %run %t attack | FileCheck %s
// CONTROL: owner check: on
// CONTROL: slot: stored no
// CONTROL: paused: yes
// CONTROL: main, back from waiting: 0 bytes of its locals changed
// CONTROL: attacks-rev67b-takeover-race: end
// CHECK: owner check: on
// CHECK: slot: stored yes
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: attacks-rev67b-takeover-race: end
#include "Inputs/check.h"
#include "Inputs/vault-scribble.h"
#include "Inputs/stack-owners.h"
#include "Inputs/tls-words.h"
#include <bulkhead.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

extern const char domain0[] __asm__("__bulkhead_domain0");
#define DOMAIN_OWNER_CHECK 76 /* abi.h: BH_DOMAIN_OWNER_CHECK */

static int attack;
/* key 0: the vault reads some */
static volatile int started, paused, busy, go, done;
static volatile uintptr_t top; /* the second thread's slot, in the window */

BULKHEAD_ENTRY(vault) int vault_busy(void) {
  volatile char buf[4096];
  for (int k = 0; k < 4096; k++)
    buf[k] = 'v';
  busy = 1;
  while (!go) /* vault code, no call out */
    ;
  int changed = 0;
  for (int k = 0; k < 4096; k++)
    changed += buf[k] != 'v';
  printf("main, back from waiting: %d bytes of its locals changed\n",
         changed);
  if (changed) {
    puts("ATTACK SUCCEEDED: another thread's entry took the stack over and "
         "started it over the main thread's live vault frames");
    _exit(3); /* its entry frame is the second thread's now */
  }
  return changed;
}

/* Past the owner check, before the restart's mark store
 * (pass/AsmEmitter.cpp loadStackTop): scanning on from pc, the restart's
 * `movq %rax, -7(%rdx)` comes before the owner compare `cmpq %rcx,
 * -23(%rdx)` and the takeover's mark read `movq -7(%rdx), %rcx; testq
 * %rcx, %rcx; jz +9`. */
static int in_window(const unsigned char *pc) {
  static const unsigned char owner_cmp[] = {0x48, 0x39, 0x4a, 0xe9},
                             check_rd[] = {0x48, 0x8b, 0x4a, 0xf9, 0x48,
                                           0x85, 0xc9, 0x74, 0x09},
                             restart_st[] = {0x48, 0x89, 0x42, 0xf9};
  for (int i = 0; i < 160; i++) {
    if (!memcmp(pc + i, owner_cmp, sizeof owner_cmp) ||
        !memcmp(pc + i, check_rd, sizeof check_rd))
      return 0;
    if (!memcmp(pc + i, restart_st, sizeof restart_st))
      return 1;
  }
  return 0;
}

static void on_usr1(int sig, siginfo_t *si, void *ucv) {
  (void)sig, (void)si;
  ucontext_t *uc = ucv;
  /* In the control the dispatcher keeps the frame (the thread is on its
   * own stack) and wipes its registers but rip and rsp from what the
   * handler sees (signals.c wipe_registers): there the pc alone tells. */
  if (paused || !top ||
      (attack && ((uintptr_t)uc->uc_mcontext.gregs[REG_RAX] != top ||
                  (uintptr_t)uc->uc_mcontext.gregs[REG_RDX] !=
                      top + HEADER - 1)) ||
      !in_window((const unsigned char *)uc->uc_mcontext.gregs[REG_RIP]))
    return;
  paused = 1;
  while (!busy) /* the main thread's vault frames are live */
    ;
  usleep(1000);
}

static uintptr_t off;
static volatile uint32_t second_tid;

static void *second_thread(void *unused) {
  (void)unused;
  vault_scribble('B'); /* a stack of its own */
  second_tid = (uint32_t)syscall(SYS_gettid);
  while (!started)
    ;
  while (!paused)
    vault_scribble('b');
  go = 1;
  done = 1;
  return NULL;
}

static int scenario(void) {
  CHECK(domain_table[0] == 1);
  printf("owner check: %s\n",
         *(const uint32_t *)(domain0 + DOMAIN_OWNER_CHECK) ? "on" : "off");
  off = (uintptr_t)tls_word("__bulkhead_stack.vault") -
        (uintptr_t)pthread_self();
  uint32_t main_tid = (uint32_t)syscall(SYS_gettid);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_usr1;
  sa.sa_flags = SA_SIGINFO;
  CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
  vault_scribble('M'); /* the main thread's stack S, idle after */
  pthread_t second;
  CHECK(pthread_create(&second, NULL, second_thread, NULL) == 0);
  while (!second_tid)
    ;
  uintptr_t t = vault_fresh_top(attack ? main_tid : second_tid);
  CHECK(t);
  if (attack) /* the second thread now enters at S's fresh top */
    *(uintptr_t *)((uintptr_t)second + off) = t;
  printf("slot: stored %s\n", attack ? "yes" : "no");
  top = t;
  started = 1;
  for (long i = 0; !paused && i < 4000000; i++) {
    pthread_kill(second, SIGUSR1);
    if (i % 64 == 0)
      usleep(50);
  }
  printf("paused: %s\n", paused ? "yes" : "no");
  if (!paused) {
    go = 1;
    return 1;
  }
  vault_busy(); /* on S */
  while (!done)
    ;
  return 0; /* no join: the second thread's way out may not survive */
}

/* In a child: it may not survive. */
int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  attack = argc > 1 && !strcmp(argv[1], "attack");
  run_scene_in_child(scenario);
  puts("attacks-rev67b-takeover-race: end");
  return 0;
}
