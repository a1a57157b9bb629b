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
// Suggested fix: search the program's executable pages too when they are
// not the file's (private pages that were written: /proc/self/pagemap's
// exclusive/anonymous bits, or "Anonymous:" in /proc/self/smaps non-zero),
// or simply search them whole at start-up, as the other objects' (the
// program's own gates are checked gates with read-only words).
// XFAIL: *
// REQUIRES: pku
// RUN: rm -rf %t && mkdir -p %t
// RUN: %clang -O1 -shared -fPIC %S/Inputs/rev28-patch-program.c -o %t/libpatch.so
// RUN: %bulkhead_clang -fpkey-compartments -O1 %s -L%t -Wl,--no-as-needed -lpatch -Wl,-rpath,%t -o %t/prog
// RUN: %run %t/prog > %t/out 2>&1 || true
// RUN: FileCheck %s < %t/out
// CHECK: patch found: 1
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
