// Sharing policy (-fpkey-share=FILE): every allocation compartment code
// makes while a function the policy names runs, through any callees,
// comes from the shared heap (key 0): the default domain reads, writes and
// frees it. Outside, the compartment's heap stays private (SEGV_PKUERR
// with its key). Brackets nest; a longjmp out of one closes it (a deeper
// re-entry afterwards allocates privately), one inside it does not; a run
// of the compartment nested in a callback and left by longjmp leaves the
// outer bracket open; realloc inside moves a block out; other threads are
// not affected; recursion deeper than the runtime tracks stops with an
// error. A `frame` entry puts a function's address-taken locals in shared
// memory: a callback reads and writes them; without it they are on the
// compartment's stack (with per-compartment stacks) and fault.
// REQUIRES: pku
// RUN: rm -rf %t && mkdir -p %t
// RUN: echo "create_struct share-policy.c" > %t/policy
// RUN: echo "lib_nested"   >> %t/policy
// RUN: echo "lib_fail"     >> %t/policy
// RUN: echo "lib_retry"    >> %t/policy
// RUN: echo "lib_grow"     >> %t/policy
// RUN: echo "lib_callback" >> %t/policy
// RUN: echo "lib_recurse"  >> %t/policy
// RUN: echo "frame lib_frame share-policy.c" >> %t/policy
// RUN: %bulkhead_clang -fpkey-compartments -fpkey-share=%t/policy -O2 -pthread %s -o %t/s
// RUN: %run %t/s | FileCheck %s
// RUN: not %run %t/s deep 2>&1 | FileCheck %s --check-prefix=DEEP
// RUN: %bulkhead_clang -fpkey-compartments -fpkey-share=%t/policy -O0 -pthread %s -o %t/s0
// RUN: %run %t/s0 | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -DSHARED_STACKS -fpkey-share=%t/policy -O2 -pthread %s -o %t/ns
// RUN: %run %t/ns | FileCheck %s
// CHECK: share-policy: ok
// DEEP: bulkhead: error: functions of the share policy nested more than 8 deep in compartment 'lib' (recursion?)
#include "Inputs/check.h"
#include <pthread.h>
#include <setjmp.h>

BULKHEAD_ENTRY(lib) void *lib_create(void);
BULKHEAD_ENTRY(lib) void *lib_private(size_t n);
BULKHEAD_ENTRY(lib) void *lib_filled(size_t n, int c);
BULKHEAD_ENTRY(lib) void *lib_deep(int depth);
BULKHEAD_ENTRY(lib) void *lib_nested(void **inner);
BULKHEAD_ENTRY(lib) void lib_fail(jmp_buf *env);
BULKHEAD_ENTRY(lib) void *lib_retry(void);
BULKHEAD_ENTRY(lib) void *lib_grow(void *p, size_t n);
BULKHEAD_ENTRY(lib) void *lib_callback(void (*cb)(void));
BULKHEAD_ENTRY(lib) void *lib_recurse(int n);
BULKHEAD_ENTRY(lib) int lib_frame(void (*cb)(int *));
BULKHEAD_ENTRY(lib) int lib_no_frame(void (*cb)(int *));

/* ---------------------------------------------------- compartment lib */
BULKHEAD_DATA(lib) static int lib_calls;
BULKHEAD_DATA(lib) static void *lib_leaked;

/* An allocator wrapper chain, as in libpng (png_malloc_warn ->
 * png_malloc_base -> malloc): the policy names the function above it. */
BULKHEAD_INTERNAL(lib) static void *alloc_base(size_t n) {
  lib_calls++;
  return malloc(n);
}
BULKHEAD_INTERNAL(lib) static void *alloc_warn(size_t n) { return alloc_base(n); }
BULKHEAD_INTERNAL(lib) static void *create_struct(void) { return alloc_warn(64); }

