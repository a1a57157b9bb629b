// A gated call in tail position must stay a call: a jump would return to our
// caller with the vault's rights still installed. With per-compartment
// stacks the call goes to a trampoline (which holds the gates), and stays a
// call too.
// RUN: %clang_bh_shared -O2 -S -o - %s | FileCheck %s --check-prefixes=CHECK,BOTH
// RUN: %clang_bh_shared -O3 -fomit-frame-pointer -S -o - %s | FileCheck %s --check-prefixes=CHECK,BOTH
// RUN: %clang_bh -O2 -S -o - %s | FileCheck %s --check-prefixes=STACKS,BOTH
// RUN: %clang_bh -O3 -fomit-frame-pointer -S -o - %s | FileCheck %s --check-prefixes=STACKS,BOTH
#include <bulkhead.h>

BULKHEAD_ENTRY(vault) int vault_get(int i);
int plain(int i);

int gated(int i) { return vault_get(i); }
int ungated(int i) { return plain(i); }

// BOTH-LABEL:  gated:
// BOTH-NOT:    jmp {{.*}}vault_get
// CHECK:       callq __bulkhead_body.vault_get
// CHECK:       wrpkru
// STACKS:      callq __bulkhead_tramp.__bulkhead_body.vault_get.0.0
// STACKS-NEXT: popq
// BOTH:        ret
// An ordinary call in the same position still becomes a tail call, so the
// check above is meaningful.
// BOTH-LABEL:  ungated:
// BOTH:        jmp plain
