// Review 68a, attacker model A (key-0 stores only; made here by the
// program's callback, hook, as a second thread could): an empty function
// Bulkhead built lists, in bulkhead_own_code, the address where the next
// object's code starts, so code Bulkhead never compiled is taken for
// Bulkhead's, and its catch runs with the vault's rights, the attacker's
// rbx and a key-0 stack, and writes the vault's key.
// What: review 65b's fix (pass/OwnCode.cpp) lists each function with a
// personality routine by its start address, and the runtime trusts a
// frame's landing pads when its FDE's first pc is a listed address
// (runtime/unwind-find.c, built_by_bulkhead). A function's start is not
// unique to it: a function that -O2 compiles to no bytes at all
// (Inputs/rev68a-empty-tail.cpp: its only path flows off the end of an
// int function, undefined, so LLVM emits nothing, not even a ret; on
// ELF LLVM pads empty functions only for Mach-O and COFF) keeps its
// personality routine and is listed, and when it is the last code of its
// object's .text, the next input section starts at the same address
// (both 16-aligned). Linked before a plain object
// (Inputs/rev68a-plain-static-guard.cpp), that is the plain guard's
// start, its FDE's first pc: its catch is trusted. The link's alias check
// (tools/alias-check.c) refuses a global symbol there (it names
// default-domain code), but the guard is static (a local symbol), as a
// library's internal functions are.
// How: as attacks-rev64a-shared-catch-unwind.cpp: main calls d2, which
// calls d1 (honest code, frame pointers, keeps a pointer in rbx and saves
// its caller's rbx); d1 calls the vault's entry vault_check, which throws
// E{42}. Before, hook stores into d1's frame and the frame above it (the
// key-0 stack): d1's return address -> the word after `call *%rax` in the
// guard's try; d1's saved rbx -> vault_key; the guard's popped rbx, rbp
// and return address -> landed. The vault's unwinder: vault frames ->
// entry trampoline -> d1 (honest CFA, off the arena) -> the guard at that
// call (CFA d1's + 32, off the arena), whose LSDA's catch (...) takes E.
// Its FDE starts at bh_empty_tail's listed address, so no
// foreign_personality: the pad runs with the vault's PKRU, `movl $1,
// (%rbx)` writes the vault's key, and the guard returns into landed,
// which notes its PKRU and tells thread 2 (default rights), which asks
// the vault whether its key is intact.
// Controls: "control": no stores, the throw is caught in main with the
// default domain's rights, key intact. prog-apart: the same objects with
// the plain one linked first: the attack stops with review 65b's line,
// so what lets the catch through is only the shared address.
// Seen in the guest (LLVM 19, -O2 -fno-omit-frame-pointer, GNU ld,
// filter on) on h-rev68a at 8915eb9: control "caught E 42 in main",
// "vault key intact"; apart: the stop line; attack: "landed reached with
// PKRU 0xfffffff0, not the default domain's", "ATTACK SUCCEEDED: the
// vault's key was overwritten", 3 of 3.
// Suggested fix: list a function only where it has code, or match more
// than the start: the pass can skip a function whose machine code is
// empty only in the backend, so rather list [start, end) pairs (the
// function's end label, or its size) and have built_by_bulkhead require
// the FDE's range to lie inside a listed range: an empty function's range
// is empty and holds no FDE of another function's code. (Or have the
// pass make no function empty: a trap at the end of any function whose
// body is unreachable, as -mllvm -trap-unreachable does.)
// Fixed (pass/OwnCode.cpp, neverEmpty): a listed function gets a trap
// before each `unreachable` that no call precedes, so it always has an
// instruction at its start; bh_empty_tail is a `ud2`, the guard starts
// after it and is not listed: the attack stops with the same line as
// the apart control, 3 of 3 in the guest.
// REQUIRES: pku
// RUN: rm -rf %t && mkdir -p %t
// RUN: %clangxx -O2 -c %S/Inputs/rev68a-plain-static-guard.cpp -o %t/guard.o
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 -Wno-return-type -c %S/Inputs/rev68a-empty-tail.cpp -o %t/tail.o
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 -fno-omit-frame-pointer -c %s -o %t/main.o
// RUN: %bulkhead_clangxx -fpkey-compartments %t/main.o %t/tail.o %t/guard.o -o %t/prog -lpthread
// RUN: %bulkhead_clangxx -fpkey-compartments %t/main.o %t/guard.o %t/tail.o -o %t/prog-apart -lpthread
// RUN: %run %t/prog control | FileCheck %s --check-prefix=CONTROL
// RUN: not %run %t/prog-apart > %t/apart.out 2>&1
// RUN: FileCheck %s --check-prefix=APART < %t/apart.out
// RUN: not %run %t/prog > %t/out 2>&1
// RUN: FileCheck %s < %t/out
// CONTROL: caught E 42 in main
// CONTROL: vault key intact
// APART-NOT: ATTACK SUCCEEDED
// APART: bulkhead: error: an exception of compartment 'vault' would be caught at pc {{.*}}prog-apart{{.*}} off its stacks, in code Bulkhead did not build
// APART-NOT: ATTACK SUCCEEDED
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: bulkhead: error: an exception of compartment 'vault' would be caught at pc {{.*}}prog{{.*}} off its stacks, in code Bulkhead did not build
// CHECK-NOT: ATTACK SUCCEEDED
#include "Inputs/catch-landing.h"
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

volatile long sink; /* the load after the call stays, and keeps rbx */
#include "Inputs/steered-catch.h"

/* The attacker's stores (a second thread could make them). d1 is
 * `push %rbp; mov %rsp,%rbp; push %rbx; ...`: its saved rbx at fp - 8,
 * its CFA fp + 16. The guard at the call (`push %rbp; push %rbx; push
 * %rax`): its rsp is d1's CFA, whence the pad's epilogue pops rax's slot,
 * rbx, rbp and returns. */
static __attribute__((noinline)) void hook(void) {
  if (!attack)
    return;
  uintptr_t *fp = (uintptr_t *)d1_fp;
  fp[1] = site;                  /* d1's return address */
  fp[-1] = (uintptr_t)vault_key; /* d1's saved rbx: rbx at the catch */
  fp[3] = fp[4] = 0;             /* the guard's rbx, rbp */
  fp[5] = landed_at();           /* the guard's return address */
}

/* The guard as Inputs/rev68a-plain-static-guard.cpp compiles at -O2: `push
 * %rbp; push %rbx; push %rax`, `call *%rax` at +0xe, its pad's `movl $1,
 * (%rbx)` at +0x21; and d1 saves rbx right below its frame pointer. */
extern "C" int (*const plain_guards[])(void (*)(void *), void *, int *);
static int find_site(void) {
  const uint8_t *g = (const uint8_t *)(uintptr_t)plain_guards[0];
  const uint8_t *d;
  __asm__("leaq d1(%%rip), %0" : "=r"(d)); /* the function, no wrapper */
  static const uint8_t pro[] = {0x55, 0x53, 0x50}, call[] = {0xff, 0xd0},
                       store[] = {0xc7, 0x03, 0x01, 0, 0, 0};
  static const uint8_t d1_pro[] = {0x55, 0x48, 0x89, 0xe5, 0x53};
  if (!g || memcmp(g, pro, 3) || memcmp(g + 0xe, call, 2) ||
      memcmp(g + 0x21, store, 6) || memcmp(d, d1_pro, 5))
    return 0;
  site = (uintptr_t)g + 0x10;
  return 1;
}

int main(int argc, char **argv) {
  return steered_catch_main(argc, argv, find_site, "the code");
}
