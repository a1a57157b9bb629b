/* lock.h - the runtime's lock for state one thread changes at a time.
 * A ticket lock: threads get it in the order they asked. With one CPU
 * (the PKU guest has one), an exchange lock let a thread that took it
 * again at once keep it for ever, and a thread waiting for it never ran
 * while it was free (attacks-rev54-eptr-double-read.cpp's control: main
 * waited in _M_release while another thread threw in a loop). Zero is
 * free. */
#ifndef BULKHEAD_LOCK_H
#define BULKHEAD_LOCK_H
#include <sched.h>
#include <stdint.h>

struct bh_lock {
  uint32_t next;  /* the ticket the next taker gets */
  uint32_t owner; /* the ticket that holds the lock */
};

static inline void bh_lock_take(struct bh_lock *l) {
  uint32_t me = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);
  while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != me)
    sched_yield();
}

static inline void bh_lock_give(struct bh_lock *l) {
  __atomic_store_n(&l->owner, l->owner + 1, __ATOMIC_RELEASE);
}

/* In a forked child, by the one thread left, which holds the lock: free,
 * and the tickets gone threads took while they waited for it are void
 * (given, the lock would pass to the first of them, never to come). */
static inline void bh_lock_reset(struct bh_lock *l) {
  __atomic_store_n(&l->owner, l->next, __ATOMIC_RELEASE);
}
#endif
