// Attacker model A (key-0 loads and stores only; one store). Review 12.
// The pass gates a compartment's call of a declared name when the name has
// a default-domain marker or import, which modules emit for their
// functions, IR aliases and ifuncs (markDefaultFunctions). An alias the
// IR never sees gets neither: a module-level `.set` in inline assembly
// (`app_tick` here), or a linker `--defsym=app_beat=app_heartbeat`
// (-DDEFSYM). The vault's call of either is a plain call of the program's
// app_heartbeat with the vault's rights; it loads through a key-0 pointer
// one store aimed at the vault's key, and the key lands in a key-0 global.
// The same call by the function's own name is gated and faults (-DCONTROL,
// checked by hand: `protection-key fault ... at app_tick+0x7`). Both
// reproduced in the PKU guest at -O2.
// Fixed for module asm: the pass marks a global `.set`/`.equ` of a marked
// function (pass/CallGates.cpp markDefaultFunctions). The linker's
// --defsym is attacks-review12-defsym-alias.c (XFAIL; it builds this
// program with -DDEFSYM).
// Fix: decide by address, not by name: e.g. list default-domain code's
// ranges (or its functions' addresses) in a read-only table and have the
// compartment's call of a declaration compare the resolved target with
// them, or refuse at link time (the driver sees the final symbol table) a
// defined symbol without a marker whose address is a marked function's.
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
__asm__(".globl app_tick\n.set app_tick, app_heartbeat");
#ifdef DECLARED
/* The alias's header, included where it is defined, and a use of it there
 * (attacks-review12d-asm-alias-declared.c). */
void app_tick(void);
void app_tick_twice(void) {
  app_tick();
  app_tick();
}
#endif
#else
void app_heartbeat(void);
void app_tick(void);
void app_beat(void);

BULKHEAD_DATA(vault) static long key = SECRET;
BULKHEAD_ENTRY(vault) void *vault_where(void) { return &key; }
BULKHEAD_ENTRY(vault) void vault_work(void) {
#if defined(CONTROL)
  app_heartbeat();
#elif defined(DEFSYM)
  app_beat();
#else
  app_tick();
#endif
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  watched = vault_where(); /* the attacker's one store */
  vault_work();
  if (last_seen == SECRET) {
    printf("attacks-review12-asm-alias: LEAK: the program's heartbeat ran "
           "with the vault's rights and read its key %#lx\n",
           last_seen);
    return 1;
  }
  printf("attacks-review12-asm-alias: read %#lx\n", last_seen);
  return 1;
}
#endif
