/* The runtime's stack-owner table (runtime/stacks.c, struct
 * bh_owner_table: a read-only page every domain may read) and the request
 * that changes it (runtime/syscalls.h), for tests that read or forge
 * them. The sizes are include/bulkhead/abi.h's (not installed for
 * programs). */
#ifndef STACK_OWNERS_H
#define STACK_OWNERS_H
#include <stdint.h>

#define MAX_C 15      /* BH_MAX_COMPARTMENTS */
#define PER_ARENA 512 /* BH_STACKS_PER_ARENA */
#define REQUEST_FD 0x7ffffff3
enum { OWNER_CLAIM = 1, OWNER_RELEASE, OWNER_ADOPT };

extern const uint32_t owners[MAX_C][PER_ARENA] __asm__(
    "__bulkhead_stack_owners") __attribute__((visibility("hidden")));

#endif
