/* The runtime's stack-owner table (runtime/stacks.c, struct
 * bh_owner_table: a read-only page every domain may read) and the request
 * that changes it (runtime/syscalls.h), for tests that read or forge
 * them; release_own_stacks() asks to release every stack the calling
 * thread holds. The sizes are include/bulkhead/abi.h's (not installed for
 * programs). */
#ifndef STACK_OWNERS_H
#define STACK_OWNERS_H
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_C 15      /* BH_MAX_COMPARTMENTS */
#define PER_ARENA 512 /* BH_STACKS_PER_ARENA */
#define REQUEST_FD 0x7ffffff3
enum { OWNER_CLAIM = 1, OWNER_RELEASE, OWNER_ADOPT };

extern const uint32_t owners[MAX_C][PER_ARENA] __asm__(
    "__bulkhead_stack_owners") __attribute__((visibility("hidden")));

/* Asks the supervisor to release each stack the table gives this thread,
 * printing each answer: how many it released. */
static int release_own_stacks(void) {
  uint32_t me = (uint32_t)syscall(SYS_gettid);
  int released = 0;
  for (int c = 0; c < MAX_C; c++)
    for (int i = 0; i < PER_ARENA; i++)
      if (owners[c][i] == me) {
        long r = syscall(SYS_ioctl, REQUEST_FD, (long)OWNER_RELEASE, (long)c,
                         (long)i);
        printf("released vault stack (%d, %d): %ld (%s)\n", c, i, r,
               r ? strerror(errno) : "ok");
        released += r == 0;
      }
  return released;
}

#endif