void *lib_create(void) { return create_struct(); }
void *lib_private(size_t n) { return alloc_warn(n); }
void *lib_filled(size_t n, int c) { return memset(alloc_warn(n), c, n); }
/* Allocates below `depth` frames of its own. */
void *lib_deep(int depth) {
  volatile char pad[256];
  pad[0] = (char)depth;
  return depth ? lib_deep(depth - 1) : alloc_warn(32 + pad[0]);
}
/* Shares until it returns, also after a nested bracket closed. */
void *lib_nested(void **inner) {
  *inner = create_struct();
  return alloc_warn(48);
}
/* The error path: allocates, then jumps to the caller's setjmp. */
void lib_fail(jmp_buf *env) {
  lib_leaked = alloc_warn(16);
  longjmp(*env, 1);
}
/* A setjmp inside the bracketed function: the bracket stays open. */
void *lib_retry(void) {
  jmp_buf here;
  volatile int tries = 0;
  if (setjmp(here) == 0 || tries < 2) {
    tries++;
    longjmp(here, 1);
  }
  return alloc_warn(24);
}
void *lib_grow(void *p, size_t n) { return realloc(p, n); }
void *lib_callback(void (*cb)(void)) {
  cb();
  return alloc_warn(40);
}
void *lib_recurse(int n) { return n ? lib_recurse(n - 1) : alloc_warn(8); }
int lib_frame(void (*cb)(int *)) {
  int local = 5;
  cb(&local);
  return local;
}
int lib_no_frame(void (*cb)(int *)) {
  int local = 5;
  cb(&local);
  return local;
}

/* ------------------------------------------------- the default domain */
static int lib_key;

static void touch(void *p) { *(volatile char *)p += 1; }

/* Shared: the page has key 0 and the default domain may touch it. */
static int shared(void *p) {
  if (page_pkey(p) != 0)
    return 0;
  struct outcome o = run_in_child(touch, p);
  return o.signo == 0;
}

/* Private: touching it faults with lib's key. */
static int private(void *p) {
  struct outcome o = run_in_child(touch, p);
  return o.signo == SIGSEGV && o.code == SEGV_PKUERR && o.pkey == lib_key &&
         o.addr == (uintptr_t)p && page_pkey(p) == lib_key;
}

static void *cb_inner, *cb_after_jump, *cb_thread_block;
static jmp_buf cb_env;

static void *other_thread(void *unused) {
  (void)unused;
  return lib_private(16);
}

/* Called by lib_callback (a bracket of lib is open on this thread): a
 * nested run of lib shares, a nested bracket left by longjmp leaves the
 * outer one open, and another thread's allocations stay private. */
static void callback(void) {
  cb_inner = lib_private(16);
  if (setjmp(cb_env) == 0)
    lib_fail(&cb_env);
  cb_after_jump = lib_private(16);
  pthread_t t;
  CHECK(pthread_create(&t, NULL, other_thread, NULL) == 0);
  CHECK(pthread_join(t, &cb_thread_block) == 0);
}

static void bump(int *p) { *p += 2; }
static void no_frame(void *unused) {
  (void)unused;
  lib_no_frame(bump);
}

int main(int argc, char **argv) {
  lib_key = bulkhead_compartment_pkey("lib");
  CHECK(lib_key > 0);
  if (argc > 1) { /* nine nested brackets: more than the runtime keeps */
    lib_recurse(8);
    return 0;
  }
  CHECK(private(lib_private(16)));

  void *s = lib_create();
  CHECK(shared(s));
  memset(s, 7, 64); /* the caller writes into it, as setjmp would */
  free(s);          /* the default domain may free it */
  CHECK(private(lib_private(16))); /* closed again after the return */

  void *inner, *outer = lib_nested(&inner);
  CHECK(shared(inner) && shared(outer));

  static jmp_buf env;
  if (setjmp(env) == 0)
    lib_fail(&env);
  /* The bracket lib_fail opened is closed, also for code running deeper
   * on lib's stack than lib_fail did. */
  CHECK(private(lib_private(16)));
  CHECK(private(lib_deep(8)));

  CHECK(shared(lib_retry()));

  char *grown = lib_grow(lib_filled(8, 5), 4096);
  CHECK(shared(grown));
  for (int k = 0; k < 8; k++)
    CHECK(grown[k] == 5);

  void *after = lib_callback(callback);
  CHECK(shared(cb_inner) && shared(cb_after_jump) && shared(after));
  CHECK(private(cb_thread_block));
  CHECK(private(lib_private(16)));

  CHECK(shared(lib_recurse(7))); /* eight nested brackets fit */

  CHECK(lib_frame(bump) == 7);
  struct outcome o = run_in_child(no_frame, NULL);
#ifdef SHARED_STACKS /* the compartment's locals are key-0 memory anyway */
  CHECK(o.signo == 0);
#else
  CHECK(o.signo == SIGSEGV && o.code == SEGV_PKUERR && o.pkey == lib_key);
#endif
  printf("share-policy: ok\n");
  return 0;
}
