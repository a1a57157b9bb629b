// Review 28, attacker model B (the default domain's program counter),
// with a start-up library that compiles code in a thread of its own (a
// JIT). The filter's installation (constructor 103) walks
// /proc/self/maps for executable memory no object holds and searches it
// whole (review 27); but then it forks the supervisor, builds the filter
// and installs it, and memory made executable in between is searched by
// no one: the walk is over, and the filter, which would send the
// mprotect to the supervisor, is not there yet. The main thread waits in
// waitpid for the supervisor's middle process, so a thread of a start-up
// library runs there.
//
// Here Inputs/rev28-startup-jit.c's thread compiles WRPKRU; RET (bytes an
// attacker chose, as JIT spraying does) once the program has a child.
// main jumps there with eax = ecx = edx = 0: every key opens and the
// vault's secret reads (ATTACK SUCCEEDED). The control compiles the same
// code in the library's constructor, before the walk: the program stops,
// naming the memory.
//
// Seen in the guest: ATTACK SUCCEEDED; control: stopped by the maps walk.
//
// Suggested fix: walk /proc/self/maps (executable memory no object holds)
// once more after the filter is installed, from the supervisor or from
// the main thread (a thread's mprotect after that goes to the
// supervisor); or stop the other threads for the window (the runtime
// knows none of its own exist yet).
// Fixed: the walk is made again once the filter is in place
// (bh_check_exec_memory, end of install_filter); memory made executable
// before that is seen there, after it the supervisor judges each
// mprotect. The program stops before main with one line.
// REQUIRES: pku
// RUN: rm -rf %t && mkdir -p %t
// RUN: %clang -O1 -shared -fPIC -pthread %S/Inputs/rev28-startup-jit.c -o %t/libjit.so
// RUN: %bulkhead_clang -fpkey-compartments -O1 %s -L%t -Wl,--no-as-needed -ljit -Wl,-rpath,%t -o %t/prog
// RUN: not %run %t/prog control > %t/control.out 2>&1
// RUN: FileCheck --check-prefix=CONTROL %s < %t/control.out
// RUN: not %run %t/prog attack > %t/out 2>&1
// RUN: FileCheck %s < %t/out
// CONTROL: bulkhead: error: executable memory at 0x{{[0-9a-f]+}} (anonymous memory) that no object in ld.so's list holds has WRPKRU bytes
// CONTROL-NOT: ATTACK SUCCEEDED
// CHECK: bulkhead: error: executable memory at 0x{{[0-9a-f]+}} (anonymous memory) that no object in ld.so's list holds has WRPKRU bytes
// CHECK-NOT: ATTACK SUCCEEDED
#include <bulkhead.h>
#include "Inputs/steal-secret.h"
#include <stdio.h>
#include <string.h>

BULKHEAD_DATA(vault) static char secret[32] = "TOP-SECRET-VAULT-KEY";
BULKHEAD_ENTRY(vault) int vault_len(void) { return (int)strlen(secret); }

extern void *volatile rev28_jit_code;

int main(void) {
  printf("vault says %d\n", vault_len());
  void *code = rev28_jit_code;
  printf("compiled code found: %d\n", code != NULL);
  fflush(stdout);
  if (!code)
    return 1;
  /* PKRU 0 through the compiled code, and the copy in the same breath: a
   * C call would have its rights put back after it. */
  steal_secret(code, secret);
  return 0;
}
