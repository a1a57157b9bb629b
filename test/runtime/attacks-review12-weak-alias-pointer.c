// Attacker model A (key-0 loads and stores only; one store). Review 12.
// The address of an alias of default-domain code taken in a compartment
// becomes the function's wrapper (pass/Wrappers.cpp wrapFunctionsIn), but
// a *weak* alias's is left alone: "its address may be another object's".
// So the vault's pointer to `app_tick`, a weak alias (glibc's weak_alias)
// of the program's `app_heartbeat` in the same file, is the raw function:
// called through it, app_heartbeat runs with the vault's rights and loads
// through a key-0 pointer that one store aimed at the vault's key. The key
// lands in a key-0 global. A direct call of the same weak alias is gated
// (the callee is stripped to app_heartbeat), and so is a pointer to
// app_heartbeat itself (-DCONTROL: the load faults with the vault's key).
// Reproduced in the PKU guest at -O2. This is the declared-function pointer
// hole (attacks-review11-declared-pointer.c) in a form its planned fix, for
// declarations, would not cover: the weak alias is a definition here.
// Fix: treat an interposable alias's (or weak function's) address in
// compartment code as a declaration's: a local thunk that tests the name's
// default-domain marker and import at run time and gates out when set, or,
// simpler, wrap it as a strong alias's when its aliasee is default-domain
// code of this module (whatever overrides it is another object's
// default-domain code or shared code, and the thunk gates either way).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t > %t.out 2>&1 || true
// RUN: FileCheck %s < %t.out
// RUN: %bulkhead_clang -fpkey-compartments -O2 -DCONTROL %s -o %t.ctl
// RUN: %run %t.ctl > %t.ctl.out 2>&1 || true
// RUN: FileCheck %s < %t.ctl.out
// CHECK-NOT: LEAK
// CHECK: protection-key fault
#include "Inputs/check.h"

#define SECRET 0x5ec7e75ec7e7L
long last_seen;
const long *volatile watched = &last_seen;
__attribute__((noinline)) void app_heartbeat(void) { last_seen = *watched; }
void app_tick(void) __attribute__((weak, alias("app_heartbeat")));

BULKHEAD_DATA(vault) static long key = SECRET;
BULKHEAD_ENTRY(vault) void *vault_where(void) { return &key; }
BULKHEAD_ENTRY(vault) void vault_work(void) {
#ifdef CONTROL
  void (*volatile f)(void) = app_heartbeat;
#else
  void (*volatile f)(void) = app_tick;
#endif
  f();
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  watched = vault_where(); /* the attacker's one store */
  vault_work();
  if (last_seen == SECRET) {
    printf("attacks-review12-weak-alias-pointer: LEAK: the program's "
           "heartbeat ran with the vault's rights and read its key %#lx\n",
           last_seen);
    return 1;
  }
  printf("attacks-review12-weak-alias-pointer: read %#lx\n", last_seen);
  return 1;
}
