// Review 63b, attacker model B (the default domain's program counter):
// attacks-rev61b-restart-then-release.c through a run-time-chosen call
// out. A thread gets the supervisor to release the vault stack its own
// live vault frames are on: inside an any-trampoline call out of the
// vault the mark is not at the call out's record (the any-trampoline
// pushes its record below the mark and leaves the mark at the entry's
// frame), so b5f0569's scan between the mark and the fresh top finds no
// cookie, a slot store at the fresh top restarts the mark, and the nested
// entry puts the restarted mark (the fresh top) back on return.
// supervisor.c frames_live then sees a fresh mark and grants the release,
// and another thread's first vault entry claims the stack and runs from
// its fresh top over the live frames.
//
// How: the main thread enters vault_hold, which fills 4 KiB of locals and
// sorts two ints with libc's qsort (shared code, run with the vault's
// rights) and a comparator the default domain made: qsort's call of it
// goes through the wrapper's any-trampoline. In the comparator the
// attacker points the main thread's vault slot (key-0 TLS) at the stack's
// fresh top, calls vault_noop, puts the slot back and asks for
// BH_OWNER_RELEASE (the runtime's request, made by a raw ioctl). The
// second thread's first vault entry then claims the stack, vault_scribble
// writes 1 KiB of the attacker's byte into vault_hold's live locals, and
// the thread waits for the main thread to be out before it ends (its exit
// would release the stack it now holds, PROT_NONE under vault_hold: seen
// once as a SIGSEGV before the count). The scenario runs in a child (the
// main thread's way back out of the vault meets the second thread's entry
// frame and faults, or hangs until the child's alarm).
//
// The control (argument "control") makes the same release without the
// nested entry: refused (EBUSY), and the locals are kept.
//
// Seen in the guest (LLVM 19): "released vault stack (0, 0): 0 (ok)",
// "main, back in the vault: 1024 bytes of its locals are 'A'", ATTACK
// SUCCEEDED, then the child's SIGALRM (its way back hangs), 3 of 3;
// control: "-1 (Device or resource busy)", 0 bytes, "child: exit 0", 3 of 3.
//
// Suggested fix: as for attacks-rev63b-any-callout-restart.c (the same
// root cause): a run-time-chosen call out moves the mark to its record
// (the old mark kept in the record and put back on its way back), so the
// restart's scan sees its cookie and frames_live a mark that is not fresh.
// Fixed: the any-trampoline and bh_as_default point the mark at their
// record (abi.h, BH_RECORD_OLD_MARK; __bulkhead_return_to_index puts the
// old mark back), so the restart's scan finds the record's cookie and
// frames_live sees a mark that is not fresh: the release is refused.
// Seen after: 3 of 3 in the guest.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -pthread %s -o %t
// RUN: %run %t control | FileCheck %s --check-prefix=CONTROL
// RUN: %run %t | FileCheck %s
// CONTROL: released vault stack ({{[0-9]+}}, {{[0-9]+}}): -1 (Device or resource busy)
// CONTROL: main, back in the vault: 0 bytes of its locals are 'A'
// CONTROL: child: exit 0
// CONTROL: attacks-rev63b-any-callout-release: end
// CHECK: released vault stack ({{[0-9]+}}, {{[0-9]+}}):
// CHECK: main, back in the vault: {{[0-9]+}} bytes of its locals are 'A'
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: attacks-rev63b-any-callout-release: end
#include "Inputs/check.h"
#include "Inputs/vault-scribble.h"
#include "Inputs/stack-owners.h"
#include "Inputs/tls-words.h"
#include <errno.h>
#include <stdlib.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static int restart = 1;
static uintptr_t *vault_slot, fresh_top;
static pthread_barrier_t outside, scribbled;
static int main_out;

typedef int (*cmp_fn)(const void *, const void *);
BULKHEAD_ENTRY(vault) int vault_noop(int x) { return x + 1; }
BULKHEAD_ENTRY(vault) int vault_hold(cmp_fn cmp) {
  volatile char buf[4096];
  for (int k = 0; k < 4096; k++)
    buf[k] = 'v';
  int two[2] = {2, 1};
  qsort(two, 2, sizeof two[0], cmp); /* a run-time-chosen call out */
  int changed = 0;
  for (int k = 0; k < 4096; k++)
    changed += buf[k] == 'A';
  printf("main, back in the vault: %d bytes of its locals are 'A'\n", changed);
  if (changed)
    puts("ATTACK SUCCEEDED: another thread's vault entry wrote the "
         "attacker's bytes into the main thread's live vault frame");
  return changed;
}
/* The attacker's code in the default domain, between the main thread's
 * vault frames and their return. It reads nothing of a and b: they point
 * at the vault's stack. */
__attribute__((noinline)) static int outside_cmp(const void *a,
                                                 const void *b) {
  (void)a, (void)b;
  if (restart) { /* the mark back at the fresh top, the frames live */
    uintptr_t kept = *vault_slot;
    *vault_slot = fresh_top;
    vault_noop(1);
    *vault_slot = kept;
  }
  release_own_stacks();
  pthread_barrier_wait(&outside);
  pthread_barrier_wait(&scribbled);
  return 0;
}

static void *second_thread(void *unused) {
  (void)unused;
  pthread_barrier_wait(&outside);
  vault_scribble('A'); /* its first vault entry */
  puts("second thread: ran vault code");
  pthread_barrier_wait(&scribbled);
  /* Its exit would release the stack it now holds (PROT_NONE) under the
   * main thread's vault_hold: it waits until the main thread is out. */
  while (!__atomic_load_n(&main_out, __ATOMIC_ACQUIRE))
    usleep(1000);
  return NULL;
}

/* The scenario, in a child: the main thread's way back out of the vault
 * meets the other entry's frame and may fault or hang. */
static int scenario(void) {
  alarm(10);
  vault_slot = tls_word("__bulkhead_stack.vault");
  vault_noop(0); /* the main thread's vault stack */
  fresh_top = *vault_slot; /* nothing of the vault live: its fresh top */
  pthread_barrier_init(&outside, NULL, 2);
  pthread_barrier_init(&scribbled, NULL, 2);
  pthread_t t;
  CHECK(pthread_create(&t, NULL, second_thread, NULL) == 0);
  vault_hold(outside_cmp);
  __atomic_store_n(&main_out, 1, __ATOMIC_RELEASE);
  CHECK(pthread_join(t, NULL) == 0);
  puts("child: the main thread is back out of the vault");
  return 0;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc > 1 && !strcmp(argv[1], "control"))
    restart = 0;
  run_scene_in_child(scenario);
  puts("attacks-rev63b-any-callout-release: end");
  return 0;
}
