// Review 28, attacker model B (the default domain's program counter; the
// attack itself is stores and a jump, no system call). Both gadget scans
// walk /proc/self/maps and stop the program on memory that is writable
// and executable (review 27), one mapping at a time; a file mapped twice,
// one view writable and one executable (a JIT's W^X double mapping of a
// memfd), is both, and neither view is refused: the executable one is
// searched once, empty, and what is stored through the other view later
// shows up in it. The filter sees no call: the pages are mapped already.
//
// Here Inputs/rev28-dual-map.c, a start-up library, maps a memfd page
// twice in its constructor. main stores WRPKRU; RET through the writable
// view (the bytes computed, so the program holds none) and jumps to the
// executable one with eax = ecx = edx = 0: every key opens and the
// vault's secret reads (ATTACK SUCCEEDED).
//
// Seen in the guest: ATTACK SUCCEEDED.
//
// Suggested fix: the maps walks refuse an executable shared mapping
// (perms "r-xs": its file can change under it) unless it is a sealed
// memfd (F_SEAL_WRITE, as supervisor-sealed.c makes them) or a start-up
// object's file that supervisor-own.c made private copies of; or look up
// each executable mapping's file (/proc/self/map_files) for another
// writable shared mapping of it.
// Fixed: the walks refuse executable memory whose file is mapped writable
// and shared elsewhere in the process, and an executable shared mapping
// no object holds; the program stops before main with one line.
// REQUIRES: pku
// RUN: rm -rf %t && mkdir -p %t
// RUN: %clang -O1 -shared -fPIC %S/Inputs/rev28-dual-map.c -o %t/libdual.so
// RUN: %bulkhead_clang -fpkey-compartments -O1 %s -L%t -Wl,--no-as-needed -ldual -Wl,-rpath,%t -o %t/prog
// RUN: not %run %t/prog > %t/out 2>&1
// RUN: FileCheck %s < %t/out
// CHECK: {{^}}bulkhead: error: memory at 0x{{[0-9a-f]+}}-0x{{[0-9a-f]+}} (/memfd:jit (deleted)) is executable and its file is mapped shared or writable too
// CHECK-NOT: ATTACK SUCCEEDED
#include <bulkhead.h>
#include "Inputs/steal-secret.h"
#include <stdio.h>
#include <string.h>

BULKHEAD_DATA(vault) static char secret[32] = "TOP-SECRET-VAULT-KEY";
BULKHEAD_ENTRY(vault) int vault_len(void) { return (int)strlen(secret); }

extern void *rev28_rw, *rev28_rx;
static volatile unsigned char op = 0xee;

int main(void) {
  printf("vault says %d\n", vault_len());
  printf("two views found: %d\n", rev28_rw && rev28_rx);
  fflush(stdout);
  if (!rev28_rw || !rev28_rx)
    return 1;
  unsigned char *w = rev28_rw; /* the stores: WRPKRU; RET */
  w[0] = 0x0f, w[1] = 0x01, w[2] = (unsigned char)(op + 1), w[3] = 0xc3;
  void *code = rev28_rx;
  steal_secret(code, secret);
  return 0;
}
