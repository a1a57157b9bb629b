// Review 59, the case attacks-rev59b-helper-catch-rights.cpp left open.
// No attacker needed (any model): default-domain code that catches a
// compartment's exception in a shared helper whose address is taken keeps
// the compartment's rights, and so does all the default-domain code it
// then runs.
// How: Guard::run is an inline virtual member (a "shared helper",
// DomainAnalysis.cpp, isSharedHelper), and Guard's vtable holds its
// address, so a compartment may call the original through the pointer, on
// its own stack with its rights (HelperCopies.cpp,
// findHelpersRunByAnyDomain). The fix of review 59b gives a helper's
// original the default domain's landing-pad hand-over and gate, but not
// such a one (CallGates.cpp, gateCalls: RunByAnyDomain). main calls
// guard.run directly; run calls the vault's entry vault_throw in a try.
// The vault's throw is unwound with the vault's rights (the unwinder runs
// with the thrower's) into run's landing pad, on main's key-0 stack, and
// the catch runs with the vault's rights: peek(), plain default-domain
// code, reads vault_key; main after run returned reads it too.
// Control: the same try/catch in an external function (guard_extern): its
// pad gates into the default domain, RDPKRU there is the default domain's
// word; the attack run shows the vault's word in run's catch.
// Seen in the guest (LLVM 19, -O2, compartment stacks) on main at
// 0907487: control "extern catch: default domain's rights"; attack
// "inline virtual catch: the vault's rights" then "ATTACK SUCCEEDED:
// TOP-SECRET-VAULT-KEY" (from the catch) and "ATTACK SUCCEEDED: main read
// TOP" (after run returned), 3 of 3 by hand; the test fails 3 of 3
// under lit.
// Fixed (CallGates.cpp, exceptionArrives; AsmEmitter.cpp,
// jumpIfOwnActivation), with compartment stacks: such an original's pad
// decides by the stack whose activation it is in: rsp in the arena of the
// compartment whose rights are held keeps them (the compartment called it
// through the pointer, exceptions-any-helper-pointer-catch.cpp); anywhere
// else it gets the default domain's hand-over and gate. After the fix:
// run's catch holds the default domain's rights and peek() faults on the
// vault's key (the attack run), nopeek finds them in main, 3 of 3 in the
// guest (LLVM 19, -O2). (-fno-pkey-compartment-stacks is unchanged: such
// pads get nothing there.)
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 %s -o %t
// RUN: %run %t control | FileCheck %s --check-prefix=CONTROL
// RUN: %run %t nopeek | FileCheck %s --check-prefix=NOPEEK
// RUN: not %run %t 2>&1 | FileCheck %s
// CONTROL: extern catch: default domain's rights, code 3
// CONTROL: vault key intact
// NOPEEK: extern catch: default domain's rights, code 3
// NOPEEK-NOT: ATTACK SUCCEEDED
// NOPEEK: inline virtual catch: default domain's rights, code 5
// NOPEEK-NOT: ATTACK SUCCEEDED
// NOPEEK: vault key intact
// CHECK: extern catch: default domain's rights, code 3
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: inline virtual catch: default domain's rights, code 5
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: protection-key fault: access to {{.*}} in compartment 'vault'
// CHECK-NEXT: the address is in the data of compartment 'vault'
// CHECK-NEXT: at peek
#include "Inputs/vault-key.h"
#include "Inputs/catch-rights.h"

struct Guard {
  __attribute__((noinline)) virtual long run(long code) {
    try {
      vault_throw(code);
    } catch (E &e) {
      printf("inline virtual catch: %s, code %ld\n", rights(), e.v);
      if (armed && !nopeek)
        peek();
      return e.v;
    }
    return 0;
  }
};

static Guard guard;

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  armed = !(argc > 1 && !strcmp(argv[1], "control"));
  nopeek = argc > 1 && !strcmp(argv[1], "nopeek");
  guard_extern(3);
  if (armed) {
    guard.run(5);
    volatile const char *k = vault_key;
    if (rdpkru() != default_word())
      printf("ATTACK SUCCEEDED: main read %c%c%c\n", k[0], k[1], k[2]);
  }
  printf("vault key %s\n", vault_key_intact() ? "intact" : "overwritten");
  return 0;
}
