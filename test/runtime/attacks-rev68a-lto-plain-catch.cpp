// Review 68a, attacker model A (key-0 stores only; made here by the
// program's callback, hook, as a second thread could): under LTO, code
// Bulkhead never compiled is listed as code it built, and its catch runs
// with the vault's rights, the attacker's rbx and a key-0 stack, and
// writes the vault's key.
// What: review 65b's fix lists the functions with a personality routine
// in bulkhead_own_code (pass/OwnCode.cpp), and the runtime trusts the
// landing pads of those only (runtime/unwind-find.c, built_by_bulkhead).
// The list is made at the end of the optimisation pipeline, and of a full
// LTO link (pass/Plugin.cpp), for every function of the module that has a
// personality routine. An LTO link merges the bitcode of every -flto
// input, plain clang's too (Inputs/rev65b-plain-guard.cpp, built with
// `clang++ -flto`): the compartment pass runs only at the start of a
// compile's pipeline (never in the link), so plain_guard has no hand-over
// and no gate at its pad, yet the link's OwnCodePass lists it.
// How: as attacks-rev64a-shared-catch-unwind.cpp: main calls d2, which
// calls d1 (honest code, frame pointers, keeps a pointer in rbx and saves
// its caller's rbx); d1 calls the vault's entry vault_check, which throws
// E{42}. Before, hook stores into d1's frame and the frame above it (the
// key-0 stack): d1's return address -> the word after `call *%rax` in
// plain_guard's try; d1's saved rbx -> vault_key; plain_guard's popped
// rbx, rbp and return address -> landed. The vault's unwinder: vault
// frames -> entry trampoline -> d1 (honest CFA, off the arena) ->
// plain_guard at that call (CFA d1's + 32, off the arena), whose LSDA's
// catch (...) takes E. plain_guard is listed, so no foreign_personality:
// the pad runs with the vault's PKRU, `movl $1, (%rbx)` writes the
// vault's key, and plain_guard returns into landed, which notes its PKRU
// and tells thread 2 (default rights), which asks the vault whether its
// key is intact.
// Controls: "control": no stores, the throw is caught in main with the
// default domain's rights, key intact. "nolto": the very same sources
// linked without LTO (guard.o plain ELF): the attack stops with review
// 65b's line, so what lets the catch through is only that the link
// listed it.
// Seen in the guest (LLVM 19, -O2 -fno-omit-frame-pointer, lld, filter
// on) on h-rev68a at 4a1e47e: control "caught E 42 in main", "vault key
// intact"; nolto: the stop line; attack: "landed reached with PKRU
// 0xfffffff0, not the default domain's", "ATTACK SUCCEEDED: the vault's
// key was overwritten", 3 of 3.
// Fixed by review 68b's bh_pad_gate (runtime/unwind-copy.c): the plain
// catch is still listed, but a listed pad off the compartment's stacks
// now runs only after the hand-over and the gate into the default
// domain, so its store into the vault's key faults with the default
// domain's rights. Still open: the list names code the compartment pass
// never compiled (suggested: the compartment pass marks what it
// compiled, and OwnCodePass lists only marked functions).
// REQUIRES: pku
// RUN: rm -rf %t && mkdir -p %t
// RUN: %clangxx -O2 -flto -c %S/Inputs/rev65b-plain-guard.cpp -o %t/guard-lto.o
// RUN: %clangxx -O2 -c %S/Inputs/rev65b-plain-guard.cpp -o %t/guard.o
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 -fno-omit-frame-pointer -flto -fuse-ld=lld %s %t/guard-lto.o -Wl,--export-dynamic-symbol=plain_guard -o %t/prog -lpthread
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 -fno-omit-frame-pointer %s %t/guard.o -Wl,--export-dynamic-symbol=plain_guard -o %t/prog-nolto -lpthread
// RUN: %run %t/prog control | FileCheck %s --check-prefix=CONTROL
// RUN: not %run %t/prog-nolto > %t/nolto.out 2>&1
// RUN: FileCheck %s --check-prefix=NOLTO < %t/nolto.out
// RUN: not %run %t/prog > %t/out 2>&1
// RUN: FileCheck %s < %t/out
// CONTROL: caught E 42 in main
// CONTROL: vault key intact
// NOLTO-NOT: ATTACK SUCCEEDED
// NOLTO: bulkhead: error: an exception of compartment 'vault' would be caught at pc {{.*}}prog-nolto{{.*}} off its stacks, in code Bulkhead did not build
// NOLTO-NOT: ATTACK SUCCEEDED
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: bulkhead: protection-key fault: access to {{.*}} in compartment 'vault' (pkey {{[0-9]+}}) from the default domain
// CHECK: at plain_guard+
// CHECK-NOT: ATTACK SUCCEEDED
#include "Inputs/catch-landing.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

volatile long sink; /* the load after the call stays, and keeps rbx */
#include "Inputs/steered-catch.h"

/* The attacker's stores (a second thread could make them). d1 is
 * `push %rbp; mov %rsp,%rbp; push %rbx; ...`: its saved rbx at fp - 8,
 * its CFA fp + 16. plain_guard at the call (`push %rbp; push %rbx; push
 * %rax`): its rsp is d1's CFA, whence the pad's epilogue pops rax's slot,
 * rbx, rbp and returns. */
static __attribute__((noinline)) void hook(void) {
  if (!attack)
    return;
  uintptr_t *fp = (uintptr_t *)d1_fp;
  fp[1] = site;                  /* d1's return address */
  fp[-1] = (uintptr_t)vault_key; /* d1's saved rbx: rbx at the catch */
  fp[3] = fp[4] = 0;             /* plain_guard's rbx, rbp */
  fp[5] = landed_at();           /* plain_guard's return address */
}

/* plain_guard as Inputs/rev65b-plain-guard.cpp compiles at -O2: `push
 * %rbp; push %rbx; push %rax`, `call *%rax` at +0xe, its pad's `movl $1,
 * (%rbx)` at +0x21; and d1 saves rbx right below its frame pointer. */
static int find_site(void) {
  const uint8_t *g = (const uint8_t *)dlsym(RTLD_DEFAULT, "plain_guard");
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
