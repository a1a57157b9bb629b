// A pointer to an internal function stored, by its compartment's own code,
// in memory the compiler sees is outside the compartment (a default-domain
// global, directly or through a local variable, or another compartment's
// data) is an error at the store; registering one as an exit handler (libc
// calls it in the default domain) is an error at the call. Storing it in
// the compartment's own data, or passing it to a function (qsort), is not.
// RUN: not %clang_bh -O0 -g -c -o /dev/null %s 2>&1 | FileCheck %s
// RUN: not %clang_bh -O2 -g -c -o /dev/null %s 2>&1 | FileCheck %s
// RUN: not %clang_bh -O0 -c -o /dev/null %s 2>&1 | FileCheck %s --check-prefix=NODEBUG
#include <bulkhead.h>
#include <stdlib.h>

BULKHEAD_INTERNAL(vault) static int mix(int x) { return x + 1; }
BULKHEAD_INTERNAL(vault) static void done(void) {}
int (*hook)(int);                          // default domain
struct table { int n; int (*fn)(int); } tables[2];
BULKHEAD_DATA(vault) int (*own_hook)(int); // the vault's
BULKHEAD_DATA(other) int (*other_hook)(int);
void use(int (*)(int));

BULKHEAD_ENTRY(vault) void direct(void) {
  hook = mix;
}
// CHECK-DAG: internal-store.c:[[@LINE-2]]:{{[0-9]+}}: error: bulkhead: address of 'mix', internal to compartment 'vault', is stored in 'hook', outside the compartment (in function 'direct')
// NODEBUG-DAG: internal-store.c:{{[0-9]+}}:{{[0-9]+}}: error: bulkhead: address of 'mix', internal to compartment 'vault', is stored in 'hook', outside the compartment (in function 'direct')

BULKHEAD_ENTRY(vault) void field(int i) {
  tables[i].fn = mix;
}
// CHECK-DAG: internal-store.c:[[@LINE-2]]:{{[0-9]+}}: error: bulkhead: address of 'mix', internal to compartment 'vault', is stored in 'tables', outside the compartment (in function 'field')

BULKHEAD_ENTRY(vault) void via_local(void) {
  int (*local)(int) = mix;
  hook = local;
}
// CHECK-DAG: internal-store.c:[[@LINE-2]]:{{[0-9]+}}: error: bulkhead: address of 'mix', internal to compartment 'vault', is stored in 'hook', outside the compartment (in function 'via_local')

BULKHEAD_ENTRY(vault) void other_compartment(void) {
  other_hook = mix;
}
// CHECK-DAG: internal-store.c:[[@LINE-2]]:{{[0-9]+}}: error: bulkhead: address of 'mix', internal to compartment 'vault', is stored in 'other_hook', outside the compartment (in function 'other_compartment')

BULKHEAD_ENTRY(vault) void at_exit(void) {
  atexit(done);
}
// CHECK-DAG: internal-store.c:[[@LINE-2]]:{{[0-9]+}}: error: bulkhead: address of 'done', internal to compartment 'vault', escapes to the default domain (in function 'at_exit')

BULKHEAD_ENTRY(vault) void fine(void) {
  own_hook = mix;
  use(mix);
}
// CHECK-NOT: 'fine'
// CHECK: 5 errors generated.
// NODEBUG: errors generated.
