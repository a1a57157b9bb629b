// Since Linux 6.12 ("x86/pkeys: Update PKRU to enable all pkeys before
// XSAVE") the kernel writes a signal frame with every protection key
// enabled, so that an alternate signal stack tagged with a key works. The
// filter does not look at sigaltstack or rt_sigaction (their arguments are
// in memory), so the default domain, with raw system calls, points its
// alternate stack at the vault's data, installs a SIGUSR1 handler on it
// (SA_ONSTACK) and signals itself with registers of its choice: the kernel
// writes the frame - every general register, the attacker's values - into
// the vault's data, ignoring its key. Where it lands is ss_sp + ss_size
// minus the frame, so the attacker picks the address too: a write of
// chosen words anywhere in any compartment's memory. The handler then
// faults (it starts with the default PKRU and the frame is not readable to
// sigreturn) and the task dies, so the attacker does it from a clone(CLONE_VM)
// process of its own: the program lives on with the vault's data changed.
// On 6.18 natively the vault's zeroed data then holds the attacker's word 4
// times; on 6.1 (QEMU guest) the kernel writes the frame with the
// interrupted PKRU, fails, and the vault stays intact (docs/signals.md's
// alternate-stack row). Either way sigaltstack onto compartment memory is
// accepted today. Found in the second review of the default domain's
// program counter (attacker model B).
//
// Fix (not made here): for our process, no alternate signal stack on
// protected memory. The filter cannot read the stack_t and the supervisor's
// reading of it would race with other threads (and CLONE_VM processes);
// one way that holds: allow sigaltstack with a new stack only where args[0]
// lies on a read-only page of the runtime holding per-thread stack_t
// records, which the supervisor writes on the runtime's request after
// checking the stack lies outside every protected range (as it writes the
// stack-owner table), and refuse every other new alternate stack.
// That alone would make this test pass but is not a fix, and was not made:
// rt_sigreturn sets the alternate stack from its frame's uc_stack, no
// system call needed (attacks-review2-altstack-sigreturn.c), and since 6.12
// the frame on the current stack is written with every key enabled too, so
// an rsp in the vault's data does the same with no alternate stack
// (docs/hardening.md).
//
// This test expects the sigaltstack call onto the vault to be refused and
// the vault's data to stay zero. OPEN: expected to fail until fixed.
// XFAIL: *
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t | FileCheck %s
// CHECK: attacks-review2-altstack-frame: ok
#include "Inputs/check.h"
#include <sched.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#define WORD 0x4141414141414141UL

BULKHEAD_DATA(vault) static unsigned long area[4096]; /* 32 KiB, all 0 */
BULKHEAD_ENTRY(vault) long vault_count(unsigned long v) {
  long n = 0;
  for (int k = 0; k < 4096; k++)
    n += area[k] == v;
  return n;
}
BULKHEAD_ENTRY(vault) void *vault_area(void) { return area; }

/* A handler that uses no stack: straight to rt_sigreturn. */
__asm__(".text\n"
        ".globl stackless_return\n"
        "stackless_return:\n"
        "  mov $15, %eax\n"
        "  syscall\n"
        "  ud2\n");
void stackless_return(void);

struct kernel_sigaction {
  void *handler;
  unsigned long flags;
  void *restorer;
  unsigned long mask;
};
#define SA_RESTORER_ 0x04000000

static long raw_syscall4(long nr, long a, long b, long c, long d) {
  long r;
  register long r10 __asm__("r10") = d;
  __asm__ volatile("syscall"
                   : "=a"(r)
                   : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10)
                   : "rcx", "r11", "memory");
  return r;
}

static volatile long altstack_rc = -1;
static char *vault;

/* Our memory, its own signal handlers and task: raw system calls only. */
static int attacker(void *arg) {
  (void)arg;
  stack_t ss = {.ss_sp = vault, .ss_size = 4096 * 8, .ss_flags = 0};
  altstack_rc = raw_syscall4(SYS_sigaltstack, (long)&ss, 0, 0, 0);
  struct kernel_sigaction ka = {(void *)stackless_return, SA_RESTORER_ | SA_ONSTACK | SA_SIGINFO,
                                (void *)stackless_return, 0};
  raw_syscall4(SYS_rt_sigaction, SIGUSR1, (long)&ka, 0, 8);
  long self = raw_syscall4(SYS_getpid, 0, 0, 0, 0), ret;
  /* the frame saves these, as the kernel found them at the call */
  register long r12 __asm__("r12") = (long)WORD;
  register long r13 __asm__("r13") = (long)WORD;
  __asm__ volatile("syscall"
                   : "=a"(ret)
                   : "a"((long)SYS_tgkill), "D"(self), "S"(self), "d"((long)SIGUSR1), "r"(r12),
                     "r"(r13)
                   : "rcx", "r11", "memory");
  raw_syscall4(SYS_exit, 0, 0, 0, 0);
  return 0;
}

int main(void) {
  vault = vault_area();
  CHECK(vault_count(WORD) == 0);
  size_t size = 1 << 20;
  char *stack = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(stack != MAP_FAILED);
  pid_t pid = clone(attacker, stack + size, CLONE_VM | SIGCHLD, NULL);
  CHECK(pid > 0);
  int status;
  CHECK(waitpid(pid, &status, 0) == pid);
  long written = vault_count(WORD);
  printf("sigaltstack onto the vault: %ld; attacker's word in the vault's data: %ld times\n",
         altstack_rc, written);
  if (altstack_rc == 0 || written) {
    puts("attacks-review2-altstack-frame: BROKEN: an alternate stack on compartment memory was "
         "accepted");
    return 1;
  }
  puts("attacks-review2-altstack-frame: ok");
  return 0;
}
