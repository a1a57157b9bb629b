/* gate_stacks.c - the "Bulkhead call, stack switching" row of the gate
 * benchmark: the same entry call as the "Bulkhead call" row, from a
 * translation unit built with -fpkey-compartment-stacks, so each call goes
 * through a trampoline that switches to this thread's gatebench stack. */
#include "target.h"

void loop_bulkhead_stacks(long n);

__attribute__((noinline)) void loop_bulkhead_stacks(long n) {
  for (long i = 0; i < n; i++)
    entry_target();
}
