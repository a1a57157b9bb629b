// A variadic entry cannot get a thunk (it could not forward `...` and still
// switch back after the call), so callers that do not see its annotation
// would run it with their own rights: the pass warns at its definition.
// Callers that see the annotation are gated as usual.
// RUN: %clang_bh -O2 -S -o %t.s %s 2>&1 | FileCheck %s
// RUN: FileCheck %s --check-prefix=ASM < %t.s
#include <bulkhead.h>

BULKHEAD_DATA(lib) static int calls;
BULKHEAD_ENTRY(lib) int sum(int n, ...) { return n + calls++; }
int use(void) { return sum(2, 1, 2); }

// CHECK: variadic-entry.c:10:25: warning: bulkhead: variadic entry 'sum' of compartment 'lib' has no thunk: a caller must see BULKHEAD_ENTRY(lib) on its declaration, or the call runs without the compartment's rights
// CHECK: 1 warning generated.
// ASM-LABEL: use:
// ASM:       movl __bulkhead_domain_lib(%rip), %eax
// ASM:       wrpkru
// ASM:       callq sum
// ASM:       wrpkru
