/*
 * threads.c - every thread starts in the default domain. A new thread copies
 * its creator's PKRU, so a thread created from inside a compartment would
 * otherwise start with that compartment's rights. pthread_create and clone
 * are interposed (the runtime is linked into the executable, so its
 * definitions come first): the new thread runs a trampoline that enters the
 * default domain and then calls the start routine. A start routine whose
 * address was taken in instrumented code is a wrapper (see the pass) that
 * enters the routine's own domain, so it runs with exactly its rights.
 */
#define _GNU_SOURCE
#include "gate.h"
#include "internal.h"
#include "../include/bulkhead.h"

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
    bh_die("bulkhead: error: out of memory creating a thread");
  return s;
}

static int protected(void) {
  return bh_domain_count() != 0 && !bh_state->unprotected;
}

static void *pthread_trampoline(void *p) {
  if (protected())
    bh_enter_default_domain();
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

int pthread_create(pthread_t *thread, const pthread_attr_t *attr,
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

static int clone_trampoline(void *p) {
  if (protected())
    bh_enter_default_domain();
  struct start s = *(struct start *)p;
  free(p);
  return s.clone_fn(s.arg);
}

/* glibc's clone(3): the optional arguments are passed on unchanged. */
int clone(int (*fn)(void *), void *stack, int flags, void *arg, ...) {
  static int (*next)(int (*)(void *), void *, int, void *, ...);
  if (!next)
    next = bh_libc("clone");
  va_list ap;
  va_start(ap, arg);
  void *parent_tid = va_arg(ap, void *);
  void *tls = va_arg(ap, void *);
  void *child_tid = va_arg(ap, void *);
  va_end(ap);
  struct start *s = new_start();
  s->clone_fn = fn;
  s->arg = arg;
  /* A child sharing our memory may read *s after clone returns: it frees it. */
  int tid = next(clone_trampoline, stack, flags, s, parent_tid, tls, child_tid);
  if (tid < 0 || (tid > 0 && !(flags & CLONE_VM)))
    free(s); /* failed, or the child has a copy of its own */
  return tid;
}
