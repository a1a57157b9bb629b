/*
 * fork.c - the runtime's locks across fork (review 69a).
 *
 * A fork copies a lock as it is: one that another thread held stays held
 * in the child, where that thread is gone, and the child waits for it for
 * ever at its next use (attacks-rev69a-fork-vault-lock.cpp). So the
 * pthread_atfork handlers here (registered first, so that the prepare
 * handler runs last and the others first) hold every compartment's locks
 * across the fork: its exception table's (exceptions.c) and its heap's
 * (heap.c, bh_heap_fork), ticket locks on its key. The parent gives them
 * back; the child, whose one thread holds them, frees them and voids the
 * tickets gone threads took while they waited. The state under them is
 * whole, since no one is inside. dlopen.c's registration lock is held
 * too, first: the compartments stay the same from prepare to child. A
 * fork from inside registration (a constructor, an interposed mprotect:
 * dso/dlopen-hardened.test) holds it already and does not take it again;
 * its child goes on registering and unlocks it itself.
 *
 * Order and deadlock. Compartments in index order, in each its table's
 * lock before its heap's: the runtime's one nesting of them
 * (exceptions.c frees a block into the heap with its table locked). No
 * holder of one compartment's lock waits for another compartment's or
 * for the registration lock (registration takes no compartment lock),
 * and none calls out: under a heap lock runs only the compartment's
 * mimalloc copy and its system calls (its callbacks cannot be set:
 * mi_register_* reach the default domain's mimalloc, mimalloc-api.c);
 * under a table lock the runtime's pkey_mprotect, the heap's free and
 * fatal errors. So every holder leaves without the forking thread, two
 * threads forking at once queue at the first lock, and a fork from a
 * call out of a compartment (spawn.c: the handlers run with the default
 * domain's rights) holds none of them. One way in remains: a signal
 * handler that interrupts its thread inside such a section and calls
 * fork waits in prepare for its own thread, as glibc's fork does for its
 * malloc's locks. So, as glibc does, a process that never had a second
 * thread (__libc_single_threaded; a thread made by a bare clone is not
 * counted, by glibc either) holds no compartment lock: no other thread
 * can hold one at the fork, and the child goes on from the interrupted
 * section itself. fork is not async-signal-safe (POSIX.1-2024); _Fork
 * is, and runs no handlers (its child inherits the locks as they are,
 * and may call only async-signal-safe functions, malloc not among them).
 *
 * Signals. From prepare until the parent or child handler every signal
 * is blocked: a handler there that allocated in a compartment would wait
 * for the lock its own thread holds. The mask it had is kept in key-0
 * TLS: rewritten, it only chooses the signals this thread gets back. A
 * fork from a handler runs these handlers on the stacks the owner table
 * gives its thread, so a stack is never in that table unmapped while a
 * handler can run (stacks.c, claim_mapped and thread_exit).
 *
 * Rights. The locks are on the compartments' keys: taken, given and
 * freed with each one's rights, on the forking thread's stack of it
 * (stacks.c, bh_stack_mine: claimed if the thread never entered the
 * compartment; bh_run_in_compartment checks that it is this thread's by
 * gettid). What is given back is decided on the compartment's key (its
 * heap header's `forked`, the holder's gettid), never by key-0 memory: a
 * parent handler run without prepare (glibc's handler list is key-0)
 * gives nothing. The child first takes over the stacks: its thread has a
 * new id, which the owner table must name before it runs on one.
 */
#define _GNU_SOURCE
#include "internal.h"

#include <pthread.h>
#include <signal.h>
#include <sys/single_threaded.h>

static __thread sigset_t old_mask;
static __thread int held_registration;

/* Each compartment with a heap, in index order, with its rights (where
 * they are enforced; else anyone's). The stack first: bh_heap_fork is
 * live in no register across a call, which could keep it on the key-0
 * stack. Only prepare claims one: a thread with no stack of c held none
 * of c's locks. */
static void each(int phase) {
  for (int c = 0; c < (int)bh_domain_count() && c < BH_MAX_COMPARTMENTS; c++) {
    if (!bh_heap_fork_has(c))
      continue;
    if (!__bulkhead_domain0.enforced) {
      bh_heap_fork((uintptr_t)c, (uintptr_t)phase, 0, 0);
      continue;
    }
    int i = bh_stack_mine(c, phase == BH_FORK_HOLD);
    if (i >= 0)
      bh_stack_on(c, i, bh_heap_fork, (uintptr_t)phase);
  }
}

/* Parent and child give back or free only what `forked` says was held:
 * they need not know whether prepare held anything. */
static void prepare(void) {
  sigset_t all;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old_mask);
  held_registration = bh_registration_hold();
  if (!__libc_single_threaded)
    each(BH_FORK_HOLD);
}

static void parent(void) {
  each(BH_FORK_PARENT);
  if (held_registration)
    bh_registration_release();
  pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
}

static void child(void) {
  bh_stacks_after_fork();
  each(BH_FORK_CHILD);
  if (held_registration)
    bh_registration_release();
  pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
}

void bh_fork_init(void) {
  if (pthread_atfork(prepare, parent, child))
    bh_fatal("cannot register the runtime's fork handlers");
}
