// Review 79a, attacker model A (key-0 loads only, no control of the
// program counter). A call out of a compartment through a function pointer
// (to a wrapper: the default domain's callback) goes through the indirect
// trampoline (__bulkhead_tramp_ind.*), which cleared only xmm13 and xmm15;
// unlike a direct call out (pass/Stacks.cpp, switchStacks) no scrub ran at
// the call site. The vault backs its key up with memmove (the compiler
// loads all 64 bytes into xmm0-3) and then reports to its caller's
// callback; the callback's honest variadic call with a double (snprintf
// "%.1f") saves xmm0-7 in its register save area, key-0 stack memory, and
// 48 of the key's bytes lie there afterwards for any load to read. ATTACK
// SUCCEEDED 3 of 3 in the guest before the fix (and natively with
// BULKHEAD_ALLOW_UNPROTECTED=1: register contents do not depend on keys).
// With -fno-pkey-compartment-stacks the pointer call goes to the wrapper
// (__bulkhead_declwrap.*, __bulkhead_wrap.*) with the compartment's rights,
// whose gate into the default domain scrubbed nothing: ATTACK SUCCEEDED 3 of
// 3 there too, until a wrapper called with neither its creator's rights nor
// its target's (so a compartment's) scrubbed before its gate in
// (Wrappers.cpp, gatedWrapperBody). (In that mode the compartment's own
// frames are on the key-0 stack too: threat-model.md, "Stacks".)
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s -o %t0
// RUN: %run %t0 | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s -o %ts
// RUN: %run %ts | FileCheck %s
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: vault key found on the stack: no
#include "Inputs/check.h"
#include "Inputs/key-scan.h"

#define KEY "vault-key:0123456789abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJKLMNOP"
BULKHEAD_DATA(vault) char vault_key[64] = KEY;
BULKHEAD_DATA(vault) char vault_backup[64];
BULKHEAD_DATA(vault) char *volatile vault_backup_at = vault_backup;

BULKHEAD_ENTRY(vault) int vault_back_up(void (*done)(int)) {
  memmove(vault_backup_at, vault_key, sizeof vault_backup);
  done(64);
  return 64;
}

static char line[64];
static const char *volatile sp_after;
__attribute__((noinline)) void on_done(int n) {
  snprintf(line, sizeof line, "%d bytes, %.1f", n, 0.5); /* saves xmm0-7 */
  const char *sp;
  __asm__ volatile("movq %%rsp, %0" : "=r"(sp));
  sp_after = sp;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int n = vault_back_up(on_done);
  /* The key's pieces, rebuilt from the literal: main cannot read the
   * vault's copy. */
  static const char key[64] = KEY;
  int found = dead_stack_has(sp_after, key, 64);
  if (found)
    printf("ATTACK SUCCEEDED: the vault's key is in key-0 stack memory\n");
  printf("%d; %s\n", n, line);
  printf("vault key found on the stack: %s\n", found ? "yes" : "no");
  return 0;
}
