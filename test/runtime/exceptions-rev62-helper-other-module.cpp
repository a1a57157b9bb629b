// Review 62: a helper's original a pointer may reach in one module only.
// Guard::run (an inline virtual member: its vtable holds its address) calls
// the inline helper inner, whose catch takes a throw of thrower: in this
// module inner's original may be run by the vault through the pointer
// (RunByAnyDomain), in Inputs/helper-other-module.cpp, which only calls it,
// not. The linker keeps one module's copy of inner for both (linkonce_odr,
// the first object linked: the other module's here). Before the fix that
// copy's pad was the default domain's (hand-over and gate): the vault's own
// activation of it, on the vault's stack, caught its own throw, gave the
// exception to the default domain and dropped to its rights there, and the
// catch faulted on the vault's stack (seen in the guest, LLVM 19, -O2, on
// main at fb0ec3a: "protection-key fault: access to ... in compartment
// 'vault' ... from the default domain", "at _Z5innerl+0x5c", SIGSEGV, 3 of
// 3). Fixed (CallGates.cpp, gateCalls): with compartment stacks every
// original another module may keep in its place (not local) decides by the
// stack (ByStack), as one a pointer reaches; after the fix the vault's
// catch keeps its rights and it reads its key after, main's calls still
// catch with the default domain's rights, 3 of 3 in the guest. -O2, -O0.
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 -c %S/Inputs/helper-other-module.cpp -o %t.other.o
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 -c %s -o %t.o
// RUN: %bulkhead_clangxx -fpkey-compartments %t.other.o %t.o -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clangxx -fpkey-compartments -O0 -c %S/Inputs/helper-other-module.cpp -o %t.other0.o
// RUN: %bulkhead_clangxx -fpkey-compartments -O0 -c %s -o %t0.o
// RUN: %bulkhead_clangxx -fpkey-compartments %t.other0.o %t0.o -o %t0
// RUN: %run %t0 | FileCheck %s
// CHECK: other module's call: 101 with the default domain's rights
// CHECK-NEXT: main's call of run: 102 with the default domain's rights
// CHECK-NEXT: vault's pointer call: 103 with the vault's rights, key T
// CHECK-NEXT: done
#include "Inputs/helper-other-module.h"
#include <bulkhead.h>
#include <stdint.h>

BULKHEAD_DATA(vault) char vault_key[32] = "TOP-SECRET-VAULT-KEY";

static uint32_t rdpkru(void) {
  uint32_t eax, edx;
  __asm__ volatile(".byte 0x0f, 0x01, 0xee" : "=a"(eax), "=d"(edx) : "c"(0));
  return eax;
}

static uint32_t word_of(int vault) {
  const uint32_t *d;
  if (vault)
    __asm__("leaq __bulkhead_domain.vault(%%rip), %0" : "=r"(d));
  else
    __asm__("leaq __bulkhead_domain0(%%rip), %0" : "=r"(d));
  return *d;
}

/* The PKRU word after the last call of inner (key 0). */
static volatile uint32_t after_word;

struct Guard {
  __attribute__((noinline)) virtual long run(long v) {
    long r = inner(v);
    after_word = rdpkru();
    return r;
  }
};

/* The vault calls the original through the vtable, then reads its own key
 * (with the default domain's rights that faults). */
extern "C" BULKHEAD_ENTRY(vault) long vault_run(Guard *g, long v, char *key) {
  long r = g->run(v);
  *key = ((volatile char *)vault_key)[0];
  return r;
}

static const char *rights(void) {
  if (after_word == word_of(1))
    return "the vault's rights";
  return after_word == word_of(0) ? "the default domain's rights"
                                  : "other rights";
}

static Guard guard;
static Guard *volatile shared_guard = &guard;

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  long r = other_module_use(1);
  after_word = rdpkru();
  printf("other module's call: %ld with %s\n", r, rights());
  r = guard.run(2);
  printf("main's call of run: %ld with %s\n", r, rights());
  char key = '?';
  r = vault_run(shared_guard, 3, &key);
  printf("vault's pointer call: %ld with %s, key %c\n", r, rights(), key);
  printf("done\n");
  return 0;
}
