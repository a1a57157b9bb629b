// Review 65b, attacker model B (the default domain's program counter): a
// catch of uninstrumented code linked into the executable runs with the
// vault's rights, the attacker's registers and a key-0 stack, and writes
// the vault's key. Review 64a's fix (runtime/unwind-copy.c,
// foreign_personality) stops only objects Bulkhead did not build that are
// not the executable (unwind-find.c: foreign = not AT_PHDR's object and
// no Bulkhead note); a plain object or static archive in the executable
// (Inputs/rev65b-plain-guard.cpp, as attacks-dead-callout-catch-shared.cpp
// links one) keeps its personality routine unwrapped. Documented open in
// docs/threat-model.md since 001fe01 ("uninstrumented code linked into the
// executable itself"); this is its test. Model A would reach the same
// pad through a forged return address as rev64a's test does (not tried).
// How: attack_call (the attacker's code, default rights) switches to a
// key-0 array filled with the address of `landed`, pushes as its return
// address the call site inside plain_guard's try (the word after
// `call *%rax`), sets every callee-saved register to &vault_key and
// jumps to vault_check's entry (the pointer the program takes), which
// throws E{42}. The vault's unwinder: vault frames -> entry trampoline
// (CFA the key-0 array, out of the arena: review 62's check passes) ->
// plain_guard at that call site, whose LSDA's catch (...) takes E. Its pad
// runs with the vault's PKRU: `movl $1, (%rbx)` writes the vault's key,
// then it returns through the array into landed, which notes its PKRU and
// tells thread 2 (default rights), which asks the vault whether its key is
// intact.
// Controls: "control": the same entry called honestly, the throw caught in
// main with the default domain's rights, key intact. "shared": the very
// same code built into a shared object (plain_guard_so): review 64a's
// foreign_personality stops the program with its line, so what lets the
// executable's copy through is only where the code lies.
// Seen in the guest (LLVM 19, -O2, filter on) on h-rev65b at d545467
// (the runtime of main's 001fe01 too):
// control "caught E 42 in main", "vault key intact"; shared: the stop
// line; attack: "landed reached with PKRU 0xfffffff0, not the default
// domain's", "ATTACK SUCCEEDED: the vault's key was overwritten", 3 of 3.
// Fixed: the pass lists the functions with landing pads it built
// (pass/OwnCode.cpp) and the runtime checks the landing pads of every
// other function's frame as review 64a's fix does for shared objects
// (runtime/unwind-find.c, built_by_bulkhead): the attack now stops with
// the same line as the shared control.
// REQUIRES: pku
// RUN: rm -rf %t && mkdir -p %t
// RUN: %clangxx -O2 -c %S/Inputs/rev65b-plain-guard.cpp -o %t/guard.o
// RUN: %clangxx -O2 -fPIC -shared -DPLAIN_GUARD=plain_guard_so %S/Inputs/rev65b-plain-guard.cpp -o %t/libguard.so
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 %s %t/guard.o -L%t -lguard -Wl,-rpath,%t -o %t/prog -lpthread
// RUN: env BULKHEAD_VM_FILES=%t/libguard.so %run %t/prog control | FileCheck %s --check-prefix=CONTROL
// RUN: env BULKHEAD_VM_FILES=%t/libguard.so not %run %t/prog shared > %t/shared.out 2>&1
// RUN: FileCheck %s --check-prefix=SHARED < %t/shared.out
// RUN: env BULKHEAD_VM_FILES=%t/libguard.so not %run %t/prog > %t/out 2>&1
// RUN: FileCheck %s < %t/out
// CONTROL: caught E 42 in main
// CONTROL: vault key intact
// SHARED-NOT: ATTACK SUCCEEDED
// SHARED: bulkhead: error: an exception of compartment 'vault' would be caught at pc {{.*}}libguard.so{{.*}} off its stacks, in code Bulkhead did not build
// SHARED-NOT: ATTACK SUCCEEDED
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: bulkhead: error: an exception of compartment 'vault' would be caught at pc {{.*}}prog{{.*}} off its stacks, in code Bulkhead did not build
// CHECK-NOT: ATTACK SUCCEEDED
#include "Inputs/catch-landing.h"
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

extern "C" BULKHEAD_ENTRY(vault) void vault_check(long code, int ok) {
  if (!ok)
    throw E{code};
}

extern "C" {
uintptr_t fake_stack[512] __attribute__((aligned(16))); /* key 0 */
/* The attacker's call of ENTRY: on the stack TOP, returning to SITE,
 * every callee-saved register WHERE, vault_check(42, 0). */
void attack_call(void *entry, uintptr_t site, uintptr_t *top, char *where);
}

__asm__(".text\n"
        "attack_call:\n"
        "  movq %rdi, %rax\n"
        "  movq %rdx, %rsp\n"
        "  pushq %rsi\n"
        "  movq %rcx, %rbx\n"
        "  movq %rcx, %rbp\n"
        "  movq %rcx, %r12\n"
        "  movq %rcx, %r13\n"
        "  movq %rcx, %r14\n"
        "  movq %rcx, %r15\n"
        "  movl $42, %edi\n"
        "  xorl %esi, %esi\n"
        "  jmpq *%rax\n");

/* The guard's code, as Inputs/rev65b-plain-guard.cpp at -O2 compiles:
 * `call *%rax` at +0xe, its pad's `movl $1, (%rbx)` at +0x21. Its
 * address from the symbol itself (the pass would take a wrapper's). */
static const uint8_t *guard(int shared) {
  const uint8_t *g;
  if (shared)
    __asm__("movq plain_guard_so@GOTPCREL(%%rip), %0" : "=r"(g));
  else
    __asm__("leaq plain_guard(%%rip), %0" : "=r"(g));
  static const uint8_t call[] = {0xff, 0xd0}, store[] = {0xc7, 0x03, 0x01};
  if (memcmp(g + 0xe, call, 2) || memcmp(g + 0x21, store, 3))
    return NULL;
  return g;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  const char *mode = argc > 1 ? argv[1] : "attack";
  const uint8_t *g = guard(!strcmp(mode, "shared"));
  if (!g) {
    printf("error: the guard is not the code this test was written for\n");
    return 2;
  }
  void (*entry)(long, int) = vault_check;
  if (!strcmp(mode, "control")) {
    try {
      entry(42, 0);
    } catch (E &e) {
      printf("caught E %ld in main\n", e.v);
    }
    report(0, 0);
    printf("done\n");
    return 0;
  }
  pthread_t t;
  pthread_create(&t, NULL, watch, NULL);
  for (auto &w : fake_stack)
    w = landed_at();
  attack_call((void *)entry, (uintptr_t)g + 0x10, &fake_stack[480],
              vault_key);
  printf("error: attack_call returned\n");
  return 1;
}
