// Review 25, attacker model A (key-0 loads and stores, no race, no system
// call). Exception objects come from the shared heap (key-0) so that a
// handler in any domain can read them (threat-model, C++ exceptions), and
// libstdc++ keeps its own header in front of each: the thrown type_info
// pointer, the destructor to run when the last reference goes, the
// unwinder's exception_cleanup; plain words, not mangled. A compartment
// that keeps an exception past the call that caught it (a
// std::exception_ptr in its data, as std::promise/std::future and error
// propagation across threads do) leaves that header writable by every
// domain until it lets go; then libstdc++ (exception_ptr's release, with
// the compartment's rights) calls the header's destructor word. Here the
// vault saves current_exception() in its own data; the program finds the
// object's header in key-0 memory by libstdc++'s exception class
// ("GNUCC++\0", the type_info pointer 80 bytes before it) and stores the
// address of steal (a function of the program's whose address is taken in
// asm, so no gate wraps it) into its destructor word; when the vault drops
// its exception_ptr, steal runs with the vault's rights and copies the
// vault's key into the program's buffer (ATTACK SUCCEEDED; seen in the
// guest, review 25). The control stores nothing. The same header's type
// pointer decides a later rethrow_exception's catch (its virtual
// __do_catch, as attacks-rev25-unwind-typeinfo.cpp), and a second thread
// can store into a throw's header while it unwinds (not tried).
// Suggested fix: a compartment's exception objects (and their headers)
// in memory the default domain can read but not write (a shared read-only
// view, or the compartment's heap with a copy handed out when the
// exception leaves it), or libstdc++'s header copied and checked on the
// compartment side; at the least the threat model says that a
// compartment must not keep exceptions across calls.
// Closed (issue 11, runtime/exceptions.c): the vault's exception comes
// from its own heap, on pages of their own with its key, and stays there
// while the vault keeps it (it would be handed over only where it reaches
// another domain's landing pad, and one the vault still points to stops
// the process there): no header in key-0 memory ("headers found: 0";
// before, 1 and ATTACK SUCCEEDED).
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 %s -o %t
// RUN: %run %t control | FileCheck %s --check-prefix=CONTROL
// RUN: %run %t | FileCheck %s
// CONTROL: saved in the vault: 1
// CONTROL-NEXT: dropped
// CONTROL-NEXT: nothing stolen
// CHECK: saved in the vault: 1
// CHECK: headers found: 0
// CHECK: dropped
// CHECK-NOT: ATTACK SUCCEEDED
#include <bulkhead.h>
#include <exception>
#include <new>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <typeinfo>
#include "Inputs/key0-words.h"

BULKHEAD_DATA(vault) char vault_key[32] = "TOP-SECRET-VAULT-KEY";
/* A std::exception_ptr in the vault's data, without a static destructor
 * (which the default domain would run). */
BULKHEAD_DATA(vault) alignas(std::exception_ptr) unsigned char
    vault_saved_bytes[sizeof(std::exception_ptr)];
#define vault_saved (*reinterpret_cast<std::exception_ptr *>(vault_saved_bytes))

__attribute__((noinline)) static void vault_fail(int v) {
  if (v)
    throw v;
}
extern "C" BULKHEAD_ENTRY(vault) int vault_save(int v) {
  try {
    vault_fail(v);
  } catch (...) {
    new (vault_saved_bytes) std::exception_ptr(std::current_exception());
  }
  return vault_saved != nullptr;
}
extern "C" BULKHEAD_ENTRY(vault) void vault_drop(void) {
  vault_saved.~exception_ptr();
}

#include "Inputs/exception-destructor.h"

int main(int argc, char **argv) {
  (void)argv;
  printf("saved in the vault: %d\n", vault_save(7));
  if (argc < 2) {
    uintptr_t p;
    __asm__("leaq steal(%%rip), %0" : "=r"(p));
    printf("headers found: %d\n", forge_int_destructors(p));
  }
  vault_drop();
  puts("dropped");
  if (strstr(stolen, "TOP-SECRET")) {
    printf("ATTACK SUCCEEDED: the vault's key in the program's memory: %s\n",
           stolen);
    return 0;
  }
  puts("nothing stolen");
  return 0;
}
