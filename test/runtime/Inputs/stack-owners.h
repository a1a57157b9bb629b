/* The runtime's stack-owner table (runtime/stacks.c, struct
 * bh_owner_table: a read-only page every domain may read) and the request
 * that changes it (runtime/syscalls.h), for tests that read or forge
 * them; release_own_stacks() asks to release every stack the calling
 * thread holds, vault_fresh_top() where a thread's vault stack starts
 * (from the domain table: the vault is compartment 1). The sizes are include/bulkhead/abi.h's (not installed for
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
#define STACK_SIZE (1ul << 20) /* BH_STACK_SIZE */
#define HEADER 64              /* BH_STACK_HEADER */
#define DOMAIN_STACK_LO 40     /* BH_DOMAIN_STACK_LO */

extern const uint32_t owners[MAX_C][PER_ARENA] __asm__(
    "__bulkhead_stack_owners") __attribute__((visibility("hidden")));
extern const uint64_t domain_table[] __asm__("__bulkhead_domain_table")
    __attribute__((visibility("hidden")));

/* The fresh top of the first vault stack the table gives TID (the vault's
 * descriptor is the domain table's entry 1), 0 if none. */
static uintptr_t vault_fresh_top(uint32_t tid) {
  uint64_t d = domain_table[1]; /* the vault's descriptor */
  uintptr_t lo = *(const uintptr_t *)(d + DOMAIN_STACK_LO);
  for (int i = 0; i < PER_ARENA; i++)
    if (owners[0][i] == tid)
      return lo + (uintptr_t)(i + 1) * STACK_SIZE - HEADER;
  return 0;
}

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
