// A start-up library whose code segment is execute-only (a PT_LOAD with
// PF_X and no PF_R; the kernel gives such a mapping its execute-only key,
// so no read of it works). The start-up scans cannot search it for PKRU
// writes: the program stops before main with one line naming the
// library, where it used to die of SIGSEGV in the scan. The same library
// left readable runs.
// REQUIRES: pku
// RUN: rm -rf %t && mkdir -p %t
// RUN: %clang -O1 -shared -fPIC %S/Inputs/execute-only-lib.c -o %t/libxo.so
// RUN: %bulkhead_clang -fpkey-compartments -O1 %s -L%t -lxo -Wl,-rpath,%t -o %t/prog
// RUN: %run %t/prog | FileCheck --check-prefix=READABLE %s
// RUN: %python %S/Inputs/execute-only.py %t/libxo.so | FileCheck --check-prefix=PATCHED %s
// RUN: not %run %t/prog > %t/out 2>&1
// RUN: FileCheck --check-prefix=REFUSED %s < %t/out
// READABLE: vault 7, library 6
// PATCHED: execute-only segments: 1
// REFUSED: bulkhead: error: {{.*}}libxo.so has execute-only code (a PT_LOAD without PF_R): it cannot be searched for PKRU writes
// REFUSED-NOT: vault
// REFUSED-NOT: SIG
#include <bulkhead.h>
#include <stdio.h>

BULKHEAD_DATA(vault) static int secret = 7;
BULKHEAD_ENTRY(vault) int vault_get(void) { return secret; }
int xo_triple(int);

int main(void) {
  printf("vault %d, library %d\n", vault_get(), xo_triple(2));
  return 0;
}
