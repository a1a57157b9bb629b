// Calls that stay in one domain get no gate: inside a compartment, inside the
// default domain, and into shared library code (libc), which runs with the
// rights of its caller.
// RUN: %clang_bh -O2 -S -o - %s | FileCheck %s
// RUN: %clang_bh_shared -O2 -S -o - %s | FileCheck %s
#include <bulkhead.h>
#include <string.h>

BULKHEAD_DATA(vault) static char secret[16];
BULKHEAD_INTERNAL(vault) int vault_helper(int i);
BULKHEAD_ENTRY(vault) int vault_entry(int i) { return vault_helper(i) + 1; }
BULKHEAD_ENTRY(vault) void vault_copy(char *out) { memcpy(out, secret, sizeof secret); }

int other(int i);
int plain(int i) { return other(i) + 1; }

// CHECK-LABEL: vault_entry:
// CHECK-NOT:   wrpkru
// CHECK:       vault_helper
// CHECK-LABEL: .Lfunc_end0:
// CHECK-LABEL: vault_copy:
// CHECK-NOT:   wrpkru
// CHECK-LABEL: .Lfunc_end1:
// CHECK-LABEL: plain:
// CHECK-NOT:   wrpkru
// CHECK-LABEL: .Lfunc_end2:
