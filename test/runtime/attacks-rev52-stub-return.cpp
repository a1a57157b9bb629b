// Review 52 (issue 11, review 51's open half), attacker model A with a
// second thread (key-0 loads and stores only). The pass made every landing
// pad of a non-shared function call __bulkhead_exception_arrives, which
// runs with the thrower's rights (the vault's). Its stub ran the C part on
// a hand-over stack of the thrower's (review 50), but its own return
// address, pushed by the pad's `call`, stayed on the catcher's stack (for
// main's catch: the default stack, key-0) for the whole hand-over (a
// pkey_mprotect that under the system-call filter waits for the
// supervisor), and the stub returned through it with the vault's rights.
// The program's second thread finds that address from the binary: in
// main's code, the instruction after any call or jump whose target is the
// stub (the landing pad's way into it); it scans main's stack below main's
// frame for a word equal to one of them, replaces it with the address of
// steal (the program's code, its address taken in asm, so no gate wraps
// it) and goes on looking. The vault throws E to main up to 200 times;
// once the stub returns into steal, that runs with the vault's rights: it
// copies vault_key to stdout after "ATTACK SUCCEEDED: " and ends the
// process. The control only counts what it sees (no store).
// Seen in the guest before the fix: ATTACK SUCCEEDED, 3 of 3 (the control
// saw the word about 27000 times).
// Suggested fix: no return address on the catcher's stack: the pad puts
// its return point in a register and jumps to the stub, which keeps it on
// the thrower's hand-over stack and leaves by an indirect jump.
// Fixed so: the pad's `leaq 1f(%rip), %r11; jmp` into the stub, which
// writes nothing on the catcher's stack with a compartment's rights
// (runtime/exceptions.c). Passes since, 3 of 3; the control sees the
// return point on main's stack 0 times.
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 -pthread %s -o %t
// RUN: %run %t control | FileCheck %s --check-prefix=CONTROL
// RUN: %run %t | FileCheck %s
// CONTROL: return points found: {{[1-9]}}
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
static uintptr_t ret[8]; /* the pads' return points out of the stub */
static int nret;

int main(int argc, char **argv);

/* In main's first 16 KiB of code: the end of each call (e8) or jump (e9)
 * with a 32-bit displacement to the stub. */
static void find_return_points(void) {
  uintptr_t stub, code;
  __asm__("leaq __bulkhead_exception_arrives(%%rip), %0" : "=r"(stub));
  __asm__("leaq main(%%rip), %0" : "=r"(code));
  for (uintptr_t a = code; a < code + 16384 && nret < 8; a++) {
    const unsigned char *p = (const unsigned char *)a;
    if (p[0] != 0xe8 && p[0] != 0xe9)
      continue;
    int32_t d;
    memcpy(&d, p + 1, 4);
    if (a + 5 + (intptr_t)d == stub)
      ret[nret++] = a + 5;
  }
}

static void *attacker(void *) {
  uintptr_t p;
  __asm__("leaq steal(%%rip), %0" : "=r"(p));
  while (!top)
    ;
  while (!done) {
    /* 2048 words below main's frame: the catch's pad, the stub, its C
     * part and what it calls. */
    for (volatile uintptr_t *w = top - 2048; w < top; w++) {
      uintptr_t v = *w;
      for (int i = 0; i < nret; i++)
        if (v == ret[i]) {
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
  find_return_points();
  printf("return points found: %d\n", nret);
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
  fprintf(stderr, "return points seen on main's stack: %ld\n", seen);
  printf("caught in main %d times\n", n);
  return 0;
}
