// Compartment heaps across threads. Threads allocate in the compartment and
// other threads of the compartment free those blocks (mimalloc's cross-thread
// free), many times over, with the contents checked; threads that exit hand
// their heap segments on. The heap is bounded (BULKHEAD_HEAP_MB=256: eight
// 32 MiB segments) and the test allocates several times that in total, so it
// passes only if freed memory and exited threads' segments are reused.
// Threads start in the default domain: their heap blocks fault there.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -pthread %s -o %t && %run %t | FileCheck %s
// CHECK: heap-threads: ok
#include "Inputs/check.h"
#include <pthread.h>
#include <sched.h>

BULKHEAD_ENTRY(vault) char *v_alloc(size_t n, unsigned tag);
BULKHEAD_ENTRY(vault) int v_check_free(char *p, size_t n, unsigned tag);
BULKHEAD_ENTRY(vault) void v_free(void *p);
BULKHEAD_DATA(vault) static long vault_live;

char *v_alloc(size_t n, unsigned tag) {
  char *p = malloc(n);
  if (!p)
    return NULL;
  memset(p, (int)(tag & 0xff), n);
  memcpy(p, &tag, sizeof tag < n ? sizeof tag : n);
  __atomic_add_fetch(&vault_live, 1, __ATOMIC_RELAXED);
  return p;
}
int v_check_free(char *p, size_t n, unsigned tag) {
  int ok = n < sizeof tag || !memcmp(p, &tag, sizeof tag);
  for (size_t i = sizeof tag; i < n; i++)
    ok &= p[i] == (char)(tag & 0xff);
  free(p);
  __atomic_sub_fetch(&vault_live, 1, __ATOMIC_RELAXED);
  return ok;
}
void v_free(void *p) { free(p); }

/* ------------------------------------------------------------------ */
#define NTHREADS 4
#define ITERS 6000
#define SLOTS 64

/* Each thread's inbox: blocks other threads allocated, for it to free. */
struct box {
  pthread_mutex_t mu;
  char *p[SLOTS];
  size_t n[SLOTS];
  unsigned tag[SLOTS];
  int count;
} boxes[NTHREADS];

static int vault;
static int failures;
static int finished;

static size_t size_for(unsigned x) { return 16 + (x * 2654435761u) % 16384; }

static void drain(struct box *b) {
  pthread_mutex_lock(&b->mu);
  for (int i = 0; i < b->count; i++)
    if (!v_check_free(b->p[i], b->n[i], b->tag[i]))
      __atomic_add_fetch(&failures, 1, __ATOMIC_RELAXED);
  b->count = 0;
  pthread_mutex_unlock(&b->mu);
}

static void *worker(void *arg) {
  int self = (int)(intptr_t)arg;
  for (unsigned i = 0; i < ITERS; i++) {
    unsigned tag = (unsigned)self << 24 | i;
    size_t n = size_for(tag);
    char *p = v_alloc(n, tag);
    if (!p) {
      __atomic_add_fetch(&failures, 1, __ATOMIC_RELAXED);
      break;
    }
    if (i == 0 && page_pkey(p) != vault) /* the kernel's view, once each */
      __atomic_add_fetch(&failures, 1, __ATOMIC_RELAXED);
    struct box *b = &boxes[(self + 1 + i % (NTHREADS - 1)) % NTHREADS];
    for (;;) {
      pthread_mutex_lock(&b->mu);
      if (b->count < SLOTS) {
        b->p[b->count] = p, b->n[b->count] = n, b->tag[b->count] = tag;
        b->count++;
        pthread_mutex_unlock(&b->mu);
        break;
      }
      pthread_mutex_unlock(&b->mu);
      drain(&boxes[self]);
    }
    if (i % 8 == 0)
      drain(&boxes[self]);
  }
  /* Others may still be sending: keep emptying the inbox until all are done. */
  __atomic_add_fetch(&finished, 1, __ATOMIC_RELEASE);
  while (__atomic_load_n(&finished, __ATOMIC_ACQUIRE) < NTHREADS) {
    drain(&boxes[self]);
    sched_yield();
  }
  drain(&boxes[self]);
  return NULL;
}

/* A short-lived thread: allocates, frees half, hands the rest to main. */
struct handoff {
  char *p[256];
  size_t n[256];
};
static void *churn(void *arg) {
  struct handoff *h = arg;
  for (unsigned i = 0; i < 512; i++) {
    size_t n = size_for(i) / 4 + 1;
    char *p = v_alloc(n, i);
    if (!p) {
      __atomic_add_fetch(&failures, 1, __ATOMIC_RELAXED);
      return NULL;
    }
    if (i % 2)
      h->p[i / 2] = p, h->n[i / 2] = n;
    else if (!v_check_free(p, n, i))
      __atomic_add_fetch(&failures, 1, __ATOMIC_RELAXED);
  }
  return NULL;
}

static void read_byte(void *p) { (void)*(volatile char *)p; }

int main(int argc, char **argv) {
  (void)argc;
  if (!getenv("BULKHEAD_HEAP_MB")) { /* the heap is set up before main */
    setenv("BULKHEAD_HEAP_MB", "256", 1);
    execv("/proc/self/exe", argv);
    CHECK(!"re-exec");
  }
  vault = bulkhead_compartment_pkey("vault");
  CHECK(vault > 0);
  for (int i = 0; i < NTHREADS; i++)
    pthread_mutex_init(&boxes[i].mu, NULL);

  /* Cross-thread frees inside the compartment, all threads at once. */
  for (int round = 0; round < 2; round++) {
    pthread_t t[NTHREADS];
    finished = 0;
    for (int i = 0; i < NTHREADS; i++)
      CHECK(pthread_create(&t[i], NULL, worker, (void *)(intptr_t)i) == 0);
    for (int i = 0; i < NTHREADS; i++)
      CHECK(pthread_join(t[i], NULL) == 0);
    for (int i = 0; i < NTHREADS; i++)
      drain(&boxes[i]);
    CHECK(failures == 0);
  }

  /* Many threads that exit with live blocks, two at a time; main frees them
   * (in the compartment) after the threads are gone. */
  for (int round = 0; round < 40; round++) {
    static struct handoff h[2];
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
      CHECK(pthread_create(&t[i], NULL, churn, &h[i]) == 0);
    for (int i = 0; i < 2; i++)
      CHECK(pthread_join(t[i], NULL) == 0);
    CHECK(failures == 0);
    if (round == 0) {
      CHECK(page_pkey(h[0].p[0]) == vault);
      struct outcome o = run_in_child(read_byte, h[0].p[0]);
      CHECK(o.signo == SIGSEGV && o.code == SEGV_PKUERR && o.pkey == vault);
    }
    for (int i = 0; i < 2; i++)
      for (int k = 0; k < 256; k++)
        CHECK(v_check_free(h[i].p[k], h[i].n[k], 2 * (unsigned)k + 1));
  }

  /* Everything allocated was freed; a large block still fits afterwards. */
  char *big = v_alloc(100 << 20, 7);
  CHECK(big && page_pkey(big) == vault);
  v_free(big);
  printf("heap-threads: ok\n");
  return 0;
}
