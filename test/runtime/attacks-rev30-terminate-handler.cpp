// Review 30b, attacker model A (one key-0 store, no system call).
// Whatever the unwinder's copies (runtime/unwind-copy.c) refuse, and every
// throw that finds no handler or leaves a noexcept function, ends in
// std::terminate, which libstdc++ runs with the thrower's rights: it calls
// the terminate handler (std::set_terminate's), read from libstdc++'s
// __cxxabiv1::__terminate_handler (its .data, key-0 writable, not mangled)
// or from the exception's header (shared heap, key-0), which __cxa_throw
// filled from it. Here a vault's noexcept function calls std::vector::at
// with an index out of range (the kind of input a caller chooses): the
// search phase stops at the noexcept frame and __cxa_call_terminate calls
// the handler with the vault's rights. The program finds the word by its
// contents (the address of __gnu_cxx::__verbose_terminate_handler, in
// key-0 writable pages: a fixed offset in libstdc++'s binary) and stores
// there the address of steal, code of the program's whose address is
// taken in asm (no gate wraps it). The vault's terminate then runs it
// with the vault's rights: it copies the vault's key, prints it and exits
// (ATTACK SUCCEEDED, seen in the guest, review 30b). The same for a
// vault's throw nobody catches, and for a frame whose copy the runtime
// refuses (attacks-rev30-unwind-large-lsda.cpp: __cxa_throw's terminate).
// threat-model.md listed "libstdc++'s new and terminate handlers" as not
// tried. The control stores nothing (before the fix it ended in
// libstdc++'s verbose handler).
// Fixed by runtime/terminate.c (issue 11): the runtime defines
// std::terminate, which libstdc++ and the program call through their PLT;
// with a compartment's rights it runs no handler and ends the process
// with one line (SIGABRT), with the default domain's it calls libstdc++'s.
// Before: ATTACK SUCCEEDED, after: the line, both seen in the guest. The
// control ends with the same line (the verbose handler is not run in a
// compartment either). Still open: __cxa_call_terminate, reached from
// libstdc++'s personality for a frame whose call site its table lacks
// (GCC-compiled noexcept code), runs the handler word of the exception's
// header, key-0 memory while the header is (issue 11).
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 %s -ldl -o %t
// RUN: not %run %t control 2>&1 | FileCheck %s --check-prefix=CONTROL
// RUN: not %run %t 2>&1 | FileCheck %s
// CONTROL: handler words: 0
// CONTROL: bulkhead: error: std::terminate called in compartment 'vault'
// CHECK: handler words: 1
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: bulkhead: error: std::terminate called in compartment 'vault'
#include <bulkhead.h>
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <vector>
#include "Inputs/key0-words.h"

BULKHEAD_DATA(vault) char vault_key[32] = "TOP-SECRET-VAULT-KEY";

__attribute__((noinline)) static int lookup(int i) noexcept {
  std::vector<int> v(3);
  return v.at((size_t)i); /* throws out_of_range inside a noexcept frame */
}
extern "C" BULKHEAD_ENTRY(vault) int vault_lookup(int i) { return lookup(i); }

#include "Inputs/steal-vault-key.h"

int main(int argc, char **argv) {
  (void)argv;
  uintptr_t handler =
      (uintptr_t)dlsym(RTLD_DEFAULT, "_ZN9__gnu_cxx27__verbose_terminate_handlerEv");
  uintptr_t p = 0;
  if (argc < 2)
    __asm__("leaq steal(%%rip), %0" : "=r"(p));
  printf("handler words: %d\n", handler ? key0_replace(handler, p) > 0 && p : -1);
  fflush(stdout);
  printf("looked up: %d\n", vault_lookup(7));
  return 0;
}
