// Review 79a, attacker model A: the same attack as
// attacks-rev79a-pointer-callout-vectors.c with -fno-pkey-compartment-stacks.
// There a pointer call out of a compartment calls the wrapper directly with
// the compartment's rights, and the wrapper (__bulkhead_declwrap.*,
// __bulkhead_wrap.*) gated into the default domain with no scrub at all
// (neither vector nor general-purpose registers) before calling the
// default-domain callback, whose variadic call stored 48 bytes of the
// vault's key in key-0 stack memory: ATTACK SUCCEEDED 3 of 3 in the guest
// at -O2. Now a wrapper called with neither its creator's rights nor its
// target's (so a compartment's) scrubs before its gate in (Wrappers.cpp,
// gatedWrapperBody). (In that mode the compartment's own frames are on the
// key-0 stack too: threat-model.md, "Stacks".)
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s -o %t
// RUN: %run %t | FileCheck %s
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: vault key found on the stack: no
#include "Inputs/check.h"

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

/* Whether any 16-byte piece of the 64 bytes at want lies in the 4 KiB of
 * dead stack below sp: key-0 loads only. */
static int on_stack(const char *sp, const char *want) {
  for (const char *p = sp - 4096; p + 16 <= sp; p++)
    for (int k = 0; k < 64; k += 16) {
      uint64_t a[2], b[2];
      __builtin_memcpy(a, p, 16);
      __builtin_memcpy(b, want + k, 16);
      if (a[0] == b[0] && a[1] == b[1])
        return 1;
    }
  return 0;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int n = vault_back_up(on_done);
  /* The key's pieces, rebuilt from the literal: main cannot read the
   * vault's copy. */
  static const char key[64] = KEY;
  int found = on_stack(sp_after, key);
  if (found)
    printf("ATTACK SUCCEEDED: the vault's key is in key-0 stack memory\n");
  printf("%d; %s\n", n, line);
  printf("vault key found on the stack: %s\n", found ? "yes" : "no");
  return 0;
}
