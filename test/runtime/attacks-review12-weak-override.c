// Attacker model A (key-0 loads and stores only; one store). Review 12.
// A compartment's direct call is gated by the callee's domain as its own
// module sees it (pass/CallGates.cpp: the callee stripped of aliases). The
// vault's module defines `vault_log` as a weak alias of its own internal
// `vault_log_default` (a library's overridable default hook), so its call
// of vault_log gets no gate. The program, in another file, defines a
// strong `vault_log` of its own, default-domain code: the linker takes
// it, and the vault's ungated call runs the program's function with the
// vault's rights. It loads through a key-0 pointer that one store aimed at
// the vault's key; the key lands in a key-0 global. -DWEAK_FUNC: the same
// with a weak *function* (BULKHEAD_INTERNAL(vault) __attribute__((weak)))
// instead of an alias. Both reproduced in the PKU guest at -O2.
// -DWEAK_FUNC -DPOINTER (found while fixing it): the vault calls the weak
// function through a pointer it took; its internal wrapper called the
// name, and so the program's definition, with the vault's rights (LEAK in
// the guest, with and without compartment stacks).
// Fix: a compartment's call of an interposable callee (weak alias, weak
// function, or anything a definition elsewhere may replace) must not trust
// the local definition's domain: test the name's default-domain marker and
// import as for a declaration (gateIfDefaultElsewhere) -- a strong
// default-domain definition elsewhere defines them -- or refuse weak
// definitions and weak aliases in compartment code (error at the
// definition), or emit the call to a local non-interposable alias.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -DPROGRAM -c %s -o %t.app.o
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s %t.app.o -o %t
// RUN: %run %t > %t.out 2>&1 || true
// RUN: FileCheck %s < %t.out
// RUN: %bulkhead_clang -fpkey-compartments -O2 -DWEAK_FUNC %s %t.app.o -o %t.fn
// RUN: %run %t.fn > %t.fn.out 2>&1 || true
// RUN: FileCheck %s < %t.fn.out
// RUN: %bulkhead_clang -fpkey-compartments -O2 -DWEAK_FUNC -DPOINTER %s %t.app.o -o %t.fp
// RUN: %run %t.fp > %t.fp.out 2>&1 || true
// RUN: FileCheck %s < %t.fp.out
// RUN: %bulkhead_clang -fpkey-compartments -O2 -fno-pkey-compartment-stacks -DWEAK_FUNC -DPOINTER %s %t.app.o -o %t.fp.ns
// RUN: %run %t.fp.ns > %t.fp.ns.out 2>&1 || true
// RUN: FileCheck %s < %t.fp.ns.out
// CHECK-NOT: LEAK
// CHECK: protection-key fault
#include "Inputs/check.h"

#define SECRET 0x5ec7e75ec7e7L
extern long last_seen;
extern const long *volatile watched;

#ifdef PROGRAM
/* The program's own (default-domain) code, in its own file: its hook. */
long last_seen;
const long *volatile watched = &last_seen;
void vault_log(void) { last_seen = *watched; }
#else
BULKHEAD_DATA(vault) static long key = SECRET;
BULKHEAD_DATA(vault) static long logged;
#ifdef WEAK_FUNC
BULKHEAD_INTERNAL(vault) __attribute__((weak)) void vault_log(void) {
  logged++;
}
#else
BULKHEAD_INTERNAL(vault) void vault_log_default(void) { logged++; }
void vault_log(void) __attribute__((weak, alias("vault_log_default")));
#endif
BULKHEAD_ENTRY(vault) void *vault_where(void) { return &key; }
#ifdef POINTER
BULKHEAD_ENTRY(vault) void vault_work(void) {
  void (*volatile hook)(void) = vault_log;
  hook();
}
#else
BULKHEAD_ENTRY(vault) void vault_work(void) { vault_log(); }
#endif

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  watched = vault_where(); /* the attacker's one store */
  vault_work();
  if (last_seen == SECRET) {
    printf("attacks-review12-weak-override: LEAK: the program's vault_log "
           "ran with the vault's rights and read its key %#lx\n",
           last_seen);
    return 1;
  }
  printf("attacks-review12-weak-override: read %#lx\n", last_seen);
  return 1;
}
#endif
