// Issue 12, gadgets in dependencies: a shared object the program loads
// holds a bare WRPKRU (built without Bulkhead, Inputs/dep-raw-wrpkru.c).
// A code-reuse attacker could jump to it with any PKRU in EAX, so the
// runtime stops before main and names the object and the offset;
// BULKHEAD_ALLOW_DEP_GADGETS=1 runs the program anyway, and says so with
// BULKHEAD_VERBOSE=1. A WRPKRU in checked-gate form (compare with a
// read-only word, trap on mismatch; Inputs/dep-checked-gate.c) is accepted.
// LATE: the same object loaded by a start-up library's constructor, after
// the runtime's start-up scan, is found by the filter's second one.
// REQUIRES: pku
// RUN: rm -rf %t && mkdir -p %t
// RUN: %clang -O1 -shared -fPIC %S/Inputs/dep-raw-wrpkru.c -o %t/libdepraw.so
// RUN: %clang -O1 -shared -fPIC %S/Inputs/dep-checked-gate.c -o %t/libdepgate.so
// RUN: %bulkhead_clang -fpkey-compartments -O1 %s -DRAW -L%t -ldepraw -ldepgate -Wl,-rpath,%t -o %t/raw
// RUN: %bulkhead_clang -fpkey-compartments -O1 %s -L%t -ldepgate -Wl,-rpath,%t -o %t/gate
// RUN: not %run %t/raw > %t/raw.out 2>&1; FileCheck --check-prefix=STOP %s < %t/raw.out
// RUN: %clang -O1 -shared -fPIC -DLATE='"%t/libdepraw.so"' %S/../dso/Inputs/rev22-ctor-dlopen.c -ldl -o %t/libctor.so
// RUN: %bulkhead_clang -fpkey-compartments -O1 %s -L%t -ldepgate -Wl,--no-as-needed -lctor -Wl,-rpath,%t -o %t/late
// RUN: env BULKHEAD_VM_FILES=%t/libdepraw.so not %run %t/late > %t/late.out 2>&1; FileCheck --check-prefix=STOP %s < %t/late.out
// RUN: env BULKHEAD_ALLOW_DEP_GADGETS=1 BULKHEAD_VERBOSE=1 %run %t/raw 2>&1 | FileCheck --check-prefix=ALLOW %s
// RUN: %run %t/gate | FileCheck --check-prefix=GATE %s
// STOP: bulkhead: error: {{.*}}libdepraw.so+0x{{[0-9a-f]+}} holds WRPKRU bytes that are no checked gate: a code-reuse attack could use them to open every compartment; rebuild that object, or set BULKHEAD_ALLOW_DEP_GADGETS=1 to run anyway
// STOP-NOT: main ran
// ALLOW-DAG: bulkhead: warning: left usable (BULKHEAD_ALLOW_DEP_GADGETS): WRPKRU at {{.*}}libdepraw.so+0x
// ALLOW-DAG: main ran: 7
// GATE: main ran: 7
#include <bulkhead.h>
#include <stdio.h>

int raw_wrpkru(unsigned v);
void checked_gate(void);

BULKHEAD_DATA(vault) static int secret = 7;
BULKHEAD_ENTRY(vault) int vault_get(void) { return secret; }

/* Taken, so the linker keeps the libraries (--as-needed). */
void *volatile keep[] = {
#ifdef RAW
    (void *)raw_wrpkru,
#endif
    (void *)checked_gate};

int main(void) {
  printf("main ran: %d\n", vault_get());
  return 0;
}
