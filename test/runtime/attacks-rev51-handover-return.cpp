// Review 51, attacker model A with a second thread (key-0 loads and stores
// only; model B not needed). Issue 11's hand-over,
// __bulkhead_exception_arrives, runs at the start of the catcher's landing
// pad with the thrower's rights (the vault's) on the catcher's stack: for
// main's catch, the default stack, key-0. Its stub calls the C part
// (bh_exception_arrives), whose return address into the stub sits on that
// stack while the C part re-tags the block: a pkey_mprotect that under the
// system-call filter waits for the supervisor (it reads the list through
// /proc/pid/mem and the block's keys in smaps), a long window.
// design.md and threat-model.md name this as open ("a second thread can race
// for its return address ... not tried"): tried here. The program's second
// thread scans main's stack below main's frame for a word that points into
// the stub (the only such value: the C part's return address), replaces it
// with the address of steal (the program's code, its address taken in asm,
// so no gate wraps it) and goes on looking. The vault throws E to main up to
// 200 times; once the C part returns into steal, that runs with the vault's
// rights: it copies vault_key to stdout after "ATTACK SUCCEEDED: " and ends
// the process. Seen in the guest: ATTACK SUCCEEDED on the first throw, 3
// of 3 (-DROUNDS=1), and 3 of 3 as run here. The control only counts
// what it sees (no store) and the vault's 200 exceptions are caught in
// main.
// Suggested fix: nothing of the hand-over with a compartment's rights on a
// stack another domain can write. Either do it on the thrower's stack: a
// personality routine for the trampoline's frame (the unwinder's phase 2
// calls it with the thrower's rights on the thrower's stack before it
// installs the caller's landing pad; it knows the caller's domain
// statically), or have the stub switch to a stack of the thrower's (this
// thread's ring on its compartment stack, found through the read-only owner
// table, as bh_ring_eh_globals does) before it calls C code or pushes
// anything. The same holds for a vault landing pad reached with a stack the
// attacker forged: the stub runs before the gate's stack check.
// Fixed for this word: the stub now runs the C part on a hand-over stack
// of the thrower's (review 50's fix), so the C part's return address is
// no longer on main's stack; this test passes since. The stub's own
// return address, into the landing pad, stayed on the catcher's stack
// while the hand-over ran, and the stub returned through it with the
// thrower's rights: raced and fixed too (attacks-rev52-stub-return.cpp;
// the pad now jumps to the stub with its return point in a register).
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 -pthread %s -o %t
// RUN: %run %t control | FileCheck %s --check-prefix=CONTROL
// RUN: %run %t | FileCheck %s
// CONTROL: caught in main 200 times
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: caught in main 200 times
#include <bulkhead.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#ifndef ROUNDS
#define ROUNDS 200
#endif

BULKHEAD_DATA(vault) char vault_key[32] = "TOP-SECRET-VAULT-KEY";

struct E {
  int v;
};

extern "C" BULKHEAD_ENTRY(vault) void vault_throw(int v) { throw E{v}; }

#include "Inputs/steal-vault-key.h"

static uintptr_t *volatile top; /* main's frame */
static volatile int done, armed;
static volatile long seen;

static void *attacker(void *) {
  uintptr_t stub, p;
  __asm__("leaq __bulkhead_exception_arrives(%%rip), %0" : "=r"(stub));
  __asm__("leaq steal(%%rip), %0" : "=r"(p));
  while (!top)
    ;
  while (!done) {
    /* 2048 words below main's frame: the catch's pad, the stub, its C
     * part and what it calls. */
    for (volatile uintptr_t *w = top - 2048; w < top; w++) {
      uintptr_t v = *w;
      if (v >= stub && v < stub + 0x200) {
        seen++;
        if (armed)
          *w = p;
      }
    }
  }
  return NULL;
}

int main(int argc, char **argv) {
  (void)argv;
  setvbuf(stdout, NULL, _IONBF, 0);
  armed = argc < 2;
  uintptr_t here;
  pthread_t t;
  pthread_create(&t, NULL, attacker, NULL);
  top = &here;
  int n = 0;
  for (int i = 0; i < ROUNDS; i++) {
    try {
      vault_throw(i);
    } catch (E &e) {
      n += e.v == i;
    }
  }
  done = 1;
  pthread_join(t, NULL);
  fprintf(stderr, "return addresses into the stub seen: %ld\n", seen);
  printf("caught in main %d times\n", n);
  return 0;
}
