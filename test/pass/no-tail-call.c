// A gated call in tail position must stay a call: a jump would return to our
// caller with the vault's rights still installed.
// RUN: %clang_bh -O2 -S -o - %s | FileCheck %s
// RUN: %clang_bh -O3 -fomit-frame-pointer -S -o - %s | FileCheck %s
#include <bulkhead.h>

BULKHEAD_ENTRY(vault) int vault_get(int i);
int plain(int i);

int gated(int i) { return vault_get(i); }
int ungated(int i) { return plain(i); }

// CHECK-LABEL: gated:
// CHECK-NOT:   jmp {{.*}}vault_get
// CHECK:       callq __bulkhead_body.vault_get
// CHECK:       wrpkru
// CHECK:       ret
// An ordinary call in the same position still becomes a tail call, so the
// check above is meaningful.
// CHECK-LABEL: ungated:
// CHECK:       jmp plain
