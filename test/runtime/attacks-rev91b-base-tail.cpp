// Review 91b, attacker model B (the default domain's code reads rdi when
// a call out of the vault arrives, rax when an entry returns). A derived
// class whose member sits in its base's tail padding (the base is no POD):
// clang types B as {%struct.A2.base, i8, i8}, the base packed (align 1),
// so the byte after `d` is spelled as an i8 element, one byte of padding
// (clang's padding of one byte is i8, of more [N x i8]).
// pass/RecordLayouts.cpp requires every IR scalar to be data in a debug
// layout, refused B's, and Padding.cpp kept the i8 as data: byte 7, which
// the vault had filled from its key word, went out in the argument to a
// default-domain callee and in the entry's result. Before: ATTACK
// SUCCEEDED in the guest at -O2, -O0 and without compartment stacks, both
// cases. Now an i8 counts as padding where clang's layout needs a byte
// there (the next element, or the end, lies further on than without it).
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 %s -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clangxx -fpkey-compartments -O0 %s -o %t0
// RUN: %run %t0 | FileCheck %s
// RUN: %bulkhead_clangxx -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s -o %tn
// RUN: %run %tn | FileCheck %s
// CHECK: argument: c Z p P d D
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: result: c Z p P d D
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: key bytes in the padding: none
#include "Inputs/check.h"
#include "Inputs/vault-word.h"

#pragma clang diagnostic ignored "-Wreturn-type-c-linkage"

/* A2 is no POD (a protected member): a derived class's member goes in its
   tail padding. B: i 0-3, c 4, p 5, d 6, byte 7 padding. */
struct A2 {
  int i;
  char c;
  void setp(char v) { p = v; }
protected:
  char p;
};
struct B : A2 { char d; };

unsigned char seen_arg[8], seen_ret[8];
__attribute__((noinline)) void sink_b(B b) { memcpy(seen_arg, &b, 8); }

BULKHEAD_DATA(vault) B vault_b;

static void vault_fill(void) {
  uint64_t w = vault_word(vault_i);
  memcpy((void *)&vault_b, &w, 8);
  vault_b.i = 0x01020304;
  vault_b.c = 'Z';
  vault_b.setp('P');
  vault_b.d = 'D';
}

BULKHEAD_ENTRY(vault) void vault_pass(void) {
  vault_fill();
  sink_b(vault_b);
}
extern "C" BULKHEAD_ENTRY(vault) B vault_ret(void) {
  vault_fill();
  return vault_b;
}

/* The attacker's code: rax as the entry leaves it. */
extern "C" uint64_t seen_rax;
uint64_t seen_rax;
extern "C" void call_ret(void);
__asm__(".text\n"
        ".globl call_ret\n"
        "call_ret:\n"
        "  pushq %rbx\n"
        "  call vault_ret\n"
        "  movq %rax, seen_rax(%rip)\n"
        "  popq %rbx\n"
        "  ret\n");

int main() {
  setvbuf(stdout, NULL, _IONBF, 0);
  vault_pass();
  printf("argument: c %c p %c d %c\n", seen_arg[4], seen_arg[5], seen_arg[6]);
  int a = key_bits_in("argument", seen_arg, 7, 8, 0xff);
  call_ret();
  memcpy(seen_ret, &seen_rax, 8);
  printf("result: c %c p %c d %c\n", seen_ret[4], seen_ret[5], seen_ret[6]);
  int b = key_bits_in("result", seen_ret, 7, 8, 0xff);
  printf("key bytes in the padding: %s\n", a || b ? "some" : "none");
  return 0;
}
