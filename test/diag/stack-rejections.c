// -bulkhead-stacks rejects, at the call, what a trampoline cannot pass:
// stack arguments out of a compartment, arguments it does not classify
// (here a 32-byte vector passed in memory with 32-byte alignment), with
// the callee and both domains named.
// RUN: not %clang_bh -Xclang -load -Xclang %plugin -mllvm -bulkhead-stacks -S -o /dev/null %s 2>&1 | FileCheck %s --implicit-check-not=error:
#include <bulkhead.h>

long outside8(long a, long b, long c, long d, long e, long f, long g, long h) {
  return a + b + c + d + e + f + g + h;
}
typedef float v8f __attribute__((vector_size(32)));
BULKHEAD_ENTRY(vault) float vault_vec(v8f v);

BULKHEAD_ENTRY(vault) long vault_out(void) { return outside8(1, 2, 3, 4, 5, 6, 7, 8); }
// outside8 carries no annotation, so clang recorded no column for this call.
// CHECK: error: bulkhead: -bulkhead-stacks: cannot switch stacks for the call to 'outside8' from compartment 'vault' into the default domain (in function 'vault_out'): 16 bytes of arguments are passed on the stack; only calls from the default domain may pass arguments on the stack

float vec(void) { v8f v = {0}; return vault_vec(v); }
// CHECK: stack-rejections.c:[[@LINE-1]]:{{[0-9]+}}: error: bulkhead: -bulkhead-stacks: cannot switch stacks for the call to 'vault_vec' from the default domain into compartment 'vault' (in function 'vec'): argument 1 is passed by value with alignment above 16
