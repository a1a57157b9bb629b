// Review 28, attacker model B (the default domain's program counter),
// with a start-up library that patches the program's code (hooking,
// instrumentation). Both gadget scans pass over the program's own code:
// bulkhead-clang scanned its file when it linked it. The maps walks
// (review 27) count its pages as covered, as they do every listed
// object's, and search only memory no object holds; so bytes put into the
// program's code pages before the filter are searched by no one. The
// pages are no longer the file's (anonymous copies): the walk could tell.
//
// Here Inputs/rev28-patch-program.c, a start-up library, writes WRPKRU;
// RET past the end of the program's code on its last page in its
// constructor (writable, then executable again: never both at once).
// main jumps there with eax = ecx = edx = 0: every key opens and the
// vault's secret reads (ATTACK SUCCEEDED).
//
// Seen in the guest: ATTACK SUCCEEDED.
//
// Fixed: at the filter's installation, every PKRU-write pattern in the
// program's executable pages must be its file's at the same place
// (runtime/gadgets.c); the patched program stops before main.
// REQUIRES: pku
// RUN: rm -rf %t && mkdir -p %t
// RUN: %clang -O1 -shared -fPIC %S/Inputs/rev28-patch-program.c -o %t/libpatch.so
// RUN: %bulkhead_clang -fpkey-compartments -O1 %s -L%t -Wl,--no-as-needed -lpatch -Wl,-rpath,%t -o %t/prog
// RUN: not %run %t/prog > %t/out 2>&1
// RUN: FileCheck %s < %t/out
// CHECK: bulkhead: error: the program's code at +0x{{[0-9a-f]+}} holds WRPKRU bytes, or bytes around them, that are not its file's
// CHECK-NOT: ATTACK SUCCEEDED
#include <bulkhead.h>
#include "Inputs/steal-secret.h"
#include <stdio.h>
#include <string.h>

BULKHEAD_DATA(vault) static char secret[32] = "TOP-SECRET-VAULT-KEY";
BULKHEAD_ENTRY(vault) int vault_len(void) { return (int)strlen(secret); }

extern void *rev28_patched;

int main(void) {
  printf("vault says %d\n", vault_len());
  void *code = rev28_patched;
  printf("patch found: %d\n", code != NULL);
  fflush(stdout);
  if (!code)
    return 1;
  steal_secret(code, secret);
  return 0;
}
