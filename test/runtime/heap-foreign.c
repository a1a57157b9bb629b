// A compartment's heap blocks belong to it: free, realloc or
// malloc_usable_size of one from another domain (the default domain or
// another compartment) stops the program with one line naming the owner and
// the caller, and SIGABRT, before the owner's heap is touched. The owner
// itself may free them, also from another thread.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -pthread %s -o %t && %run %t | FileCheck %s
// CHECK: heap-foreign: ok
#include "Inputs/check.h"
#include <malloc.h>
#include <pthread.h>

BULKHEAD_ENTRY(vault) char *v_alloc(size_t n);
BULKHEAD_ENTRY(vault) void v_free(void *p);
BULKHEAD_ENTRY(other) void o_free(void *p);
BULKHEAD_ENTRY(other) void *o_realloc(void *p, size_t n);
BULKHEAD_DATA(vault) static int vault_count;

char *v_alloc(size_t n) {
  vault_count++;
  char *p = malloc(n);
  memset(p, 9, n);
  return p;
}
void v_free(void *p) { free(p); }
void o_free(void *p) { free(p); }
void *o_realloc(void *p, size_t n) { return realloc(p, n); }

/* Runs fn(arg) in a child; returns how it ended and what it wrote to fd 2. */
static int run_capture(void (*fn)(void *), void *arg, char *err, size_t cap) {
  int fds[2];
  CHECK(pipe(fds) == 0);
  fflush(NULL);
  pid_t pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    dup2(fds[1], 2);
    fn(arg);
    _exit(0);
  }
  close(fds[1]);
  size_t len = 0;
  ssize_t k;
  while (len + 1 < cap && (k = read(fds[0], err + len, cap - 1 - len)) > 0)
    len += (size_t)k;
  err[len] = 0;
  close(fds[0]);
  int status;
  CHECK(waitpid(pid, &status, 0) == pid);
  return status;
}

static void expect_abort(void (*fn)(void *), void *p, const char *line) {
  char err[512];
  int status = run_capture(fn, p, err, sizeof err);
  if (strcmp(err, line))
    fprintf(stderr, "got: %s", err);
  CHECK(!strcmp(err, line));
  CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
}

static void free_it(void *p) { free(p); }
static void realloc_it(void *p) { (void)!realloc(p, 10); }
static void usable_it(void *p) { (void)malloc_usable_size(p); }
static void other_frees(void *p) { o_free(p); }
static void other_reallocs(void *p) { (void)o_realloc(p, 1 << 20); }
static void shared_realloc_it(void *p) { (void)bulkhead_shared_realloc(p, 64); }

static void *free_in_thread(void *p) {
  v_free(p);
  return NULL;
}

int main(void) {
  char *p = v_alloc(100);
  CHECK(page_pkey(p) == bulkhead_compartment_pkey("vault"));

  expect_abort(free_it, p,
               "bulkhead: error: free() of memory owned by compartment 'vault' "
               "from the default domain\n");
  expect_abort(free_it, p + 16, /* an interior pointer: still vault's */
               "bulkhead: error: free() of memory owned by compartment 'vault' "
               "from the default domain\n");
  expect_abort(realloc_it, p,
               "bulkhead: error: realloc() of memory owned by compartment 'vault' "
               "from the default domain\n");
  expect_abort(usable_it, p,
               "bulkhead: error: malloc_usable_size() of memory owned by "
               "compartment 'vault' from the default domain\n");
  expect_abort(other_frees, p,
               "bulkhead: error: free() of memory owned by compartment 'vault' "
               "from compartment 'other'\n");
  expect_abort(other_reallocs, p,
               "bulkhead: error: realloc() of memory owned by compartment 'vault' "
               "from compartment 'other'\n");
  expect_abort(shared_realloc_it, p,
               "bulkhead: error: bulkhead_shared_realloc() of memory owned by "
               "compartment 'vault' from the default domain\n");

  /* The owner frees it, from another thread. */
  pthread_t t;
  CHECK(pthread_create(&t, NULL, free_in_thread, p) == 0);
  CHECK(pthread_join(t, NULL) == 0);
  /* free(NULL) is fine from anywhere. */
  free(NULL);
  o_free(NULL);
  printf("heap-foreign: ok\n");
  return 0;
}
