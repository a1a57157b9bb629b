// -bulkhead-stacks rejects, at the call, what a trampoline cannot pass:
// stack arguments between two compartments, arguments it does not classify
// (here a 32-byte vector passed in memory with 32-byte alignment), with
// the callee and both domains named. Stack arguments from a compartment
// into the default domain pass (no error for outside8).
// RUN: not %clang_bh -S -o /dev/null %s 2>&1 | FileCheck %s --implicit-check-not=error:
#include <bulkhead.h>

long outside8(long a, long b, long c, long d, long e, long f, long g, long h) {
  return a + b + c + d + e + f + g + h;
}
BULKHEAD_ENTRY(other) long other8(long a, long b, long c, long d, long e, long f, long g, long h);
typedef float v8f __attribute__((vector_size(32)));
BULKHEAD_ENTRY(vault) float vault_vec(v8f v);

BULKHEAD_ENTRY(vault) long vault_out(void) { return outside8(1, 2, 3, 4, 5, 6, 7, 8); }
BULKHEAD_ENTRY(vault) long vault_other(void) { return other8(1, 2, 3, 4, 5, 6, 7, 8); }
// CHECK: stack-rejections.c:[[@LINE-1]]:{{[0-9]+}}: error: bulkhead: -bulkhead-stacks: cannot switch stacks for the call to 'other8' from compartment 'vault' into compartment 'other' (in function 'vault_other'): 16 bytes of arguments are passed on the stack; between two compartments, neither's rights can both read the caller's stack and write the callee's (pass a pointer to a struct)

float vec(void) { v8f v = {0}; return vault_vec(v); }
// CHECK: stack-rejections.c:[[@LINE-1]]:{{[0-9]+}}: error: bulkhead: -bulkhead-stacks: cannot switch stacks for the call to 'vault_vec' from the default domain into compartment 'vault' (in function 'vec'): argument 1 is passed by value with alignment above 16
