// Review 63a, attacker model A (key-0 loads and stores only: a second
// thread's one store into the main thread's vault slot, key-0 TLS).
// b5f0569 refuses a restart of a stack's mark at its fresh top while a
// call out is live above the mark (a word there holds the vault's cookie).
// A run-time-chosen call out of the vault (the any-trampoline, also
// bh_as_default: pass/Stacks.cpp finishAnyTrampolines, runtime/spawn.c)
// moves the slot but not the mark (design.md, "Marks"), so its record
// (the vault's index and plain cookie) lies *below* the mark, where the
// scan never looks, and the vault's live frames between the record and
// the mark are not covered by the mark at all.
//
// How: the main thread enters vault_hold (4 KiB of locals), which calls
// lib_apply (uninstrumented code, a tail jump) with a default-domain
// callback: the any-trampoline. While the callback waits, the attacker
// thread stores into the main thread's vault slot (its address from the
// symbol table and the main thread's pthread_t) either the stack's fresh
// top (read from the same slot before vault_hold) or 512 bytes below it
// ("below": inside vault_hold's locals, under the entry's frame). The
// callback's honest nested entry, vault_scribble, then runs from there:
// at the fresh top the scan from the mark up finds no cookie (the record
// is below the mark) and restarts the mark; 512 bytes below it the slot
// is below the mark and simply accepted. Either way it writes 1 KiB of
// its byte into vault_hold's live locals, and the vault resumes on them.
// The control makes the same calls without the store.
//
// Seen in the guest (LLVM 19, -O2), 3 of 3 each: fresh top: "main, back
// in the vault: 1024 bytes of its locals are 'A'", ATTACK SUCCEEDED, then
// the child's SIGILL (the outermost way back meets the nested entry's
// frame); below: the same 1024 bytes and ATTACK SUCCEEDED, the child then
// exits 0 (nothing notices); control: 0 bytes, "child: exit 0".
// threat-model.md says a slot is used only "no higher than the mark ...
// so no store points a nested entry into the compartment's live frames";
// design.md's "stay reachable as before" is the "below" case, not listed
// as open in threat-model.md.
//
// Suggested fix: a run-time-chosen call out lowers the mark like a static
// one (its record keeps the old mark, which __bulkhead_return_to_index
// puts back after its cookie check, and the unwinder and the voiding of
// records treat it as they do a static frame's), so the record lies
// between the mark and the top, where the restart's scan finds it, and a
// slot between the record and the entry is refused.
// Fixed: the any-trampoline and bh_as_default point the mark at their
// record (abi.h, BH_RECORD_OLD_MARK; __bulkhead_return_to_index puts the
// old mark back), so the restart's scan finds the record's cookie and a
// slot below the record is below the mark.
// Seen after: 3 of 3 in the guest.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -pthread %s -o %t
// RUN: %run %t control | FileCheck %s --check-prefix=CONTROL
// RUN: %run %t | FileCheck %s
// RUN: %run %t below | FileCheck %s --check-prefix=BELOW
// CONTROL: main thread's slot left alone
// CONTROL: main, back in the vault: 0 bytes of its locals are 'A'
// CONTROL: child: exit 0
// CONTROL: attacks-rev63a-any-callout-restart: end
// CHECK: main thread's slot at the fresh top
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: attacks-rev63a-any-callout-restart: end
// BELOW: main thread's slot 512 bytes below the fresh top
// BELOW-NOT: ATTACK SUCCEEDED
// BELOW: attacks-rev63a-any-callout-restart: end
#include "Inputs/check.h"
#include "Inputs/vault-scribble.h"
#include "Inputs/tls-words.h"
#include <pthread.h>
#include <sys/wait.h>

static int restart = 1; /* 0: control, 1: the fresh top, 2: below it */
static pthread_t main_thread;
static pthread_barrier_t ready, outside, stored;

/* An uninstrumented library's function that calls a pointer it is given
 * (a tail call: no frame of its own). */
extern void lib_apply(void (*f)(void));
__asm__(".text\n.globl lib_apply\n.type lib_apply,@function\nlib_apply:\n"
        "\tjmp *%rdi\n.size lib_apply, .-lib_apply\n");

void app_wait(void);
/* The callback, as the vault gets it: not known at compile time. */
static void (*volatile wait_cb)(void) = app_wait;

BULKHEAD_ENTRY(vault) int vault_noop(int x) { return x + 1; }
BULKHEAD_ENTRY(vault) int vault_hold(void) {
  volatile char buf[4096];
  for (int k = 0; k < 4096; k++)
    buf[k] = 'v';
  lib_apply(wait_cb); /* a run-time-chosen call out: these frames stay live */
  int changed = 0;
  for (int k = 0; k < 4096; k++)
    changed += buf[k] == 'A';
  printf("main, back in the vault: %d bytes of its locals are 'A'\n", changed);
  if (changed)
    puts("ATTACK SUCCEEDED: a nested vault entry wrote the "
         "attacker's bytes into the vault's live frame, which the vault "
         "then resumed");
  return changed;
}
/* The program's callback, in the default domain, between the vault's
 * frames and their return: it waits, then enters the vault again. */
__attribute__((noinline)) void app_wait(void) {
  pthread_barrier_wait(&outside);
  pthread_barrier_wait(&stored);
  vault_scribble('A');
}

/* The attacker: key-0 loads and stores only. */
static void *attacker(void *unused) {
  (void)unused;
  /* The main thread's vault slot: its offset from a thread pointer (the
   * symbol table), the main thread's pointer its pthread_t (key-0). */
  uintptr_t *slot =
      (uintptr_t *)((uintptr_t)tls_word("__bulkhead_stack.vault") -
                    (uintptr_t)pthread_self() + (uintptr_t)main_thread);
  pthread_barrier_wait(&ready);
  uintptr_t fresh_top = *slot; /* nothing of the vault live: its fresh top */
  pthread_barrier_wait(&ready);
  pthread_barrier_wait(&outside);
  /* The main thread is in the vault's run-time-chosen call out. */
  if (restart == 1)
    *slot = fresh_top; /* the store */
  if (restart == 2)    /* below the entry's frame, in vault_hold's locals */
    *slot = fresh_top - 512;
  printf("main thread's slot %s\n", *slot == fresh_top ? "at the fresh top"
                                    : *slot == fresh_top - 512
                                        ? "512 bytes below the fresh top"
                                        : "left alone");
  pthread_barrier_wait(&stored);
  return NULL;
}

/* The scenario, in a child (run_scene_in_child). */
static int scenario(void) {
  alarm(20);
  main_thread = pthread_self();
  CHECK(pthread_barrier_init(&ready, NULL, 2) == 0);
  CHECK(pthread_barrier_init(&outside, NULL, 2) == 0);
  CHECK(pthread_barrier_init(&stored, NULL, 2) == 0);
  pthread_t a;
  CHECK(pthread_create(&a, NULL, attacker, NULL) == 0);
  vault_noop(0); /* the thread's vault stack */
  pthread_barrier_wait(&ready);
  pthread_barrier_wait(&ready); /* the attacker has read the slot */
  vault_hold();
  puts("child: back out of the vault");
  return 0;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  restart = argc < 2 ? 1 : !strcmp(argv[1], "below") ? 2 : 0;
  run_scene_in_child(scenario);
  puts("attacks-rev63a-any-callout-restart: end");
  return 0;
}
