// Review 50, attacker model A (key-0 loads and stores, no race, no system
// call). Issue 11 put a compartment's own exceptions on its own pages, but
// an exception the default domain allocated stays in the shared heap
// (runtime/exceptions.c: with the default domain's rights, as libstdc++),
// and nothing stopped it from reaching a compartment other than by
// unwinding: a std::exception_ptr passed in as an argument (an error
// handed to a library, std::promise::set_exception, a nested exception).
// When the vault holds the last reference and lets go, libstdc++ (its
// exception_ptr release, with the vault's rights) calls the destructor
// word of that exception's header, key-0 memory: the same store as
// attacks-rev25-exception-ptr.cpp, on the default domain's exception
// instead of the vault's own. Here main makes an exception_ptr
// (std::make_exception_ptr: its allocation with main's rights), hands it
// to the vault, which keeps a copy ("keep"; with "take" it moves main's
// in, taking no reference), and drops its own; then it stores the
// address of steal (a function of the program's whose address is taken
// in asm, so no gate wraps it) into the header's destructor word; the
// vault's drop runs steal with the vault's rights, which copies the
// vault's key into the program's buffer (ATTACK SUCCEEDED). With
// "rethrow" the vault does not drop it but rethrows it inside itself
// (std::rethrow_exception: a dependent exception on the vault's pages
// whose primary is the key-0 one) and catches it: the end of that catch
// drops the last reference, in libstdc++, with the same result. With
// "nested" main keeps the reference in a std::nested_exception (made in
// main's catch) and the vault ends that object: libstdc++'s out-of-line
// ~nested_exception lets go, with the same result. Seen 3 of 3 in the
// guest for keep and rethrow (review 50), and for each of keep, rethrow,
// keep take, rethrow take and nested with this test on the runtime before
// the fix (main at 5703ebf). The controls store nothing. (The vault
// rethrows a moved pointer: it takes no reference there, so with "take"
// the rethrow itself is what the runtime sees.)
// Fixed: the runtime defines (weak, in the executable) exception_ptr's
// _M_addref and _M_release, which the inline copy and destructor and
// libstdc++'s own code (current_exception, ~nested_exception) reach
// through the PLT, and std::rethrow_exception; with a compartment's
// rights each stops the process with one line unless the exception is one
// of that compartment's own live blocks ("compartment 'vault' took / let
// go of / rethrew a std::exception_ptr to an exception it does not own"),
// then runs libstdc++'s (found at start-up, with the default domain's
// rights, into the runtime's read-only state). The controls stop too: the
// reference is refused, not the forged word.
// Since review 56 "nested" stops one check earlier, on the same call: the
// nested_exception, and so its exception_ptr, is main's memory, which the
// vault's release now refuses as such ("kept outside its own memory").
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 %s -o %t
// RUN: not %run %t keep control 2>&1 | FileCheck %s --check-prefixes=CHECK,TOOK
// RUN: not %run %t keep 2>&1 | FileCheck %s --check-prefixes=CHECK,TOOK
// RUN: not %run %t rethrow 2>&1 | FileCheck %s --check-prefixes=CHECK,TOOK
// RUN: not %run %t keep take 2>&1 | FileCheck %s --check-prefixes=CHECK,TAKEN,LET-GO
// RUN: not %run %t rethrow take 2>&1 | FileCheck %s --check-prefixes=CHECK,TAKEN,RETHREW
// RUN: not %run %t nested 2>&1 | FileCheck %s --check-prefixes=CHECK,NESTED
// TAKEN: kept in the vault: 1
// TAKEN-NEXT: headers found: 1
// NESTED: nested in main
// NESTED-NEXT: headers found: 1
// TOOK: bulkhead: error: compartment 'vault' took a std::exception_ptr to an exception it does not own
// LET-GO: bulkhead: error: compartment 'vault' let go of a std::exception_ptr to an exception it does not own
// RETHREW: bulkhead: error: compartment 'vault' rethrew a std::exception_ptr to an exception it does not own
// NESTED: bulkhead: error: compartment 'vault' let go of a std::exception_ptr kept outside its own memory
// CHECK-NOT: dropped
// CHECK-NOT: ATTACK SUCCEEDED
#include <bulkhead.h>
#include <exception>
#include <new>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <typeinfo>
#include <utility>
#include "Inputs/key0-words.h"

BULKHEAD_DATA(vault) char vault_key[32] = "TOP-SECRET-VAULT-KEY";
/* A std::exception_ptr in the vault's data, without a static destructor
 * (which the default domain would run). */
BULKHEAD_DATA(vault) alignas(std::exception_ptr) unsigned char
    vault_kept_bytes[sizeof(std::exception_ptr)];
#define vault_kept (*reinterpret_cast<std::exception_ptr *>(vault_kept_bytes))
BULKHEAD_DATA(vault) int vault_seen;

/* A copy (a reference of its own), or with take the caller's moved in
 * (none taken: the caller's word becomes null). */
extern "C" BULKHEAD_ENTRY(vault) int vault_keep(std::exception_ptr *e,
                                                int take) {
  if (take)
    new (vault_kept_bytes) std::exception_ptr(std::move(*e));
  else
    new (vault_kept_bytes) std::exception_ptr(*e);
  return vault_kept != nullptr;
}
extern "C" BULKHEAD_ENTRY(vault) void vault_drop(int rethrow) {
  if (!rethrow) {
    vault_kept.~exception_ptr();
    return;
  }
  try {
    std::exception_ptr e = std::move(vault_kept);
    vault_kept.~exception_ptr();
    std::rethrow_exception(std::move(e)); /* no reference taken */
  } catch (int v) {
    vault_seen = v;
  }
}
/* libstdc++'s ~nested_exception (out of line), with the vault's rights. */
extern "C" BULKHEAD_ENTRY(vault) void vault_end(std::nested_exception *n) {
  n->~nested_exception();
}

#include "Inputs/exception-destructor.h"

static int has(int argc, char **argv, const char *word) {
  for (int i = 1; i < argc; i++)
    if (!strcmp(argv[i], word))
      return 1;
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2)
    return 2;
  int rethrow = has(argc, argv, "rethrow"), nested = has(argc, argv, "nested");
  setvbuf(stdout, NULL, _IONBF, 0);
  static std::nested_exception *n; /* main's; the vault ends it */
  if (nested) {
    try {
      throw 7;
    } catch (...) {
      n = new std::nested_exception; /* current_exception(), main's */
    }
    puts("nested in main");
  } else {
    std::exception_ptr mine = std::make_exception_ptr(7);
    printf("kept in the vault: %d\n", vault_keep(&mine, has(argc, argv, "take")));
  } /* main's reference goes: the vault's is the last */
  if (!has(argc, argv, "control")) {
    uintptr_t p;
    __asm__("leaq steal(%%rip), %0" : "=r"(p));
    printf("headers found: %d\n", forge_int_destructors(p));
  }
  if (nested)
    vault_end(n);
  else
    vault_drop(rethrow);
  puts("dropped");
  if (strstr(stolen, "TOP-SECRET")) {
    printf("ATTACK SUCCEEDED: the vault's key in the program's memory: %s\n",
           stolen);
    return 0;
  }
  puts("nothing stolen");
  return 0;
}
