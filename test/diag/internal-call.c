// Calling a BULKHEAD_INTERNAL function from another domain is an error at the
// call's file:line:col, with or without -g, and the compile fails.
// RUN: not %clang_bh -O2 -c -o /dev/null %s 2>&1 | FileCheck %s
// RUN: not %clang_bh -O0 -g -c -o /dev/null %s 2>&1 | FileCheck %s
#include <bulkhead.h>

BULKHEAD_INTERNAL(vault) int mix(int i);
BULKHEAD_INTERNAL(keys) int rotate(int i);

BULKHEAD_ENTRY(vault) int vault_ok(int i) { return mix(i); }

int from_default(int i) {
  return mix(i);
}

BULKHEAD_ENTRY(vault) int from_vault(int i) {
  return rotate(i);
}

// CHECK: internal-call.c:13:10: error: bulkhead: call to 'mix', internal to compartment 'vault', from the default domain (function 'from_default'); only code of compartment 'vault' may call it
// CHECK: internal-call.c:17:10: error: bulkhead: call to 'rotate', internal to compartment 'keys', from compartment 'vault' (function 'from_vault'); only code of compartment 'keys' may call it
// CHECK-NOT: error:
// CHECK: 2 errors generated.
