// Review 50, attacker model A (key-0 loads and stores, no race, no system
// call). The runtime's __cxa_free_exception (free_block,
// runtime/exceptions.c), with a compartment's rights on one of its own
// blocks, trusts the block's record (magic, state live, size) and gives
// the block back to its heap; it does not ask whether the block is one it
// handed away, whose pages carry key 0 and whose record any domain
// rewrites. The vault frees such a block when it holds the last reference
// to its own exception after main caught it: a std::exception_ptr main
// passed back in (an error reported to the library that raised it). Here
// main catches the vault's exception, passes current_exception() to the
// vault, which keeps it, drops its own, and rewrites the record's state to
// live; the vault's drop frees the key-0 pages into its heap (the control,
// which rewrites nothing, stops there: "no exception block of compartment
// 'vault'"). The vault's heap hands them out again: a later exception the
// vault keeps (its header, the destructor word) is on key-0 pages while
// the vault holds it; main stores the address of steal (a function of the
// program's whose address is taken in asm, so no gate wraps it) into its
// destructor word, and the vault's drop runs steal with the vault's
// rights, which copies the vault's key into the program's buffer (ATTACK
// SUCCEEDED; seen in the guest 3 of 3, review 50). The vault's list still
// names the block as given; a released mark there later would take it back
// and free it a second time. (The first exception's own destructor word
// was key-0 too when the vault dropped it: attacks-rev50-foreign-exception-
// ptr.cpp; here it is not touched.)
// Fixed: free_block's own-block path decides from the compartment's list
// (on its key), under its lock, before it reads the record: a block the
// list names as given stops the program with one line ("an exception
// block compartment 'vault' gave to another domain"), so the pages reach
// its heap only through take_back (the hand-over's own-block checks use
// the list the same way). The first exception's destructor word:
// attacks-rev50-foreign-exception-ptr.cpp.
// Since that test's fix the vault stops earlier, at its copy of main's
// pointer: with the vault's rights the runtime's _M_addref accepts only
// the vault's own live blocks, and a block it gave away is not one ("took
// a std::exception_ptr to an exception it does not own"); the free's
// check above stays behind it.
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 %s -o %t
// RUN: not %run %t control 2>&1 | FileCheck %s --check-prefix=CONTROL
// RUN: not %run %t 2>&1 | FileCheck %s
// CONTROL: bulkhead: error: compartment 'vault' took a std::exception_ptr to an exception it does not own
// CONTROL-NOT: freed by the vault
// CHECK: bulkhead: error: compartment 'vault' took a std::exception_ptr to an exception it does not own
// CHECK-NOT: freed by the vault
// CHECK-NOT: ATTACK SUCCEEDED
#include <bulkhead.h>
#include <exception>
#include <new>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

BULKHEAD_DATA(vault) char vault_key[32] = "TOP-SECRET-VAULT-KEY";
/* std::exception_ptrs in the vault's data, without static destructors. */
BULKHEAD_DATA(vault) alignas(std::exception_ptr) unsigned char
    vault_kept_bytes[2][sizeof(std::exception_ptr)];
#define vault_kept(i)                                                          \
  (*reinterpret_cast<std::exception_ptr *>(vault_kept_bytes[i]))

__attribute__((noinline)) static void vault_fail(int v) {
  if (v)
    throw v;
}
extern "C" BULKHEAD_ENTRY(vault) void vault_throw(int v) { vault_fail(v); }
/* An error handed back to the library. */
extern "C" BULKHEAD_ENTRY(vault) int vault_report(const std::exception_ptr *e) {
  new (vault_kept_bytes[0]) std::exception_ptr(*e);
  return vault_kept(0) != nullptr;
}
/* One the vault raises and keeps for itself. */
extern "C" BULKHEAD_ENTRY(vault) void vault_keep(int v) {
  try {
    vault_fail(v);
  } catch (...) {
    new (vault_kept_bytes[1]) std::exception_ptr(std::current_exception());
  }
}
extern "C" BULKHEAD_ENTRY(vault) void vault_drop(int i) {
  vault_kept(i).~exception_ptr();
}

static char stolen[32];
static const char *volatile from = vault_key; /* key-0 words */
static char *volatile to = stolen;

extern "C" __attribute__((used)) void steal(void *object) {
  (void)object;
  for (int i = 0; i < 31; i++)
    to[i] = from[i];
}

int main(int argc, char **argv) {
  (void)argv;
  setvbuf(stdout, NULL, _IONBF, 0);
  const uint64_t magic = 0x6365786568627562ull; /* the runtime's record */
  uintptr_t r = 0;
  {
    std::exception_ptr e;
    try {
      vault_throw(1);
    } catch (int &v) {
      r = (uintptr_t)&v - 192; /* record, libstdc++'s header, object */
      e = std::current_exception();
    }
    printf("handed back to the vault: %d\n", vault_report(&e));
  } /* main's reference goes: the vault's is the last */
  if (argc < 2)
    *(uint32_t *)(r + 16) = 1; /* the record's state: live */
  vault_drop(0);
  puts("freed by the vault");
  int found = 0;
  for (int i = 0; i < 64 && !found; i++) {
    vault_keep(100 + i);
    if (*(volatile uint64_t *)r == magic && *(volatile uint32_t *)(r + 16) == 1) {
      printf("the vault's kept exception on key-0 pages: %d\n",
             *(int *)(r + 192));
      uintptr_t p;
      __asm__("leaq steal(%%rip), %0" : "=r"(p));
      *(uintptr_t *)(r + 64 + 24) = p; /* its header's exceptionDestructor */
      found = 1;
    }
    vault_drop(1);
  }
  puts("dropped");
  if (strstr(stolen, "TOP-SECRET")) {
    printf("ATTACK SUCCEEDED: the vault's key in the program's memory: %s\n",
           stolen);
    return 0;
  }
  puts("nothing stolen");
  return 0;
}
