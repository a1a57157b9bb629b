// Review 94b, attacker model B (the default domain's code calls the
// vault's entries with registers of its choosing). An entry that returns
// a struct through memory (sret) writes its result, with the vault's
// rights, wherever the caller's hidden rdi says: nothing checks that the
// pointer lies outside the compartments, and the program never sees it
// to check it. Called as a `void (*)(long *, long)` with rdi = the
// vault's own data, the entry overwrote that data: with its own result
// (vault_fill), and, since 466e005 copies a default-domain callee's sret
// result over from the shared heap with the vault's rights, with bytes
// the attacker's callee chose (vault_relay: `return make_big(base)` passes
// the entry's own sret pointer on as the destination).
// In the guest at a855c6c: ATTACK SUCCEEDED in both cases at -O2 and -O0,
// and for vault_fill without compartment stacks (where make_big's own
// store into the vault's data faults, as before 466e005).
// Open: an entry's body is also called from inside its compartment, with
// sret pointers into its own memory; the check belongs on the way in from
// another domain (the entry trampoline or thunk), for the result's size
// (docs/design.md, "Stack arguments").
// REQUIRES: pku
// XFAIL: *
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s %S/Inputs/sret-sink.c -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s %S/Inputs/sret-sink.c -o %t0
// RUN: %run %t0 | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s %S/Inputs/sret-sink.c -o %tn
// RUN: %run %tn | FileCheck %s --check-prefix=FILL
// CHECK: honest 7 7
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: fill: held
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: relay: held
// FILL: honest 7 7
// FILL-NOT: ATTACK SUCCEEDED
// FILL: fill: held
#include "Inputs/check.h"

struct big { long v[6]; };
struct big make_big(long base);

BULKHEAD_DATA(vault) long vault_key[6] = {0x1111, 0x2222, 0x3333,
                                           0x4444, 0x5555, 0x6666};

BULKHEAD_ENTRY(vault) struct big vault_fill(long base) {
  struct big r;
  for (int i = 0; i < 6; i++)
    r.v[i] = base;
  return r;
}

BULKHEAD_ENTRY(vault) struct big vault_relay(long base) {
  return make_big(base);
}

BULKHEAD_ENTRY(vault) long vault_first(void) { return vault_key[0]; }

static void verdict(const char *what, long want) {
  long now = vault_first();
  printf("%s: %s (%#lx)\n", what, now == want ? "ATTACK SUCCEEDED" : "held",
         now);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct big a = vault_fill(7), b = vault_relay(7);
  printf("honest %ld %ld\n", a.v[0], b.v[0]);
  // The attacker: each entry called with its sret pointer at the vault's
  // data.
  void (*fill)(long *, long) = (void (*)(long *, long))(void *)vault_fill;
  fill(vault_key, 0x41414141);
  verdict("fill", 0x41414141);
  void (*relay)(long *, long) = (void (*)(long *, long))(void *)vault_relay;
  relay(vault_key, 0x42424242);
  verdict("relay", 0x42424242);
  return 0;
}
