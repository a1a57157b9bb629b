// Review 83a, attacker model A (key-0 loads only). Shared code running for
// the vault (here lib_each, a library the pass never saw: the stub below
// is what clang -O2 makes of
//   void lib_each(const v4f *v, void (*cb)(struct point)) {
//     v4f s = *v; cb((struct point){s[0], s[1]}); }
// ) calls the program's callback, a default-domain function that takes a
// struct of two floats (<2 x float>), through its wrapper, which finds
// the vault's rights. Nothing at that call site is instrumented, so the
// trampoline the wrapper picks is the only scrub: with the vault's own
// pointer ("own", the wrapper's way from its creator) the static
// trampoline out of the vault cleared only rax, rcx, rdx, xmm13 and xmm15
// (it counted on a scrub at the call site, which only the vault's own
// calls have); with a pointer main made, the run-time-chosen trampoline
// (__bulkhead_tramp_any) took any vector parameter for "every register"
// and kept xmm0-7 and the six argument GPRs whole. Either way xmm0
// reached the honest callback with the vault's two other lanes, and its
// cvtss2sd kept them for snprintf, whose prologue stores xmm0-7 in its
// register save area on the key-0 stack. (Before aaba395 a vector
// parameter stopped such a call at run time; a float one passed through
// the static trampoline the same way.) Seen in the guest (LLVM 19, -O2):
// ATTACK SUCCEEDED 3 of 3 in each mode before.
// Fixed: a wrapper's way from a compartment scrubs and cuts the
// arguments before its trampoline as a direct call out does
// (pass/Wrappers.cpp), and the run-time-chosen trampoline keeps a vector
// or half argument's register to its bytes (pass/Stacks.cpp argRegs).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t own | FileCheck %s
// RUN: %run %t any | FileCheck %s
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: x 1.0
// CHECK-NEXT: vault key on the stack: no
#include "Inputs/check.h"
#include "Inputs/key-scan.h"

typedef float v4f __attribute__((vector_size(16)));
#define SECRET "PIN=7319"
/* Lanes 0-1: a public point; lanes 2-3: the vault's secret. */
BULKHEAD_DATA(vault) union {
  v4f f;
  char c[16];
} vault_pos = {.c = "\0\0\200?\0\0\0\0" SECRET};

struct point {
  float x, y;
};
void lib_each(const v4f *v, void (*cb)(struct point));
__asm__(".text\n.globl lib_each\n.type lib_each,@function\nlib_each:\n\t"
        "movaps (%rdi), %xmm0\n\tjmpq *%rsi\n.size lib_each, .-lib_each\n");

static char line[64];
/* The default domain's honest callback. */
__attribute__((noinline)) void show_point(struct point p) {
  snprintf(line, sizeof line, "x %.1f", (double)p.x);
}
void (*volatile main_ptr)(struct point) = show_point;

BULKHEAD_ENTRY(vault) void vault_each(int own) {
  lib_each(&vault_pos.f, own ? show_point : main_ptr);
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  vault_each(argc > 1 && !strcmp(argv[1], "own"));
  const char *sp;
  __asm__ volatile("movq %%rsp, %0" : "=r"(sp));
  /* Rebuilt from the literal: main cannot read the vault's copy. */
  static const char want[8] = SECRET;
  int found = dead_stack_has(sp, want, 8);
  puts(line);
  key_verdict(found, "on the stack");
  return 0;
}
