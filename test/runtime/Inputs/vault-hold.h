/* The vault's frames an attack tries to reach: vault_hold fills 4 KiB of
 * locals, calls out to wait_outside (the test's default-domain code, where
 * the attack runs) and, back in the vault, counts the locals that became
 * 'A', the byte vault_scribble writes over 1 KiB of its own stack. */
#ifndef VAULT_HOLD_H
#define VAULT_HOLD_H
#include "vault-scribble.h"
#include <stdio.h>

void wait_outside(void);
BULKHEAD_ENTRY(vault) int vault_hold(void) {
  volatile char buf[4096];
  for (int k = 0; k < 4096; k++)
    buf[k] = 'v';
  wait_outside(); /* a call out: these frames stay live */
  int changed = 0;
  for (int k = 0; k < 4096; k++)
    changed += buf[k] == 'A';
  /* said here: the entry's own frame, at the stack's top, was written
   * over too, so its way back to the default domain may not survive */
  printf("main, back in the vault: %d bytes of its locals are 'A'\n", changed);
  if (changed)
    puts("ATTACK SUCCEEDED: another thread's vault entry wrote the "
         "attacker's bytes into the main thread's live vault frame");
  return changed;
}
#endif
