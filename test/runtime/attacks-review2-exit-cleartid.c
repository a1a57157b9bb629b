// When a task exits, the kernel writes 0 to the 4-byte word its
// clear_child_tid names (set_tid_address, or clone's CLONE_CHILD_CLEARTID)
// and wakes a futex there. The write follows the PKRU the task had when it
// died: a task killed while it runs compartment code (blocked in a
// system call the compartment made) writes with that compartment's rights.
// Neither the filter nor the supervisor looks at set_tid_address. The
// default domain makes a process of its own that shares our memory
// (clone(CLONE_VM), the same vector as attacks-review2-adopt-shared-vm.c;
// a vfork child would do too), points its clear_child_tid at a word of the
// vault's data (raw set_tid_address), calls a vault entry that blocks in
// read(), and kills it: the kernel zeroes the low half of the vault's word
// at the address the attacker chose. Verified natively (6.18) and in the
// QEMU guest (6.1). Found in the second review of the default domain's
// program counter (attacker model B).
//
// Fixed: the filter sends set_tid_address, and clone with
// CLONE_CHILD_CLEARTID / CLONE_CHILD_SETTID / CLONE_PARENT_SETTID, whose
// word [addr, addr + 4) is in protected memory, to the supervisor, which
// refuses them for our process; clone3 gets ENOSYS (libc falls back to
// clone). Still open: the robust
// futex list at exit (set_robust_list; the list is key-0 memory the
// attacker writes) makes the kernel set FUTEX_OWNER_DIED in a word that
// holds the dying task's id, with the same rights; not tried here, and it
// needs the same kind of answer (or processes that share our memory
// refused altogether).
//
// This test expects the vault's word to stay as it was.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t | FileCheck %s
// CHECK: attacks-review2-exit-cleartid: ok
#include "Inputs/check.h"
#include <sched.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#define SECRET 0x1122334455667788UL

BULKHEAD_DATA(vault) static unsigned long words[4] = {SECRET, SECRET, SECRET, SECRET};
BULKHEAD_ENTRY(vault) unsigned long vault_word(int k) { return words[k]; }
BULKHEAD_ENTRY(vault) void *vault_where(void) { return &words[1]; }
BULKHEAD_ENTRY(vault) long vault_block(int fd) {
  char c;
  return read(fd, &c, 1);
}

static int fds[2];
static void *target;

static long raw_syscall1(long nr, long a) {
  long r;
  __asm__ volatile("syscall" : "=a"(r) : "a"(nr), "D"(a) : "rcx", "r11", "memory");
  return r;
}

/* A process of its own with our memory. */
static int attacker(void *arg) {
  (void)arg;
  raw_syscall1(SYS_set_tid_address, (long)target);
  vault_block(fds[0]); /* killed in here, with the vault's rights */
  raw_syscall1(SYS_exit, 0);
  return 0;
}

int main(void) {
  CHECK(pipe(fds) == 0);
  target = vault_where();
  size_t size = 1 << 20;
  char *stack = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(stack != MAP_FAILED);
  pid_t pid = clone(attacker, stack + size, CLONE_VM | SIGCHLD, NULL);
  CHECK(pid > 0);
  usleep(300 * 1000); /* blocked in the vault by now */
  CHECK(kill(pid, SIGKILL) == 0);
  int status;
  CHECK(waitpid(pid, &status, 0) == pid);
  unsigned long now = vault_word(1);
  printf("vault word before %#lx, after %#lx\n", SECRET, now);
  if (now != SECRET) {
    puts("attacks-review2-exit-cleartid: BROKEN: the kernel wrote into the vault's data at the "
         "attacker's address");
    return 1;
  }
  puts("attacks-review2-exit-cleartid: ok");
  return 0;
}
