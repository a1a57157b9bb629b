// Review 68b, attacker model B (the default domain's program counter): a
// landing pad of default-domain code Bulkhead built, so listed in
// bulkhead_own_code (review 65b) and trusted to hand over first, runs
// register-allocator code before its hand-over: with frame pointers
// (-fno-omit-frame-pointer, or any function with a VLA/alloca; every
// function at -O0) spills and reloads at %rbp offsets. Reached by the
// vault's unwinder, that code runs with the vault's rights, and %rbp and
// the spilled callee-saved registers are the attacker's: it writes
// chosen words into the vault's key and reads the vault's key into a
// register the pad's code then passes on with the default domain's rights.
// How: attack_call (the attacker's code, default rights) switches to a
// key-0 array filled with the address of `landed`, pushes as its return
// address the call site inside fp_guard's try (Inputs/rev68b-fp-guard.cpp,
// built by bulkhead-clang++ -O2 -fno-omit-frame-pointer: the word after
// `call *-0x30(%rbp)`), sets rbx and r12-r15 to "POWNED!" and rbp to
// RBP, and jumps to vault_boom's entry, which throws E{42}. The vault's
// unwinder: vault frames -> entry trampoline (CFA the key-0 array) ->
// fp_guard at that call site (listed: its own personality routine, no
// stop), whose catch (...) takes E. Its pad begins
//   mov %r14,-0x38(%rbp); mov %r13,-0x40(%rbp); mov -0x48(%rbp),%r14;
//   mov %rbx,-0x30(%rbp)
// and only then hands over and gates to the default domain. With RBP =
// vault_key + 0x48 the three stores write "POWNED!" over bytes 8-31 of
// the vault's key and the load puts its first 8 bytes in r14, with the
// vault's rights; after the gate the pad moves r14 into rdi for fp_use and
// faults (default rights) reloading -0x40(%rbp). The program's SIGSEGV
// handler (default domain) notes rdi and the fault address; thread 2
// (default rights) reports what rdi held and asks the vault about its key.
// Controls: "control": fp_guard calls vault_boom honestly, its catch runs
// with the default domain's rights, key intact. "keyzero": the same
// attack with RBP in a key-0 buffer: the pad writes the chosen words
// there, passes them to fp_use and returns into `landed`: the stores are
// the pad's, at the attacker's %rbp, with the attacker's registers.
// Seen in the guest (LLVM 19, -O2, filter on) on h-rev68b at 4a1e47e:
// control "guard returned -1", "vault key intact"; keyzero: fp_use's
// arguments "POWNED!" from the buffer, "vault key intact"; attack: "the
// pad read the vault's key: TOP-SECR", "ATTACK SUCCEEDED: the vault's key
// was overwritten", 3 of 3.
// Fixed: a listed frame's personality routine runs through the
// runtime's (unwind-copy.c, listed_personality), which sends a pad off
// the compartment's stacks to bh_pad_gate: the hand-over and the gate
// into the default domain come before any of the pad's code. Now the
// pad's first store faults with the default domain's rights ("the pad
// faulted at" the vault's key) and the key stays intact.
// REQUIRES: pku
// RUN: rm -rf %t && mkdir -p %t
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 -fno-omit-frame-pointer -c %S/Inputs/rev68b-fp-guard.cpp -o %t/guard.o
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 %s %t/guard.o -o %t/prog -lpthread
// RUN: %run %t/prog control | FileCheck %s --check-prefix=CONTROL
// RUN: %run %t/prog keyzero | FileCheck %s --check-prefix=KEYZERO
// RUN: %run %t/prog > %t/out 2>&1 || true
// RUN: FileCheck %s < %t/out
// CONTROL: guard returned -1
// CONTROL: vault key intact
// KEYZERO: fp_use: {{.*}} 0x2144454e574f50 0x2144454e574f50 0x2144454e574f50
// KEYZERO: landed reached
// KEYZERO: vault key intact
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: vault key intact
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: done
#include "Inputs/vault-key.h"
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <ucontext.h>
#include <unistd.h>

extern "C" BULKHEAD_ENTRY(vault) void vault_boom(void) { throw E{42}; }

/* Whether the vault's key holds W at byte AT (the vault's own answer). */
extern "C" BULKHEAD_ENTRY(vault) int vault_key_holds(int at, long w) {
  return memcmp(vault_key + at, &w, sizeof w) == 0;
}

#include "Inputs/pad-spill-call.h"

extern "C" int fp_guard(void (*f)(), long a);

/* Thread 2, the default domain's rights: reports once the pad ran. */
static void *watch(void *) {
  while (!arrived)
    usleep(1000);
  if (arrived == 1)
    printf("landed reached\n");
  else {
    char got[9] = {0};
    memcpy(got, (const void *)&fault_rdi, 8);
    printf("the pad faulted at %#lx, rdi %#lx\n", (unsigned long)fault_addr,
           (unsigned long)fault_rdi);
    if (!memcmp(got, "TOP-SECR", 8))
      printf("ATTACK SUCCEEDED: the pad read the vault's key: %s\n", got);
    for (int at = 8; at < 32; at += 8)
      if (vault_key_holds(at, POWNED))
        printf("the vault's key holds \"POWNED!\" at byte %d\n", at);
  }
  report(0, 0);
  printf("done\n");
  _exit(0);
}

/* fp_guard's address from the symbol itself (the pass would take a
 * wrapper's). */
static const uint8_t *guard(void) {
  const uint8_t *g;
  __asm__("leaq fp_guard(%%rip), %0" : "=r"(g));
  return fp_guard_known(g) ? g : NULL;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  const char *mode = argc > 1 ? argv[1] : "attack";
  const uint8_t *g = guard();
  if (!g) {
    printf("error: the guard is not the code this test was written for\n");
    return 2;
  }
  if (!strcmp(mode, "control")) {
    printf("guard returned %d\n", fp_guard(vault_boom, 1));
    report(0, 0);
    printf("done\n");
    return 0;
  }
  void (*entry)(void) = vault_boom;
  launch_pad_spill((void *)entry, g, (uintptr_t)vault_key, (uintptr_t)POWNED,
                   mode, watch);
  printf("error: attack_call returned\n");
  return 1;
}
