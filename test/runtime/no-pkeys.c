// Where protection keys are unavailable, a program with compartments stops
// before main with one clear line and exit status 1, unless the user opts in
// to running unprotected; then it warns once and runs (gates step over their
// WRPKRU). A program without compartments runs anywhere.
// UNSUPPORTED: pku-native
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s %S/Inputs/vault.c -o %t
// RUN: not %t > %t.out 2> %t.err
// RUN: FileCheck %s --check-prefix=REFUSE < %t.err
// RUN: FileCheck %s --check-prefix=NOMAIN --allow-empty < %t.out
// RUN: env BULKHEAD_ALLOW_UNPROTECTED=1 %t 2>&1 | FileCheck %s --check-prefix=OPTIN
// RUN: %bulkhead_clang -fpkey-compartments -O2 -DNO_COMPARTMENTS %s -o %t.plain
// RUN: %t.plain | FileCheck %s --check-prefix=PLAIN
#include <stdio.h>
#ifndef NO_COMPARTMENTS
#include "Inputs/vault.h"
#endif

int main(void) {
#ifndef NO_COMPARTMENTS
  printf("main ran; vault_read(0) = %d\n", vault_read(0));
  printf("unprotected = %d\n", bulkhead_unprotected());
#else
  printf("plain program ran\n");
#endif
  return 0;
}
// REFUSE: bulkhead: error: memory protection keys are unavailable (pkey_alloc: {{.*}}); refusing to run compartments vault, other unprotected. Set BULKHEAD_ALLOW_UNPROTECTED=1 to run anyway.
// REFUSE-NOT: bulkhead
// NOMAIN-NOT: main ran
// OPTIN: bulkhead: warning: memory protection keys are unavailable
// OPTIN-NOT: bulkhead:
// OPTIN: main ran; vault_read(0) = 11
// OPTIN: unprotected = 1
// PLAIN: plain program ran
