/* target.h - the functions the gate benchmark calls. They live in their own
 * translation unit so that -O2 cannot inline them into the timing loops. */
#ifndef GATE_TARGET_H
#define GATE_TARGET_H

#include <bulkhead.h>

/* Default domain: bumps a default-domain counter. */
void plain_target(void);
long plain_count(void);

/* Compartment "gatebench": the same work on a counter only the compartment
 * can touch, so each call must really switch rights to succeed. */
BULKHEAD_ENTRY(gatebench) void entry_target(void);
BULKHEAD_ENTRY(gatebench) long entry_count(void);

#endif
