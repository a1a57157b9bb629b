/* gate_stacks.c - the rows of the gate benchmark built with per-compartment
 * stacks (the default, what ships):
 *   - the same entry call as the "Bulkhead call" row, each through a
 *     trampoline that switches to this thread's gatebench stack;
 *   - the same entry called through a function pointer (its wrapper);
 *   - compartment code calling out to a default-domain function, once per
 *     iteration (one entry, then n calls out and back). */
#include "target.h"

void loop_bulkhead_stacks(long n);
void loop_bulkhead_pointer(long n);
void loop_bulkhead_call_out(long n);

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

BULKHEAD_ENTRY(gatebench) void entry_call_out(long n);

__attribute__((noinline)) void entry_call_out(long n) {
  for (long i = 0; i < n; i++)
    plain_target(); /* a gate out and a gate back in around each call */
}

__attribute__((noinline)) void loop_bulkhead_call_out(long n) { entry_call_out(n); }
