// A thread that ends while frames of the vault are live on its vault
// stack (it leaves the vault by longjmp from a callback, or calls
// pthread_exit there) keeps that stack: the supervisor refuses to release
// a stack whose mark shows live frames (review 60,
// attacks-rev60b-release-live-stack.c), and the runtime then leaves it to
// the thread id, mapped, instead of stopping the program. Later threads
// take other stacks and work. Without the filter the runtime keeps it the
// same way (stacks.c, release): released, a later thread, whose fs base
// differs (a stack of another size), claimed it and trapped at its first
// entry on the owner check (SIGILL before).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -pthread %s -o %t
// RUN: %run %t longjmp | FileCheck %s
// RUN: %run %t exit | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-syscall-filter -O2 -pthread %s -o %t.nf
// RUN: %run %t.nf longjmp | FileCheck %s
// RUN: %run %t.nf exit | FileCheck %s
// CHECK: ended thread still holds a vault stack: yes
// CHECK: later threads' vault calls: 50 of 50
// CHECK: stacks-kept-live-frames: done
#include "Inputs/check.h"
#include "Inputs/stack-owners.h"
#include <pthread.h>
#include <setjmp.h>
#include <sys/syscall.h>

BULKHEAD_DATA(vault) static long secret = 41;

BULKHEAD_ENTRY(vault) long vault_call(void (*back)(void)) {
  volatile long keep = secret;
  if (back)
    back(); /* a call out: the vault's frames stay live */
  return keep + 1;
}

static int by_exit;
static jmp_buf out;
static _Atomic uint32_t ended_tid;

static void leave(void) {
  if (by_exit)
    pthread_exit(NULL);
  longjmp(out, 1);
}

static void *ending(void *unused) {
  (void)unused;
  ended_tid = (uint32_t)syscall(SYS_gettid);
  if (!setjmp(out))
    vault_call(leave);
  return NULL;
}

static void *later(void *r) {
  *(long *)r = vault_call(NULL);
  return NULL;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  by_exit = argc > 1 && !strcmp(argv[1], "exit");
  pthread_t t;
  CHECK(pthread_create(&t, NULL, ending, NULL) == 0);
  CHECK(pthread_join(t, NULL) == 0);
  int held = 0;
  for (int c = 0; c < MAX_C; c++)
    for (int i = 0; i < PER_ARENA; i++)
      held |= owners[c][i] == ended_tid;
  printf("ended thread still holds a vault stack: %s\n", held ? "yes" : "no");
  /* Not glibc's cached stack of the ended thread: another fs base. */
  pthread_attr_t other_size;
  CHECK(pthread_attr_init(&other_size) == 0);
  CHECK(pthread_attr_setstacksize(&other_size, 1 << 20) == 0);
  int good = 0;
  for (int k = 0; k < 50; k++) {
    long r = 0;
    CHECK(pthread_create(&t, &other_size, later, &r) == 0);
    CHECK(pthread_join(t, NULL) == 0);
    good += r == 42;
  }
  printf("later threads' vault calls: %d of 50\n", good);
  puts("stacks-kept-live-frames: done");
  return 0;
}
