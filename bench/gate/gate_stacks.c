/* gate_stacks.c - the rows of the gate benchmark built with per-compartment
 * stacks (the default, what ships):
 *   - the same entry call as the "Bulkhead call" row, each through a
 *     trampoline that switches to this thread's stack of compartment
 *     gatestacks (target.h: the same code as gatebench, one stack mode per
 *     compartment);
 *   - the same entry called through a function pointer (its wrapper);
 *   - compartment code calling out to a default-domain function, once per
 *     iteration (one entry, then n calls out and back);
 *   - compartment code calling shared code (shared.c, built without
 *     Bulkhead) that calls a default-domain function through a pointer the
 *     default domain made: the wrapper finds the compartment at run time
 *     and goes back to it through the runtime's run-time-chosen way back. */
#define GATE_STACKS
#include "target.h"

void loop_bulkhead_stacks(long n);
void loop_bulkhead_pointer(long n);
void loop_bulkhead_call_out(long n);
void loop_bulkhead_way_back(long n);
long way_count(void);

__attribute__((noinline)) void loop_bulkhead_stacks(long n) {
  for (long i = 0; i < n; i++)
    entry_target();
}

/* volatile: the call must stay indirect. */
void (*volatile entry_pointer)(void) = entry_target;

__attribute__((noinline)) void loop_bulkhead_pointer(long n) {
  for (long i = 0; i < n; i++)
    entry_pointer();
}

BULKHEAD_ENTRY(GATE_COMPARTMENT) void entry_call_out(long n);

__attribute__((noinline)) void entry_call_out(long n) {
  for (long i = 0; i < n; i++)
    plain_target(); /* a gate out and a gate back in around each call */
}

__attribute__((noinline)) void loop_bulkhead_call_out(long n) { entry_call_out(n); }

/* shared.c */
void shared_call(void (*f)(void));

static long way_counter;
/* The same work as plain_target; defined here, so that the pass knows its
 * domain and a pointer to it is its wrapper. */
__attribute__((noinline)) static void way_target(void) { way_counter++; }
long way_count(void) { return way_counter; }
void (*volatile way_pointer)(void) = way_target;

BULKHEAD_ENTRY(GATE_COMPARTMENT) void entry_way_back(long n);

__attribute__((noinline)) void entry_way_back(long n) {
  for (long i = 0; i < n; i++)
    shared_call(way_pointer); /* with gatestacks' rights, on its stack */
}

__attribute__((noinline)) void loop_bulkhead_way_back(long n) { entry_way_back(n); }
