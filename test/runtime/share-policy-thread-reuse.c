// A thread that ends inside a function of the sharing policy, its bracket
// still open (it leaves with a raw exit system call, so nothing runs after
// it), hands its TLS block, hence its FS base, to the next thread glibc
// makes. The runtime finds a thread's brackets by its FS base
// (runtime/share.c); the record also holds the thread id, so the next
// thread does not inherit the open bracket: its allocation in the vault is
// private.
// REQUIRES: pku
// RUN: rm -rf %t && mkdir -p %t
// RUN: echo "vault_with_callback" > %t/policy
// RUN: %bulkhead_clang -fpkey-compartments -fpkey-share=%t/policy -O2 -pthread %s -o %t/a
// RUN: %run %t/a | FileCheck %s
// With shared stacks the next thread also runs on the same stack, below the
// dead bracket's frame, so the frame position alone would keep it open:
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -fpkey-share=%t/policy -O2 -pthread %s -o %t/ns
// RUN: %run %t/ns | FileCheck %s
// CHECK: share-policy-thread-reuse: ok
#include "Inputs/check.h"

#include <pthread.h>
#include <sys/syscall.h>

BULKHEAD_DATA(vault) static char secret[32] = "the vault's secret 0123456789";

BULKHEAD_ENTRY(vault) char *vault_copy(void) {
  char *p = malloc(sizeof secret);
  if (p)
    memcpy(p, secret, sizeof secret);
  return p;
}

/* Named by the policy: while it runs, the vault's allocations are shared. */
BULKHEAD_ENTRY(vault) void vault_with_callback(void (*cb)(void)) { cb(); }

static pthread_t first_self, second_self;
static char *inside;

static void end_thread(void) {
  inside = vault_copy(); /* shared: the bracket is open */
  syscall(SYS_exit, 0);  /* this thread only; the bracket stays open */
}

static void *first(void *unused) {
  (void)unused;
  first_self = pthread_self(); /* the TCB: its FS base */
  vault_with_callback(end_thread);
  return NULL;
}

static void *second(void *unused) {
  (void)unused;
  second_self = pthread_self();
  return vault_copy();
}

int main(void) {
  int key = bulkhead_compartment_pkey("vault");
  CHECK(key > 0);
  pthread_t t;
  void *block;
  CHECK(pthread_create(&t, NULL, first, NULL) == 0);
  CHECK(pthread_join(t, NULL) == 0);
  CHECK(inside && page_pkey(inside) == 0);
  CHECK(pthread_create(&t, NULL, second, NULL) == 0);
  CHECK(pthread_join(t, &block) == 0);
  CHECK(second_self == first_self); /* glibc reused the TLS block */
  CHECK(block);
  int got = page_pkey(block);
  if (got != key)
    fprintf(stderr, "share-policy-thread-reuse: the vault's block %p is on key %d\n",
            block, got);
  CHECK(got == key);
  printf("share-policy-thread-reuse: ok\n");
  return 0;
}
