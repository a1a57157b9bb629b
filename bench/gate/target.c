/* target.c - callees of the gate benchmark; see target.h. */
#include "target.h"

BULKHEAD_DATA(GATE_COMPARTMENT) static long entry_counter;

/* noinline is belt and braces: another translation unit already prevents
 * inlining without LTO. */
#ifndef GATE_STACKS
static long plain_counter;
__attribute__((noinline)) void plain_target(void) { plain_counter++; }
long plain_count(void) { return plain_counter; }
#endif

__attribute__((noinline)) void entry_target(void) { entry_counter++; }
long entry_count(void) { return entry_counter; }
