// The address of an internal function escaping its compartment is a compile
// error at the place it escapes; so is taking the address of a variadic
// compartment function, as calls through it could not be gated.
// RUN: not %clang_bh -O2 -c -o /dev/null %s 2>&1 | FileCheck %s
#include <bulkhead.h>

BULKHEAD_INTERNAL(vault) int mix(int);
BULKHEAD_ENTRY(vault) int vault_log(const char *fmt, ...);
void register_cb(int (*)(int));
void register_log(int (*)(const char *, ...));

void leak_internal(void) {
  register_cb(mix);
}
// CHECK-DAG: address-escape.c:{{[0-9]+}}:{{[0-9]+}}: error: bulkhead: address of 'mix', internal to compartment 'vault', escapes to the default domain (in function 'leak_internal')

int (*stored)(int) = mix;
// CHECK-DAG: error: bulkhead: address of 'mix', internal to compartment 'vault', escapes to the default domain (in the initializer of 'stored')

BULKHEAD_ENTRY(vault) void fine(void) { register_cb(mix); }

void variadic(void) {
  register_log(vault_log);
}
// CHECK-DAG: address-escape.c:{{[0-9]+}}:{{[0-9]+}}: error: bulkhead: address of variadic function 'vault_log' of compartment 'vault' is taken; calls through a pointer cannot enter a compartment with variable arguments (make a non-variadic entry, e.g. taking a va_list) (in function 'variadic')

// A default-domain variadic function needs no wrapper: no error.
int default_log(const char *fmt, ...) { return fmt != 0; }
void variadic_default(void) { register_log(default_log); }
// CHECK-NOT: default_log
// CHECK: 3 errors generated.
