// Review 70b, attacker model B (the default domain's program counter): the
// vault's unwinder reads, with the vault's rights, the words a forged
// frame off its stacks names, and a word of the vault's data it takes for
// a return address comes back to the program as the address of a fault.
// The runtime's copy of an FDE checks a frame's CFA only against the
// vault's arena (its stacks: review 62's reentry check): a CFA in its data
// or heap passes, and libgcc_s reads the return address at CFA - 8 (and
// saved registers below it) there. A value that is no code's address has
// no FDE; the lookup (unwind-find.c, no_fde) and libgcc_s's x86-64
// fallback read the code at it for the sigreturn stub's bytes, and an
// unmapped one faults with it as the fault's address, which the
// program's SIGSEGV handler reads (siginfo's si_addr; the runtime keeps
// the vault's frame, the handler runs with the default domain's rights).
// So any 8 bytes of the vault's memory (at any byte offset: rbp is free)
// whose value is a canonical address with nothing mapped there are read:
// numbers below 2^47 (a PIN, a balance, a length, a counter), the last six
// bytes of a NUL-padded string.
// How: attack_call (the attacker's code, default rights) sets rbp to
// &vault_pin - 8, switches to a key-0 stack, pushes as its return address
// _Unwind_RaiseException + 0x31 (libgcc_s 12: that row's CFA is rbp+16,
// no rule for rax or rdx) and jumps to vault_throw's entry, which throws
// E{1}. The vault's unwinder: vault frames -> entry trampoline ->
// _Unwind_RaiseException's row, CFA &vault_pin + 8 (off the arena: no
// check), return address vault_pin -> no FDE -> the read of the code at
// vault_pin faults.
// Control: "control": the same with rbp = &decoy - 8, a key-0 word of the
// program's: the fault's address is the decoy's value.
// Seen in the guest (LLVM 19, -O2) on h-rev70b at b573744 (review 70b's
// fix of attacks-rev70b-eh-data-reg.cpp in): control "the unwinder
// faulted at 0x1234567 (the decoy)"; attack "the unwinder faulted at
// 0x75bcd15", "ATTACK SUCCEEDED: read the vault's PIN 123456789", 3 of 3.
// Fixed: the runtime's copy sets every rule of the copied row that reads
// memory again as an expression that checks the place (put_rules_checked,
// put_word_check): a word of the compartment's own memory (its data, its
// heap's reservation and allocator data, its arena with its guard) is read
// only in a frame whose CFA is in the arena, the word too; else the word
// read is BH_UNWIND_STOP_MEMORY (0xbae8), which faults. Derefs in a copied
// CFA or register expression are checked likewise, with the frame's
// stack pointer as the guard. Seen after, in the guest (LLVM 19, -O2):
// control as before; attack "the unwinder stopped (fault at 0xbae8)", 3
// of 3 (before the fix: ATTACK SUCCEEDED 3 of 3).
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 %s -o %t -ldl
// RUN: %run %t control | FileCheck %s --check-prefix=CONTROL
// RUN: %run %t > %t.out 2>&1 || true
// RUN: FileCheck %s < %t.out
// CONTROL: the unwinder faulted at 0x1234567 (the decoy)
// CHECK: forged frame ready
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: the unwinder stopped (fault at 0xbae8)
#include "Inputs/vault-key.h"
#include <dlfcn.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

/* The vault's secret number: canonical, and nothing is mapped there. */
BULKHEAD_DATA(vault) long vault_pin = 123456789;

extern "C" BULKHEAD_ENTRY(vault) int vault_pin_is(long v) {
  return v == vault_pin;
}

extern "C" {
long decoy = 0x1234567; /* key-0 */
uintptr_t fake_stack[4096] __attribute__((aligned(16)));
void attack_call(void *entry, uintptr_t ra, uintptr_t *sp, uintptr_t rbp);
}

/* rbp = the forged frame's, rsp = a key-0 stack, the return address ra,
 * then vault_throw(1)'s entry. */
__asm__(".text\n"
        "attack_call:\n"
        "  movq %rdi, %rax\n"
        "  movq %rcx, %rbp\n"
        "  movq %rdx, %rsp\n"
        "  pushq %rsi\n"
        "  movl $1, %edi\n"
        "  jmpq *%rax\n");

static void on_segv(int sig, siginfo_t *si, void *) {
  (void)sig;
  uintptr_t a = (uintptr_t)si->si_addr;
  if (a < 0x10000) { /* abi.h's BH_UNWIND_STOP_* */
    printf("the unwinder stopped (fault at %#lx)\n", (unsigned long)a);
    _exit(0);
  }
  printf("the unwinder faulted at %#lx%s\n", (unsigned long)a,
         a == (uintptr_t)decoy ? " (the decoy)" : "");
  if (vault_pin_is((long)a)) /* the vault's own answer */
    printf("ATTACK SUCCEEDED: read the vault's PIN %lu\n", (unsigned long)a);
  _exit(0);
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int control = argc > 1;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_segv;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGSEGV, &sa, NULL);
  uintptr_t g = (uintptr_t)dlsym(RTLD_DEFAULT, "_Unwind_RaiseException");
  void *entry;
  __asm__("leaq vault_throw(%%rip), %0" : "=r"(entry));
  uintptr_t word = control ? (uintptr_t)&decoy : (uintptr_t)&vault_pin;
  printf("forged frame ready\n");
  attack_call(entry, g + 0x31, &fake_stack[4000], word - 8);
  printf("error: attack_call returned\n");
  return 1;
}
