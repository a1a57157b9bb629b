/*
 * stats.c - BULKHEAD_STATS=1: how often each compartment is crossed, and
 * its heap's size, printed at exit. The pass's count steps and the runtime
 * add to each compartment's counters (BH_STATS_*, key-0 memory the
 * default domain can change: numbers for the user, nothing decides on
 * them); nothing is counted without the variable.
 */
#define _GNU_SOURCE
#include "internal.h"

#include <string.h>
#include <time.h>

static struct { long in_use, peak; } heap_bytes[BH_MAX_COMPARTMENTS];
static size_t largest_copy; /* of a frame's unwind rules (unwind-copy.c) */
static struct timespec started;

void bh_stats_init(char **envp) {
  static const char var[] = "BULKHEAD_STATS=";
  for (; envp && *envp; envp++)
    if (!strncmp(*envp, var, sizeof var - 1) &&
        strcmp(*envp + sizeof var - 1, "0") && (*envp)[sizeof var - 1]) {
      __bulkhead_domain0.counting = 1;
      clock_gettime(CLOCK_MONOTONIC, &started);
    }
}

void bh_stats_stack(struct bulkhead_domain *d) {
  if (__bulkhead_domain0.counting && d->stats)
    __atomic_add_fetch(&d->stats[BH_STATS_STACKS / 8], 1, __ATOMIC_RELAXED);
}

void bh_stats_heap(int i, long delta) {
  if (i < 0 || i >= BH_MAX_COMPARTMENTS)
    return;
  long now = __atomic_add_fetch(&heap_bytes[i].in_use, delta, __ATOMIC_RELAXED);
  long peak = __atomic_load_n(&heap_bytes[i].peak, __ATOMIC_RELAXED);
  while (now > peak &&
         !__atomic_compare_exchange_n(&heap_bytes[i].peak, &peak, now, 1,
                                      __ATOMIC_RELAXED, __ATOMIC_RELAXED))
    ;
}

void bh_stats_unwind_copy(size_t bytes) {
  if (!__bulkhead_domain0.counting)
    return;
  size_t now = __atomic_load_n(&largest_copy, __ATOMIC_RELAXED);
  while (bytes > now &&
         !__atomic_compare_exchange_n(&largest_copy, &now, bytes, 1,
                                      __ATOMIC_RELAXED, __ATOMIC_RELAXED))
    ;
}

static unsigned long counter(const struct bulkhead_domain *d, int field) {
  return d->stats ? __atomic_load_n(&d->stats[field / 8], __ATOMIC_RELAXED) : 0;
}

/* Late: after the program's own exit handlers and destructors, which may
 * still cross. */
__attribute__((destructor(101))) static void print_stats(void) {
  if (!__bulkhead_domain0.counting)
    return;
  if (bh_state->unprotected) { /* gates off: entries are never counted */
    bh_write("bulkhead: stats: none: running unprotected, the gates are "
             "off and crossings are not counted\n");
    return;
  }
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  double secs = (double)(now.tv_sec - started.tv_sec) +
                (double)(now.tv_nsec - started.tv_nsec) / 1e9;
  unsigned long ms = (unsigned long)(secs * 1000 + 0.5);
  for (size_t i = 0; i < bh_domain_count(); i++) {
    const struct bulkhead_domain *d = bh_domain_at((size_t)i);
    unsigned long in = counter(d, BH_STATS_ENTRIES),
                  out = counter(d, BH_STATS_CALLS_OUT);
    char line[512];
    bh_format(line, sizeof line,
              "bulkhead: stats: compartment '%s': %lu entries, %lu calls out, "
              "%lu pointer-wrapper calls, %lu stacks created, heap %ld bytes "
              "in use (peak %ld); %lu crossings in %lu ms (%lu per second)\n",
              d->name, in, out, counter(d, BH_STATS_WRAPPER_CALLS),
              counter(d, BH_STATS_STACKS),
              i < BH_MAX_COMPARTMENTS ? heap_bytes[i].in_use : 0,
              i < BH_MAX_COMPARTMENTS ? heap_bytes[i].peak : 0, in + out, ms,
              secs > 0 ? (unsigned long)((double)(in + out) / secs) : 0);
    bh_write(line);
  }
  if (largest_copy) {
    char line[160];
    bh_format(line, sizeof line,
              "bulkhead: stats: the largest copy of a frame's unwind rules: "
              "%zu bytes of a slot's 4080\n",
              largest_copy);
    bh_write(line);
  }
}
