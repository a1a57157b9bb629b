// Unknown or malformed annotations, a compartment name that is not a C
// identifier, two compartments on one symbol, and annotations of the wrong
// kind each get one clear error, and the compile fails.
// RUN: not %clang_bh -c -o /dev/null %s 2>&1 | FileCheck %s
#include <bulkhead.h>

__attribute__((annotate("bulkhead.secret:vault"))) int unknown_kind;
// CHECK-DAG: error: {{.*}}bad-annotations.c:7: bulkhead: unknown annotation 'bulkhead.secret:vault' on 'unknown_kind'

BULKHEAD_DATA(my-vault) int dashed;
// CHECK-DAG: error: {{.*}}bad-annotations.c:10: bulkhead: compartment name 'my-vault' in BULKHEAD_DATA on 'dashed' is not a C identifier

BULKHEAD_DATA(1st) int digit_first;
// CHECK-DAG: compartment name '1st' in BULKHEAD_DATA on 'digit_first' is not a C identifier

BULKHEAD_DATA(a) BULKHEAD_DATA(b) int two;
// CHECK-DAG: 'two' is annotated with two compartments, 'a' and 'b'

BULKHEAD_ENTRY(a) BULKHEAD_INTERNAL(a) int both(void) { return 0; }
// CHECK-DAG: bad-annotations.c:[[@LINE-1]]:44: error: bulkhead: 'both' is annotated both BULKHEAD_ENTRY and BULKHEAD_INTERNAL

BULKHEAD_DATA(a) int data_on_function(void) { return 0; }
// CHECK-DAG: bad-annotations.c:[[@LINE-1]]:22: error: bulkhead: BULKHEAD_DATA on function 'data_on_function'; use BULKHEAD_ENTRY or BULKHEAD_INTERNAL

// (BULKHEAD_ENTRY on a variable is already rejected by clang itself; the
// pass's own check is reached through the raw attribute.)
__attribute__((annotate("bulkhead.entry:a"))) int entry_on_variable;
// CHECK-DAG: BULKHEAD_ENTRY on variable 'entry_on_variable'; use BULKHEAD_DATA

BULKHEAD_DATA(a) _Thread_local int per_thread;
// CHECK-DAG: BULKHEAD_DATA on thread-local variable 'per_thread' is not supported

// CHECK: 8 errors generated.
