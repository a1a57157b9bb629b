// A shared helper's original whose address is taken (Guard::run, an
// inline virtual member in Guard's vtable) may be called through the
// pointer by a compartment, on its own stack with its rights: a throw
// caught there stays the compartment's, with its rights, and the
// compartment goes on with them (reads its own key after). The same
// original called by main catches a default-domain throw with the default
// domain's rights, and the vault's throw (attacks-rev59c-any-helper-catch-
// rights.cpp) with the default domain's too: its landing pad decides by
// the stack whose activation it is in (pass/CallGates.cpp). -O2 and -O0.
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 %s -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clangxx -fpkey-compartments -O0 %s -o %t0
// RUN: %run %t0 | FileCheck %s
// CHECK: vault's pointer call: caught 107 with the vault's rights, key T
// CHECK-NEXT: vault's pointer call: caught 108 with the vault's rights, key T
// CHECK-NEXT: main's call: caught 109 with the default domain's rights
// CHECK-NEXT: main's call of the vault's throw: caught 10 with the default domain's rights
// CHECK-NEXT: done
#include <bulkhead.h>
#include <stdint.h>
#include <stdio.h>

BULKHEAD_DATA(vault) char vault_key[32] = "TOP-SECRET-VAULT-KEY";

struct E {
  long v;
};

static uint32_t rdpkru(void) {
  uint32_t eax, edx;
  __asm__ volatile(".byte 0x0f, 0x01, 0xee" : "=a"(eax), "=d"(edx) : "c"(0));
  return eax;
}

static uint32_t word_of(const char *which) {
  const uint32_t *d;
  if (which[0] == 'v')
    __asm__("leaq __bulkhead_domain.vault(%%rip), %0" : "=r"(d));
  else
    __asm__("leaq __bulkhead_domain0(%%rip), %0" : "=r"(d));
  return *d;
}

/* The PKRU word in the last catch (key-0: every domain writes it). */
static volatile uint32_t catch_word;

inline __attribute__((noinline)) void thrower(long v) { throw E{v}; }

extern "C" BULKHEAD_ENTRY(vault) void vault_throw(long v) { throw E{v}; }

struct Guard {
  __attribute__((noinline)) virtual long run(long v, int vault) {
    try {
      if (vault)
        vault_throw(v);
      else
        thrower(v);
    } catch (E &e) {
      catch_word = rdpkru();
      return e.v + 100;
    }
    return 0;
  }
};

/* The vault calls the original through the object's vtable; then reads
 * its own key (with the default domain's rights that faults). */
extern "C" BULKHEAD_ENTRY(vault) long vault_run(Guard *g, long v, char *key) {
  long r = g->run(v, 0);
  *key = ((volatile char *)vault_key)[0];
  return r;
}

static const char *rights(void) {
  if (catch_word == word_of("vault"))
    return "the vault's rights";
  return catch_word == word_of("default") ? "the default domain's rights"
                                          : "other rights";
}

static Guard guard;
static Guard *volatile shared_guard = &guard;

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  for (long v = 7; v <= 8; v++) {
    char key = '?';
    long r = vault_run(shared_guard, v, &key);
    printf("vault's pointer call: caught %ld with %s, key %c\n", r, rights(),
           key);
  }
  long r = guard.run(9, 0);
  printf("main's call: caught %ld with %s\n", r, rights());
  r = guard.run(10, 1);
  printf("main's call of the vault's throw: caught %ld with %s\n", r - 100,
         rights());
  printf("done\n");
  return 0;
}
