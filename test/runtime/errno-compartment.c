// errno (and h_errno, and the ctype tables) still work in compartment code
// now that it no longer reaches them through libc's accessors, which trust
// the thread pointer at %fs:0 (pass/LibcTls.cpp, runtime/tls.c): a
// compartment addresses them %fs-relative at offsets the runtime computed
// at start-up, or, when errno's address escapes, through the runtime's
// accessor (RDFSBASE, or arch_prctl where the kernel does not enable it).
// Checked here, from a compartment:
//  - strtol's overflow sets ERANGE, and the compartment sees it; so do
//    malloc's ENOMEM (set inside the compartment's mimalloc copy, whose
//    __errno_location the runtime redirects) and h_errno;
//  - it is the thread's one errno, the default domain's: a value set on
//    either side is seen on the other, and `&errno` is the same address;
//  - each thread has its own: threads that set different values at once
//    each read back their own, and get their own `&errno`;
//  - isdigit/toupper (the ctype tables) give libc's answers;
//  - the offset table is read-only: the default domain's store faults.
// Natively, and in the QEMU guest also with BULKHEAD_VM_CPU=max,-fsgsbase,
// where the runtime's accessor takes the arch_prctl path.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -pthread %s -o %t && %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 -pthread %s -o %t0 && %run %t0 | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 -pthread %s -o %t.shared && %run %t.shared | FileCheck %s
// CHECK: errno-compartment: ok
#include "Inputs/check.h"
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <pthread.h>

BULKHEAD_DATA(vault) static int canary = 0x5a5a5a5a;

BULKHEAD_ENTRY(vault) int vault_overflow(void) {
  errno = 0;
  long v = strtol("999999999999999999999999", NULL, 10);
  return v == LONG_MAX ? errno : -1;
}
BULKHEAD_ENTRY(vault) int vault_read_errno(void) { return errno; }
BULKHEAD_ENTRY(vault) void vault_set_errno(int e) { errno = e; }
BULKHEAD_ENTRY(vault) int *vault_errno_address(void) { return &errno; }
BULKHEAD_ENTRY(vault) int vault_malloc_fails(void) {
  errno = 0;
  void *p = malloc((size_t)1 << 62);
  free(p);
  return p ? -1 : errno;
}
BULKHEAD_ENTRY(vault) int vault_h_errno(int e) {
  h_errno = e;
  return h_errno;
}
BULKHEAD_ENTRY(vault) int vault_ctype(void) {
  return isdigit('7') && !isdigit('x') && toupper('q') == 'Q' && tolower('Q') == 'q';
}
BULKHEAD_ENTRY(vault) int vault_canary(void) { return canary; }

#define THREADS 4
static pthread_barrier_t barrier;
struct report {
  int mine, seen_in_vault, seen_outside;
  int *inside, *outside;
};

static void *thread_main(void *arg) {
  struct report *r = arg;
  vault_set_errno(r->mine);
  pthread_barrier_wait(&barrier); /* every thread has set its own */
  r->seen_in_vault = vault_read_errno();
  r->seen_outside = errno;
  r->inside = vault_errno_address();
  r->outside = &errno;
  return NULL;
}

extern const long __bulkhead_tls_offsets[] __attribute__((visibility("hidden")));
static void store_offset(void *arg) {
  (void)arg;
  *(volatile long *)&__bulkhead_tls_offsets[0] = 0;
}

int main(void) {
  CHECK(vault_overflow() == ERANGE);
  CHECK(errno == ERANGE); /* one errno per thread */
  errno = EDOM;
  CHECK(vault_read_errno() == EDOM);
  vault_set_errno(EILSEQ);
  CHECK(errno == EILSEQ);
  CHECK(vault_errno_address() == &errno);
  CHECK(vault_malloc_fails() == ENOMEM);
  CHECK(vault_h_errno(TRY_AGAIN) == TRY_AGAIN && h_errno == TRY_AGAIN);
  CHECK(vault_ctype());
  CHECK(vault_canary() == 0x5a5a5a5a);

  pthread_t t[THREADS];
  struct report r[THREADS];
  CHECK(pthread_barrier_init(&barrier, NULL, THREADS) == 0);
  for (int i = 0; i < THREADS; i++) {
    r[i] = (struct report){.mine = 100 + i};
    CHECK(pthread_create(&t[i], NULL, thread_main, &r[i]) == 0);
  }
  for (int i = 0; i < THREADS; i++)
    CHECK(pthread_join(t[i], NULL) == 0);
  for (int i = 0; i < THREADS; i++) {
    CHECK(r[i].seen_in_vault == 100 + i && r[i].seen_outside == 100 + i);
    CHECK(r[i].inside == r[i].outside && r[i].inside != &errno);
    for (int j = 0; j < i; j++)
      CHECK(r[j].inside != r[i].inside);
  }
  /* The main thread's is not one the others set (libc may change it). */
  CHECK(errno < 100 || errno >= 100 + THREADS);

  struct outcome o = run_in_child(store_offset, NULL);
  CHECK(o.signo == SIGSEGV && o.code == SEGV_ACCERR);
  puts("errno-compartment: ok");
  return 0;
}
