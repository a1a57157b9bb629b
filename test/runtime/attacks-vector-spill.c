// Issue 11 (register hygiene), attacker model A: key-0 loads only, no
// control of the program counter. A gate leaving a compartment cleared
// the general-purpose registers that carry no result, but not the vector
// registers (only with -mllvm -bulkhead-scrub=vector). Compartment code
// moves data through them all the time: here the vault backs its 64-byte
// key up with memmove, which the compiler does by loading all 64 bytes
// into four SSE registers before storing them. The default domain's honest code then makes a variadic call
// with a double (snprintf "%.1f"): the callee's prologue saves all eight
// argument vector registers into its register save area, key-0 stack
// memory, and the key's bytes lie there after it returns, for any load to
// read. The control backs up a public pattern the same way in the default
// domain and finds it, which shows the scan sees what the registers held.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t control | FileCheck %s --check-prefix=CONTROL
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s -o %ts
// RUN: %run %ts | FileCheck %s
// CONTROL: public pattern found on the stack: yes
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: vault key found on the stack: no
#include "Inputs/check.h"
#include "Inputs/key-scan.h"

#define KEY "vault-key:0123456789abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJKLMNOP"
BULKHEAD_DATA(vault) char vault_key[64] = KEY;
BULKHEAD_DATA(vault) char vault_backup[64];

/* Where the backup goes, chosen at run time: the copy may overlap. */
BULKHEAD_DATA(vault) char *volatile vault_backup_at = vault_backup;

BULKHEAD_ENTRY(vault) int vault_back_up(void) {
  memmove(vault_backup_at, vault_key, sizeof vault_backup);
  return 64;
}

char public_data[64] = "public-pattern:0123456789abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJK";
char public_backup[64];
static char *volatile public_backup_at = public_backup;
__attribute__((noinline)) int public_back_up(void) {
  memmove(public_backup_at, public_data, sizeof public_backup);
  return public_backup[0] ? 64 : 0;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int control = argc > 1 && !strcmp(argv[1], "control");
  int n = control ? public_back_up() : vault_back_up();
  char line[64];
  snprintf(line, sizeof line, "%d bytes, %.1f", n, 0.5); /* saves xmm0-7 */
  const char *sp;
  __asm__ volatile("movq %%rsp, %0" : "=r"(sp));
  if (control) {
    printf("public pattern found on the stack: %s\n",
           dead_stack_has(sp, public_data, 64) ? "yes" : "no");
    return 0;
  }
  /* The key's pieces, rebuilt from the literal: main cannot read the
   * vault's copy, and the pattern must not sit on the stack already. */
  static const char key[64] = KEY;
  int found = dead_stack_has(sp, key, 64);
  if (found)
    printf("ATTACK SUCCEEDED: the vault's key is in key-0 stack memory\n");
  printf("vault key found on the stack: %s\n", found ? "yes" : "no");
  return 0;
}
