/* adopt-scene.h - what the attacks on the supervisor's "adopt" request
 * (reviews 2 and 6) share: the runtime's owner table and request numbers,
 * a victim's vault entry that blocks in read() and counts how many of its
 * 1024 locals changed meanwhile (it prints WAITER, the victim's name), a
 * vault entry that scribbles over its own 1024 locals, raw system calls
 * for a clone that has no libc of its own, the victim's stack slot, and
 * the clone(CLONE_VM) process on a fresh stack. */
#ifndef BULKHEAD_TEST_ADOPT_SCENE_H
#define BULKHEAD_TEST_ADOPT_SCENE_H
#include "check.h"
/* include/bulkhead/abi.h (not installed for programs) */
#define BH_MAX_COMPARTMENTS 15
#define BH_STACKS_PER_ARENA 512
#include <sched.h>
#include <sys/mman.h>
#include <sys/syscall.h>

/* The runtime's owner table (stacks.c): key-0, read-only, readable. */
extern uint32_t stack_owners[BH_MAX_COMPARTMENTS * BH_STACKS_PER_ARENA] __asm__(
    "__bulkhead_stack_owners");

#define REQUEST_FD 0x7ffffff3 /* runtime/syscalls.h: the runtime's requests */
enum { CLAIM = 1, RELEASE, ADOPT };

BULKHEAD_ENTRY(vault) int vault_wait(int fd) {
  volatile char buf[1024];
  for (int k = 0; k < 1024; k++)
    buf[k] = 'v';
  char c;
  if (read(fd, &c, 1) != 1)
    return -1;
  int changed = 0;
  for (int k = 0; k < 1024; k++)
    changed += buf[k] != 'v';
  /* said here: the way back may not survive what happened to the frame */
  printf("%s, back in the vault: %d bytes of its locals changed\n", WAITER,
         changed);
  fflush(stdout);
  return changed;
}
BULKHEAD_ENTRY(vault) int vault_scribble(void) {
  volatile char buf[1024];
  for (int k = 0; k < 1024; k++)
    buf[k] = 'Z';
  return buf[5];
}
BULKHEAD_ENTRY(vault) int vault_touch(void) { return 0; }

static long raw_syscall4(long nr, long a, long b, long c, long d) {
  long r;
  register long r10 __asm__("r10") = d;
  __asm__ volatile("syscall"
                   : "=a"(r)
                   : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10)
                   : "rcx", "r11", "memory");
  return r;
}

/* The owner table's slot of the vault stack this thread holds (after
 * vault_touch); fails the test if there is none. */
static int this_thread_slot(void) {
  int slot = -1;
  uint32_t me = (uint32_t)syscall(SYS_gettid);
  for (int k = 0; k < BH_MAX_COMPARTMENTS * BH_STACKS_PER_ARENA; k++)
    if (stack_owners[k] == me)
      slot = k;
  CHECK(slot >= 0);
  return slot;
}

/* A process of its own with our memory (clone(CLONE_VM), no CLONE_THREAD)
 * running FN on a fresh 1 MiB stack: its pid. */
static pid_t clone_shared_vm(int (*fn)(void *)) {
  size_t size = 1 << 20;
  char *stack = mmap(NULL, size, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(stack != MAP_FAILED);
  pid_t pid = clone(fn, stack + size, CLONE_VM | SIGCHLD, NULL);
  CHECK(pid > 0);
  return pid;
}

#endif
