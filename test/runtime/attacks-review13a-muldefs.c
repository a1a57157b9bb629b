// Attacker model A (key-0 loads and stores only; one store). Review 13a.
// Under `-Wl,-z,muldefs` (or --allow-multiple-definition) the linker keeps
// the first of two strong definitions of a name, and every call by that
// name, the other module's own included, goes to it. Here the program's
// default-domain vault_note (its own file, linked first) and the vault's
// BULKHEAD_INTERNAL vault_note: the vault's entry calls its own helper by
// name (a plain call, its module defines it), which the link points at
// the program's code, so that runs with the vault's rights and reads its
// key through a key-0 pointer one store aimed. The link check
// (tools/alias-check.c) passes: the kept name is the marked function's own.
// Reproduced in the PKU guest at -O2: LEAK. Without the flag the link fails
// (multiple definition), as it should.
// Fix: the driver refuses -z muldefs / --allow-multiple-definition in a
// link with -fpkey-compartments (a compartment's code cannot be told to
// yield its names), or the pass calls a compartment's own non-static
// functions through a local alias so no other definition can take them.
// Either fix passes this test (refused link, or a fault in the guest).
// REQUIRES: pku
// Fixed: the driver refuses -z muldefs and --allow-multiple-definition in
// a link with -fpkey-compartments, naming it.
// RUN: rm -f %t %t.out
// RUN: %bulkhead_clang -fpkey-compartments -O2 -DPROGRAM -c %s -o %t.app.o
// RUN: %bulkhead_clang -fpkey-compartments -O2 -c %s -o %t.vault.o
// RUN: %bulkhead_clang -fpkey-compartments -O2 %t.app.o %t.vault.o -Wl,-z,muldefs -o %t 2> %t.link || echo "link refused" > %t.out
// RUN: test ! -e %t || %run %t > %t.out 2>&1 || true
// RUN: FileCheck %s < %t.out
// CHECK-NOT: LEAK
// CHECK: {{protection-key fault|link refused}}
#include "Inputs/check.h"
#define SECRET 0x5ec7e75ec7e7L
extern long last_seen;
extern const long *volatile watched;
#ifdef PROGRAM
/* The program's own (default-domain) vault_note: a second definition of
 * the vault's name, linked first under -z muldefs. */
long last_seen;
const long *volatile watched = &last_seen;
void vault_note(void) { last_seen = *watched; }
#else
BULKHEAD_DATA(vault) static long key = SECRET;
BULKHEAD_DATA(vault) long notes;
/* The vault's own helper (not an entry): its code, its name. */
BULKHEAD_INTERNAL(vault) __attribute__((noinline)) void vault_note(void) { notes++; }
BULKHEAD_ENTRY(vault) void *vault_where(void) { return &key; }
BULKHEAD_ENTRY(vault) void vault_work(void) { vault_note(); }

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  watched = vault_where(); /* the attacker's one store */
  vault_work();
  if (last_seen == SECRET) {
    printf("attacks-review13a-muldefs: LEAK: the program's vault_note ran with the vault's "
           "rights and read its key %#lx\n", last_seen);
    return 1;
  }
  printf("attacks-review13a-muldefs: read %#lx\n", last_seen);
  return 1;
}
#endif
