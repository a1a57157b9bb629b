// Issue 11, item 6: leaving a compartment, only the registers that carry
// part of the callee's result keep what the compartment left there: rax for
// an integer result, rdx too only for a two-register one, neither for void
// or a double. Calling out, argument registers the callee does not take
// (rdx, rcx, rax for a non-variadic call) carry nothing of the compartment.
// The vault plants its secret in rax, rdx and rcx just before it returns or
// calls out; the other side reads them at once. Direct calls, calls through
// a pointer (the wrapper), through the entry's thunk, and through a pointer
// that shared code calls for another compartment (the wrapper's trampoline
// that finds the caller at run time) are checked.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t && %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s -o %t0 && %run %t0 | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s -o %ts && %run %ts | FileCheck %s
// CHECK: direct long: 0
// CHECK-NEXT: pointer long: 0
// CHECK-NEXT: thunk long: 0
// CHECK-NEXT: direct void: 0
// CHECK-NEXT: pointer void: 0
// CHECK-NEXT: pointer double: 0
// CHECK-NEXT: call out: 0
// CHECK-NEXT: pair: 1 2
// CHECK-NEXT: any long: 0
#include <stdio.h>
#include <bulkhead.h>

#define SECRET 0x5ec12e75ec12e7L
BULKHEAD_DATA(vault) static volatile long secret = SECRET;

#define PLANT(regs, ...)                                                  \
  do {                                                                         \
    long s = secret;                                                           \
    __asm__ volatile(regs ::"r"(s) : __VA_ARGS__);                                \
  } while (0)

BULKHEAD_ENTRY(vault) long vault_long(void) {
  PLANT("movq %0, %%rdx\n\tmovq %0, %%rcx", "rdx", "rcx");
  return 7;
}
BULKHEAD_ENTRY(vault) void vault_void(void) {
  PLANT("movq %0, %%rax\n\tmovq %0, %%rdx\n\tmovq %0, %%rcx", "rax", "rdx", "rcx");
}
BULKHEAD_ENTRY(vault) double vault_double(void) {
  PLANT("movq %0, %%rax\n\tmovq %0, %%rdx\n\tmovq %0, %%rcx", "rax", "rdx", "rcx");
  return 1.5;
}
struct pair { long a, b; };
BULKHEAD_ENTRY(vault) struct pair vault_pair(void) {
  struct pair p = {1, 2};
  return p;
}

// The thunk: what a caller that does not see the annotation calls.
long vault_long_unannotated(void) __asm__("vault_long");

// A default-domain function that records rax, rdx and rcx as it is entered.
long seen[3];
__attribute__((naked)) void sink(int x) {
  __asm__("movq %rax, seen(%rip)\n\tmovq %rdx, seen+8(%rip)\n\t"
          "movq %rcx, seen+16(%rip)\n\tret");
}
BULKHEAD_ENTRY(vault) void vault_call_out(void) {
  PLANT("movq %0, %%rax\n\tmovq %0, %%rdx\n\tmovq %0, %%rcx", "rax", "rdx", "rcx");
  sink(1);
}

// Shared code (the pass never sees a function in top-level asm): calls f and
// stores what f left in rdx at *out.
long call_read_rdx(long (*f)(void), long *out);
__asm__(".text\n.globl call_read_rdx\ncall_read_rdx:\n"
        "pushq %rbx\nmovq %rsi, %rbx\ncallq *%rdi\nmovq %rdx, (%rbx)\n"
        "popq %rbx\nret\n");
// Another compartment runs it with a pointer made in the default domain.
BULKHEAD_ENTRY(other) int other_reads_rdx(long (*f)(void)) {
  long rdx = 0;
  long r = call_read_rdx(f, &rdx);
  return (rdx == SECRET) + (r != 7);
}

static long regs[3];
#define READ_REGS()                                                            \
  __asm__ volatile("movq %%rax, 0(%0)\n\tmovq %%rdx, 8(%0)\n\t"               \
                   "movq %%rcx, 16(%0)" ::"D"(regs) : "memory")
static int leaked(int first, int n) {
  int count = 0;
  for (int i = first; i < first + n; i++)
    count += regs[i] == SECRET;
  return count;
}

int main(void) {
  long (*volatile pl)(void) = vault_long;
  void (*volatile pv)(void) = vault_void;
  double (*volatile pd)(void) = vault_double;
  long r = vault_long();
  READ_REGS();
  printf("direct long: %d\n", leaked(1, 2) + (r != 7));
  r = pl();
  READ_REGS();
  printf("pointer long: %d\n", leaked(1, 2) + (r != 7));
  r = vault_long_unannotated();
  READ_REGS();
  printf("thunk long: %d\n", leaked(1, 2) + (r != 7));
  vault_void();
  READ_REGS();
  printf("direct void: %d\n", leaked(0, 3));
  pv();
  READ_REGS();
  printf("pointer void: %d\n", leaked(0, 3));
  double d = pd();
  READ_REGS();
  printf("pointer double: %d\n", leaked(0, 3) + (d != 1.5));
  vault_call_out();
  for (int i = 0; i < 3; i++)
    regs[i] = seen[i];
  printf("call out: %d\n", leaked(0, 3));
  struct pair p = vault_pair();
  printf("pair: %ld %ld\n", p.a, p.b);
  printf("any long: %d\n", other_reads_rdx(pl));
  return 0;
}
