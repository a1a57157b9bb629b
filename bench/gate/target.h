/* target.h - the functions the gate benchmark calls. They live in their own
 * translation unit so that -O2 cannot inline them into the timing loops. */
#ifndef GATE_TARGET_H
#define GATE_TARGET_H

#include <bulkhead.h>

/* Default domain: bumps a default-domain counter. */
void plain_target(void);
long plain_count(void);

/* Compartment "gatebench": the same work on a counter only the compartment
 * can touch, so each call must really switch rights to succeed. A
 * compartment has one stack mode in a link (docs/design.md): the rows built
 * with per-compartment stacks (gate_stacks.c, -DGATE_STACKS) call the same
 * code as compartment "gatestacks" (target.c built again). */
#ifdef GATE_STACKS
#define GATE_COMPARTMENT gatestacks
#define entry_target entry_target_stacks
#define entry_count entry_count_stacks
#else
#define GATE_COMPARTMENT gatebench
#endif
BULKHEAD_ENTRY(GATE_COMPARTMENT) void entry_target(void);
BULKHEAD_ENTRY(GATE_COMPARTMENT) long entry_count(void);

#endif
