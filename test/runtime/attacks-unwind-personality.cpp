// Found while fixing review 22's unwind finding (runtime/unwind-find.c),
// attacker model A (one key-0 store, no system call). A C++ frame's CIE
// names its personality routine indirectly: through the word
// DW.ref.__gxx_personality_v0, which clang and GCC put in the object's
// .data (outside RELRO: key-0 writable memory). libgcc_s's unwinder reads
// that word and calls what it holds for every frame with a landing pad,
// with the rights of whoever throws: a compartment that throws and
// catches inside itself calls it with its own rights. Here the program
// stores into the executable's DW.ref.__gxx_personality_v0 the address of
// code of its choosing (steal: a function of the program's whose address
// is taken in asm, so no gate wraps it and it runs with its caller's
// rights; it stands for any code that copies through key-0 pointers); the
// vault's own throw runs it with the vault's rights, it copies the vault's
// key into the program's buffer and goes on to the real personality
// routine, so the vault's catch still works (ATTACK SUCCEEDED; seen in the
// guest, with runtime/unwind-find.c in place: the CFI is the file's, the
// word is not). The control ("control") stores nothing, steals nothing.
// libstdc++'s own frames name their personality the same way, through a
// word in libstdc++.so.6's .data.
// Fixed for the words bulkhead-clang links: its linker script
// (runtime/relro-personality.ld) puts every DW.ref.* word in RELRO, so the
// store faults. libstdc++.so.6's own word (its frames' personality, e.g. a
// throw from std::vector::at), in its writable .data, is the same attack
// (attacks-unwind-libstdcxx-personality.cpp), fixed otherwise: with a
// compartment's rights the runtime answers a copy of each FDE and CIE
// whose personality is the value recorded before main
// (runtime/unwind-copy.c).
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 %s -o %t
// RUN: %run %t control | FileCheck %s --check-prefix=CONTROL
// RUN: not %run %t 2>&1 | FileCheck %s
// CONTROL: caught in the vault: 4
// CONTROL-NEXT: nothing stolen
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: bulkhead: SIGSEGV (invalid permissions) at address 0x{{[0-9a-f]+}} in the default domain
#include <bulkhead.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unwind.h>

BULKHEAD_DATA(vault) char vault_key[32] = "TOP-SECRET-VAULT-KEY";

__attribute__((noinline)) static void vault_fail(int v) {
  if (v)
    throw v;
}
extern "C" BULKHEAD_ENTRY(vault) int vault_catch(int v) {
  try {
    vault_fail(v);
  } catch (int e) {
    return e + 1;
  }
  return 0;
}

extern "C" _Unwind_Reason_Code
__gxx_personality_v0(int, _Unwind_Action, uint64_t, _Unwind_Exception *,
                     _Unwind_Context *);
extern void *personality_word __asm__("DW.ref.__gxx_personality_v0");

static char stolen[32];
static const char *volatile from = vault_key; /* key-0 words */
static char *volatile to = stolen;

extern "C" __attribute__((used)) _Unwind_Reason_Code
steal(int version, _Unwind_Action actions, uint64_t cls,
      _Unwind_Exception *ue, _Unwind_Context *ctx) {
  for (int i = 0; i < 31; i++)
    to[i] = from[i];
  return __gxx_personality_v0(version, actions, cls, ue, ctx);
}

int main(int argc, char **argv) {
  (void)argv;
  if (argc < 2) {
    void *p;
    __asm__("leaq steal(%%rip), %0" : "=r"(p));
    personality_word = p; /* the one store */
  }
  printf("caught in the vault: %d\n", vault_catch(3));
  if (strstr(stolen, "TOP-SECRET")) {
    printf("ATTACK SUCCEEDED: the vault's key in the program's memory: %s\n",
           stolen);
    return 0;
  }
  puts("nothing stolen");
  return 0;
}
