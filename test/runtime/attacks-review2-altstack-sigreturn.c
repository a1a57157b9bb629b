// Why a rule on the sigaltstack call cannot close
// attacks-review2-altstack-frame.c (attacker model B: the default domain's
// program counter, raw system calls). rt_sigreturn restores the alternate
// signal stack from the frame's uc_stack inside the kernel (the kernel's
// restore_altstack), which no filter sees: the frame is memory at rsp.
// Here a clone(CLONE_VM) process of the default domain takes a signal on a
// handler of its own, the handler writes the vault's data into its frame's
// uc_stack, and rt_sigreturn makes that the process's alternate stack,
// without one sigaltstack call that sets it. From there the kernel of
// Linux >= 6.12 writes the next signal frame into the vault with every key
// enabled (attacks-review2-altstack-frame.c). This much works on 6.1 too
// (in the guest): the alternate stack is on the vault afterwards.
//
// Expected: no alternate stack on compartment memory. No seccomp rule can
// give that (rt_sigreturn must stay allowed, and its frame is in memory);
// on >= 6.12 the frame on the current stack is written with every key
// enabled too (the kernel's comment at sig_prepare_pkru: "both the current
// execution stack as well as the alternate signal stack"), so an rsp in
// the vault's data does the same without any alternate stack
// (docs/hardening.md). OPEN: expected to fail.
// XFAIL: *
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t | FileCheck %s
// CHECK: attacks-review2-altstack-sigreturn: ok
#include "Inputs/check.h"
#include <sched.h>
#include <sys/mman.h>
#include <sys/syscall.h>

BULKHEAD_DATA(vault) static unsigned long area[4096]; /* 32 KiB */
BULKHEAD_ENTRY(vault) void *vault_area(void) { return area; }

char *vault_for_handler;
volatile long handler_ran;

/* The handler (no stack, no runtime): the ucontext is in rdx; uc_stack is
 * at 16 (ss_sp), 24 (ss_flags), 32 (ss_size). Its return goes to the
 * restorer: rt_sigreturn on the frame. */
__asm__(".text\n"
        ".globl altstack_to_vault\n"
        "altstack_to_vault:\n"
        "  incq handler_ran(%rip)\n"
        "  movq vault_for_handler(%rip), %rax\n"
        "  movq %rax, 16(%rdx)\n"
        "  movl $0, 24(%rdx)\n"
        "  movq $32768, 32(%rdx)\n"
        "  ret\n"
        ".globl plain_restorer\n"
        "plain_restorer:\n"
        "  mov $15, %eax\n"
        "  syscall\n"
        "  ud2\n");
void altstack_to_vault(void);
void plain_restorer(void);

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

static stack_t after;
static volatile long query_rc = -1;

/* Our memory, its own signal handlers and task: raw system calls only,
 * and no sigaltstack call with a new stack. */
static int attacker(void *arg) {
  (void)arg;
  struct kernel_sigaction ka = {(void *)altstack_to_vault,
                                SA_RESTORER_ | SA_SIGINFO,
                                (void *)plain_restorer, 0};
  raw_syscall4(SYS_rt_sigaction, SIGUSR1, (long)&ka, 0, 8);
  long self = raw_syscall4(SYS_getpid, 0, 0, 0, 0);
  raw_syscall4(SYS_tgkill, self, self, SIGUSR1, 0);
  query_rc = raw_syscall4(SYS_sigaltstack, 0, (long)&after, 0, 0);
  raw_syscall4(SYS_exit, 0, 0, 0, 0);
  return 0;
}

int main(void) {
  vault_for_handler = vault_area();
  size_t size = 1 << 20;
  char *stack = mmap(NULL, size, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(stack != MAP_FAILED);
  pid_t pid = clone(attacker, stack + size, CLONE_VM | SIGCHLD, NULL);
  CHECK(pid > 0);
  int status;
  CHECK(waitpid(pid, &status, 0) == pid);
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  CHECK(handler_ran == 1); /* the frame was rewritten and given back */
  CHECK(query_rc == 0);
  printf("alternate stack after rt_sigreturn: %p (flags %d, size %zu); the "
         "vault's data: %p\n",
         after.ss_sp, after.ss_flags, after.ss_size, (void *)vault_for_handler);
  if (!(after.ss_flags & SS_DISABLE) &&
      (char *)after.ss_sp == vault_for_handler) {
    puts("attacks-review2-altstack-sigreturn: BROKEN: rt_sigreturn put the "
         "alternate stack on compartment memory");
    return 1;
  }
  puts("attacks-review2-altstack-sigreturn: ok");
  return 0;
}
