// C with -fexceptions: a static function's cleanup pad (a shared helper's
// original, only run by the default domain) gets the default domain's
// hand-over and gate; the vault's copy gets the vault's pad
// (helper-original-landing-pad.cpp). -O0 and -O2, the IR verified.
// RUN: %clang_bh -fexceptions -O2 -S -emit-llvm -o - %s | %opt -passes=verify -S -o - | FileCheck %s
// RUN: %clang_bh -fexceptions -O0 -S -emit-llvm -o - %s | %opt -passes=verify -S -o - | FileCheck %s
#include <bulkhead.h>

BULKHEAD_ENTRY(vault) void vault_work(int);
void release(int *p);

static __attribute__((noinline)) void helper(int v) {
  int g __attribute__((cleanup(release))) = v;
  vault_work(v);
}
void use(int v) { helper(v); }
BULKHEAD_ENTRY(vault) void vault_use(int v) { helper(v); }

// CHECK-LABEL: define internal {{.*}}@helper(
// CHECK: landingpad
// CHECK-NEXT: cleanup
// CHECK: call ptr asm sideeffect "leaq __bulkhead_domain0(%rip), %rsi
// CHECK-SAME: jmp __bulkhead_exception_arrives
// CHECK-NEXT: call void asm sideeffect "# skip the gate if the rights are held
// CHECK-SAME: __bulkhead_domain0(%rip), %eax{{.*}}# checked gate\0A{{.*}}wrpkru
// CHECK: {{^}}}
// CHECK-LABEL: define internal {{.*}}@helper.bulkhead.vault(
// CHECK: landingpad
// CHECK: call ptr asm sideeffect "leaq __bulkhead_domain.vault(%rip), %rsi
// CHECK-NEXT: call void asm sideeffect "# trap unless the rights are held
