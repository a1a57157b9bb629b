// A variadic entry cannot get a thunk (it could not forward `...` and still
// switch back after the call), so the pass warns at its definition and
// puts a guard under its name: called with the compartment's rights (its
// own code, or a caller that saw the annotation and gated the call) it
// forwards `...` with a tail jump; from another domain it stops the
// program. Callers that see the annotation are gated as usual and call the
// body (with per-compartment stacks, through a trampoline that holds the
// gates). runtime/variadic-entry.c runs all three.
// RUN: %clang_bh_shared -O2 -S -o %t.s %s 2>&1 | FileCheck %s
// RUN: FileCheck %s --check-prefix=ASM < %t.s
// RUN: FileCheck %s --check-prefix=GUARD < %t.s
// RUN: %clang_bh -O2 -S -o %t.stacks.s %s 2>&1 | FileCheck %s
// RUN: FileCheck %s --check-prefix=STACKS < %t.stacks.s
// RUN: FileCheck %s --check-prefix=GUARD < %t.stacks.s
// RUN: %clang_bh -O0 -S -emit-llvm -o - %s 2>/dev/null | %opt -passes=verify -disable-output
// RUN: %clang_bh_shared -O0 -S -emit-llvm -o - %s 2>/dev/null | %opt -passes=verify -disable-output
#include <bulkhead.h>

BULKHEAD_DATA(lib) static int calls;
BULKHEAD_ENTRY(lib) int sum(int n, ...) { return n + calls++; }
int use(void) { return sum(2, 1, 2); }

// CHECK: variadic-entry.c:20:25: warning: bulkhead: variadic entry 'sum' of compartment 'lib' has no thunk: a caller must see BULKHEAD_ENTRY(lib) on its declaration, or the call stops the program
// CHECK: 1 warning generated.
// ASM-LABEL: use:
// ASM:       movl __bulkhead_domain.lib(%rip), %eax
// ASM:       wrpkru
// ASM:       callq __bulkhead_body.sum
// ASM:       wrpkru
// STACKS-LABEL: use:
// STACKS:       callq __bulkhead_tramp.__bulkhead_body.sum.0.0
// STACKS-LABEL: {{^}}__bulkhead_tramp.__bulkhead_body.sum.0.0:
// STACKS:       movl __bulkhead_domain.lib(%rip), %eax
// STACKS:       wrpkru
// STACKS:       callq __bulkhead_body.sum
// STACKS:       wrpkru
// GUARD-LABEL: {{^}}sum:
// GUARD:       rdpkru
// GUARD:       jmp __bulkhead_body.sum # TAILCALL
// GUARD:       callq __bulkhead_unsupported_call
