// Attacker model A (key-0 loads and stores only), no store into the
// runtime needed. A compartment's call of a function only declared in its
// file is gated into the default domain when the callee is default-domain
// code: the pass tests the weak marker __bulkhead_default.NAME, which the
// defining module emits for each of its default-domain functions, and the
// module's import of NAME, which the runtime sets when NAME is on a
// default-domain list (pass/CallGates.cpp markDefaultFunctions,
// gateIfDefaultElsewhere; runtime/domain.c fill_imports). Both are by
// name, and only functions get a marker and a listed name: an alias of a
// default-domain function (here `app_tick`, an alias of `app_heartbeat`,
// as glibc-style weak_alias/strong_alias make) gets neither. The vault's
// call of the alias is therefore not gated: the program's heartbeat runs
// with the vault's rights, and it loads through a key-0 pointer, which one
// store of the attacker's points at the vault's key. The key lands in a
// key-0 global. The same holds for a shared object's aliases (its list of
// default-domain names has only functions' names).
//
// Fixed: markDefaultFunctions gives every non-local alias (and ifunc) of
// default-domain code a marker and a listed name too, as it does for
// functions (test/pass/alias-markers.ll).
//
// -DCONTROL: the vault calls app_heartbeat itself; the call is gated and
// the load faults with the vault's key.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -DPROGRAM -c %s -o %t.app.o
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s %t.app.o -o %t
// RUN: %run %t > %t.out 2>&1 || true
// RUN: FileCheck %s < %t.out
// CHECK-NOT: LEAK
// CHECK: protection-key fault
#include "Inputs/check.h"

#define SECRET 0x5ec7e75ec7e7L
extern long last_seen;
extern const long *volatile watched;

#ifdef PROGRAM
/* The program's own (default-domain) code, in its own file. */
long last_seen;
const long *volatile watched = &last_seen;
void app_heartbeat(void) { last_seen = *watched; }
void app_tick(void) __attribute__((alias("app_heartbeat")));
#else
void app_heartbeat(void);
void app_tick(void);

BULKHEAD_DATA(vault) static long key = SECRET;
BULKHEAD_ENTRY(vault) void *vault_where(void) { return &key; }
BULKHEAD_ENTRY(vault) void vault_work(void) {
#ifdef CONTROL
  app_heartbeat();
#else
  app_tick();
#endif
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  watched = vault_where(); /* the attacker's one store */
  vault_work();
  if (last_seen == SECRET) {
    printf("attacks-review11-default-alias: LEAK: the program's heartbeat "
           "ran with the vault's rights and read its key %#lx\n",
           last_seen);
    return 1;
  }
  printf("attacks-review11-default-alias: read %#lx\n", last_seen);
  return 1;
}
#endif
