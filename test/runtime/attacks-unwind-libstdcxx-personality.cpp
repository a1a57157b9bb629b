// Attacker model A (one key-0 store, no system call); the open half of
// attacks-unwind-personality.cpp. libstdc++.so.6's own frames name their
// personality routine through its CIE (augmentation "zPLR", personality
// encoding 0x9b: indirect|pcrel|sdata4), i.e. through a word
// DW.ref.__gxx_personality_v0 that GCC put in libstdc++'s writable .data
// (not RELRO; bulkhead-clang's linker script does not link libstdc++).
// libgcc_s's unwinder read that word and called what it held, with the
// rights of whoever unwinds, for every libstdc++ frame a throw passes: a
// vault's std::vector::at throws from inside libstdc++
// (std::__throw_out_of_range_fmt, __cxa_throw), so the vault's own throw,
// caught in the vault, called it with the vault's rights.
// Here the program finds the word as a reader of the binary would: through
// libstdc++'s .eh_frame_hdr (its PT_GNU_EH_FRAME) to its .eh_frame, the
// first CIE with a 'P' augmentation, its pc-relative pointer to the word;
// and stores there the address of code of its choosing (steal: a function
// of the program's whose address is taken in asm, so no gate wraps it; it
// stands for any code that copies through key-0 pointers). It copies the
// vault's key into the program's buffer and goes on to the real personality
// routine, so the vault's catch still works (ATTACK SUCCEEDED: seen in the
// guest before runtime/unwind-copy.c). The control stores nothing.
// Fixed: with a compartment's rights the runtime answers a copy of the FDE
// and its CIE whose personality is the routine's address itself, recorded
// before any of the program's code ran (runtime/unwind-copy.c): the store
// succeeds and changes nothing the vault runs.
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 %s -o %t
// RUN: %run %t control | FileCheck %s --check-prefix=CONTROL
// RUN: %run %t | FileCheck %s
// CONTROL: caught in the vault: 1
// CONTROL-NEXT: nothing stolen
// CHECK: libstdc++'s personality word: found
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: caught in the vault: 1
// CHECK-NEXT: nothing stolen
#include <bulkhead.h>
#include <stdexcept>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unwind.h>
#include <vector>

BULKHEAD_DATA(vault) char vault_key[32] = "TOP-SECRET-VAULT-KEY";
#include "Inputs/libstdcxx-personality-word.h"

extern "C" BULKHEAD_ENTRY(vault) int vault_at(int i) {
  std::vector<int> v(3);
  try {
    return v.at((size_t)i); /* throws from inside libstdc++ */
  } catch (std::out_of_range &) {
    return 1;
  }
}


int main(int argc, char **argv) {
  (void)argv;
  if (argc < 2) {
    void **word = NULL;
    dl_iterate_phdr(find_word, &word);
    printf("libstdc++'s personality word: %s\n", word ? "found" : "not found");
    void *p;
    __asm__("leaq steal(%%rip), %0" : "=r"(p));
    if (word)
      *word = p; /* the one store */
  }
  printf("caught in the vault: %d\n", vault_at(7));
  if (strstr(stolen, "TOP-SECRET")) {
    printf("ATTACK SUCCEEDED: the vault's key in the program's memory: %s\n",
           stolen);
    return 0;
  }
  puts("nothing stolen");
  return 0;
}
