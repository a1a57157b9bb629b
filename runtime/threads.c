/*
 * threads.c - every thread starts in the default domain. A new thread copies
 * its creator's PKRU, and libc runs code it reads from key-0 memory in the
 * new thread before any of ours (glibc's start_thread calls start_routine
 * from struct pthread; clone's child pops fn off its stack): a racing
 * thread could rewrite those (issue 11, break 3). So pthread_create and
 * clone are interposed (the runtime is linked into the executable, so its
 * definitions come first), and called from a compartment they call libc
 * with the default domain's rights (spawn.c): the new thread starts with
 * those. It runs a trampoline that enters the default domain (again) and
 * then calls the start routine. A start routine whose address was taken in
 * instrumented code is a wrapper (see the pass) that enters the routine's
 * own domain, so it runs with exactly its rights.
 */
#define _GNU_SOURCE
#include "../include/bulkhead.h"
#include "gate.h"
#include "internal.h"
#include "spawn.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdlib.h>

/* The start routine and its argument. Shared memory, readable from the
 * default domain the trampoline switches to, wherever the creator ran. */
struct start {
  void *(*routine)(void *);
  int (*clone_fn)(void *);
  void *arg;
};

static struct start *new_start(void) {
  struct start *s = bulkhead_shared_malloc(sizeof *s);
  if (!s)
    bh_fatal("out of memory creating a thread");
  return s;
}

/* Whether the gates run: the bench-only runtime runs them unprotected. */
static int protected(void) {
#ifdef BH_BENCH_NOP_WRPKRU
  return bh_domain_count() != 0;
#else
  return bh_domain_count() != 0 && !bh_state->unprotected;
#endif
}

/* Before a new thread's first gate: the bench-only runtime's stand-in
 * PKRU of the thread's own (init.c). */
static void thread_start(void) {
#ifdef BH_BENCH_NOP_WRPKRU
  if (bh_domain_count() != 0)
    bh_bench_nop_thread_init();
#endif
}

static void *pthread_trampoline(void *p) {
  thread_start();
  if (protected()) {
    bh_enter_default_domain();
    bh_rseq_off(); /* glibc's, registered where the filter did not refuse it */
  }
  bh_sigstack_thread_init();
  bh_rt_stack_thread_init();
  struct start s = *(struct start *)p;
  free(p);
  void *result = s.routine(s.arg);
  /* The routine may return holding another domain's rights (a wrapper
   * returns to the domain that made the pointer); thread exit is libc's. */
  if (protected())
    bh_enter_default_domain();
  return result;
}

/* Runs with the default domain's rights (or the caller's, if that is no
 * compartment's). */
static int create(pthread_t *thread, const pthread_attr_t *attr,
                  void *(*routine)(void *), void *arg) {
  static int (*next)(pthread_t *, const pthread_attr_t *, void *(*)(void *),
                     void *);
  if (!next)
    next = bh_libc("pthread_create");
  struct start *s = new_start();
  s->routine = routine;
  s->arg = arg;
  int err = next(thread, attr, pthread_trampoline, s);
  if (err)
    free(s);
  return err;
}

/* A compartment's request, copied to the shared heap: libc reads the
 * attributes with the default domain's rights (their own storage, such as
 * a CPU set, is libc's, in the shared heap). */
struct create_req {
  pthread_attr_t attr;
  int has_attr;
  void *(*routine)(void *);
  void *arg;
};

static struct bh_pair create_as_default(void *p) {
  struct create_req *r = p;
  pthread_t t = 0;
  int err = create(&t, r->has_attr ? &r->attr : NULL, r->routine, r->arg);
  free(r);
  return (struct bh_pair){err, (long)t};
}

int pthread_create(pthread_t *thread, const pthread_attr_t *attr,
                   void *(*routine)(void *), void *arg) {
  if (!bh_in_compartment())
    return create(thread, attr, routine, arg);
  struct create_req *r = bh_shared_block(sizeof *r);
  if (!r)
    return EAGAIN;
  r->has_attr = attr != NULL;
  if (attr)
    r->attr = *attr;
  r->routine = routine;
  r->arg = arg;
  struct bh_pair res = bh_as_default(create_as_default, r);
  if (!res.a)
    *thread = (pthread_t)res.b; /* stored with the caller's rights */
  return (int)res.a;
}

static int clone_trampoline(void *p) {
  thread_start();
  if (protected())
    bh_enter_default_domain();
  struct start s = *(struct start *)p;
  free(p);
  return s.clone_fn(s.arg);
}

struct clone_req {
  int (*fn)(void *);
  void *stack, *arg, *parent_tid, *tls, *child_tid;
  int flags;
};

static int do_clone(struct clone_req *r) {
  static int (*next)(int (*)(void *), void *, int, void *, ...);
  if (!next)
    next = bh_libc("clone");
  struct start *s = new_start();
  s->clone_fn = r->fn;
  s->arg = r->arg;
  /* A child sharing our memory may read *s after clone returns: it frees it. */
  int tid = next(clone_trampoline, r->stack, r->flags, s, r->parent_tid, r->tls,
                 r->child_tid);
  if (tid < 0 || (tid > 0 && !(r->flags & CLONE_VM)))
    free(s); /* failed, or the child has a copy of its own */
  return tid;
}

static struct bh_pair clone_as_default(void *p) {
  struct clone_req r = *(struct clone_req *)p;
  free(p);
  return (struct bh_pair){do_clone(&r), 0};
}

/* glibc's clone(3): the optional arguments are passed on unchanged. From a
 * compartment the pointers among them (the child's stack, parent_tid,
 * child_tid, tls) are used with the default domain's rights: they must be
 * shared memory. */
int clone(int (*fn)(void *), void *stack, int flags, void *arg, ...) {
  va_list ap;
  va_start(ap, arg);
  struct clone_req r = {fn, stack, arg, NULL, NULL, NULL, flags};
  r.parent_tid = va_arg(ap, void *);
  r.tls = va_arg(ap, void *);
  r.child_tid = va_arg(ap, void *);
  va_end(ap);
  if (!bh_in_compartment())
    return do_clone(&r);
  struct clone_req *copy = bh_shared_block(sizeof r);
  if (!copy)
    return errno = ENOMEM, -1;
  *copy = r;
  return (int)bh_as_default(clone_as_default, copy).a;
}
