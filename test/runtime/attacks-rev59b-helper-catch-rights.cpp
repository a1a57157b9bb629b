// Review 59. No attacker needed (any model): default-domain code that
// catches a compartment's exception in a function the pass classifies as a
// shared helper keeps the compartment's rights, and so does all the
// default-domain code it then runs.
// How: helper is a static function of the program (local linkage, address
// not taken: a "shared helper", DomainAnalysis.cpp, isSharedHelper; so is
// every inline function, template instance and directly called lambda).
// It calls the vault's entry vault_throw in a try. The vault's throw is
// unwound with the vault's rights (the unwinder runs with the thrower's),
// into helper's landing pad. The pass gives a landing pad a hand-over and
// a gate into its function's domain unless the function is shared
// (CallGates.cpp, gateCalls: `Caller.kind != Domain::Shared`), but
// compartments call their own copies of helpers (HelperCopies.cpp): the
// original is only ever run by the default domain. So the catch runs with
// the vault's rights; its calls of default-domain code need no gate
// (they are the default domain's own), and peek(), plain default-domain
// code, reads vault_key. helper returns to main with the same rights:
// main's own read of vault_key works too, until main's next gate.
// Control: the same try/catch in an external function (guard_extern):
// its pad gates into the default domain, and RDPKRU there is the default
// domain's word; the attack run shows the vault's word in helper's catch.
// Seen in the guest (LLVM 19, -O2, filter on), on main + h-padgate:
// control "extern catch: default domain's rights"; attack "static catch:
// the vault's rights" then "ATTACK SUCCEEDED: TOP-SECRET-VAULT-KEY" (from
// the catch) and "ATTACK SUCCEEDED: main read TOP" (after helper
// returned), 3 of 3 (by hand and under lit); the same at -O0 (once, by
// hand), and with the try/catch in a lambda called directly from main
// (once, by hand: its catch's callee read the key).
// Fixed (CallGates.cpp, gateCalls): a helper's original gets its pads'
// hand-over and the default domain's gate, as a default-domain function's,
// unless a pointer may reach it (HelperCopies.cpp, findHelpersRunByAnyDomain).
// Before the fix the attack run printed both ATTACK SUCCEEDED lines, 3 of
// 3; after it, helper's catch holds the default domain's rights and
// peek() faults on the vault's key (the attack run), and with the catch
// not calling peek (nopeek) main finds the default domain's rights back,
// 3 of 3 in the guest (LLVM 19, -O2).
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 %s -o %t
// RUN: %run %t control | FileCheck %s --check-prefix=CONTROL
// RUN: %run %t nopeek | FileCheck %s --check-prefix=NOPEEK
// RUN: not %run %t 2>&1 | FileCheck %s
// CONTROL: extern catch: default domain's rights, code 3
// CONTROL: vault key intact
// NOPEEK: extern catch: default domain's rights, code 3
// NOPEEK-NOT: ATTACK SUCCEEDED
// NOPEEK: static catch: default domain's rights, code 5
// NOPEEK-NOT: ATTACK SUCCEEDED
// NOPEEK: vault key intact
// CHECK: extern catch: default domain's rights, code 3
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: static catch: default domain's rights, code 5
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: protection-key fault: access to {{.*}} in compartment 'vault'
// CHECK-NEXT: the address is in the data of compartment 'vault'
// CHECK-NEXT: at peek
#include "Inputs/vault-key.h"
#include "Inputs/catch-rights.h"

static __attribute__((noinline)) long helper(long code) {
  try {
    vault_throw(code);
  } catch (E &e) {
    printf("static catch: %s, code %ld\n", rights(), e.v);
    if (armed && !nopeek)
      peek();
    return e.v;
  }
  return 0;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  armed = !(argc > 1 && !strcmp(argv[1], "control"));
  nopeek = argc > 1 && !strcmp(argv[1], "nopeek");
  guard_extern(3);
  if (armed) {
    helper(5);
    volatile const char *k = vault_key;
    if (rdpkru() != default_word())
      printf("ATTACK SUCCEEDED: main read %c%c%c\n", k[0], k[1], k[2]);
  }
  printf("vault key %s\n", vault_key_intact() ? "intact" : "overwritten");
  return 0;
}
