// A static helper (shared code: no address taken) is the default domain's
// own copy wherever no compartment calls it. Its calls of default-domain
// functions, and the address of a default function taken inside it, need no
// gate or trampoline: once they got one from "shared" into "default", which
// switched stacks to the very stack it ran on and hung sqlite3 (issue 9).
// Both stack modes, with the IR verifier after the pass.
// RUN: %clang_bh -O0 -S -emit-llvm -Xclang -disable-O0-optnone -o - %s | %opt -passes=verify -S -o - | FileCheck %s
// RUN: %clang_bh -O2 -S -emit-llvm -o - %s | %opt -passes=verify -S -o - | FileCheck %s
// RUN: %clang_bh_shared -O2 -S -emit-llvm -o - %s | FileCheck %s
// RUN: %clang_bh -O2 -S -o - %s | FileCheck %s --check-prefix=ASM
#include <bulkhead.h>
#include <stdlib.h>

BULKHEAD_DATA(vault) static int secret = 1;
BULKHEAD_ENTRY(vault) int vault_get(void) { return secret; }

__attribute__((noinline)) int mutex_enter(int *m) { return ++*m; }
static int compare(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }

static __attribute__((noinline)) int helper(int *m, int *v) {
  qsort(v, 2, sizeof *v, compare);
  return mutex_enter(m);
}
int api(int *m, int *v) { return helper(m, v); }

// CHECK-NOT: __bulkhead_tramp.mutex_enter
// CHECK-NOT: __bulkhead_wrap.compare.vault
// CHECK: __bulkhead_wrap.compare.0
// CHECK-NOT: __bulkhead_tramp.mutex_enter
// ASM-LABEL: helper:
// ASM-NOT:   wrpkru
// ASM-NOT:   __bulkhead_tramp
// ASM:       .Lfunc_end
