// A shared helper's original (a static function whose address is not
// taken, here also called by the vault, which gets its own copy) is only
// run by the default domain: its landing pads get the default domain's
// hand-over and gate, as a default-domain function's; a compartment's
// exception caught there kept the compartment's rights before
// (attacks-rev59b-helper-catch-rights.cpp). The vault's copy gets the
// vault's pad (with compartment stacks: the check, no gate). An inline
// virtual function (a vtable holds its address) may be run by any domain
// through the pointer: its original's pads, and those of an original it
// calls, get no hand-over or gate without compartment stacks, and with
// them one decided by the stack (helper-any-domain-landing-pad.cpp). Both
// stack modes, -O0 and -O2, the IR verified.
// RUN: %clang_bh -x c++ -O2 -S -emit-llvm -o - %s | %opt -passes=verify -S -o - | FileCheck %s --check-prefixes=CHECK,STACKS
// RUN: %clang_bh -x c++ -O0 -S -emit-llvm -o - %s | %opt -passes=verify -S -o - | FileCheck %s --check-prefixes=CHECK,STACKS
// RUN: %clang_bh_shared -x c++ -O2 -S -emit-llvm -o - %s | %opt -passes=verify -S -o - | FileCheck %s --check-prefixes=CHECK,SHARED
// RUN: %clang_bh_shared -x c++ -O0 -S -emit-llvm -o - %s | %opt -passes=verify -S -o - | FileCheck %s --check-prefixes=CHECK,SHARED
#include <bulkhead.h>

extern "C" BULKHEAD_ENTRY(vault) void vault_throw(long);
extern "C" void may_throw(long);

static __attribute__((noinline)) long helper(long v) {
  try {
    vault_throw(v);
  } catch (long e) {
    return e;
  }
  return 0;
}

// Called by the vtable's function only.
static __attribute__((noinline)) long callee(long v) {
  try {
    may_throw(v);
  } catch (long e) {
    return e;
  }
  return 0;
}

struct Base {
  virtual long run(long v) {
    try {
      may_throw(v);
    } catch (long e) {
      return callee(e);
    }
    return 0;
  }
};

extern "C" long use(long v) { return helper(v); }
extern "C" Base *make(void) { return new Base; }
extern "C" BULKHEAD_ENTRY(vault) long vault_use(long v) { return helper(v); }

// The original: the default domain's hand-over and gate.
// CHECK-LABEL: define internal {{.*}}@_ZL6helperl(
// CHECK: landingpad
// CHECK: call ptr asm sideeffect "leaq __bulkhead_domain0(%rip), %rsi
// CHECK-SAME: jmp __bulkhead_exception_arrives
// (Without compartment stacks the gated invoke's own gate back comes
// first.)
// STACKS-NEXT: call void asm sideeffect "# skip the gate if the rights are held
// SHARED: call void asm sideeffect "# skip the gate if the rights are held
// CHECK-SAME: __bulkhead_domain0(%rip), %eax{{.*}}# checked gate\0A{{.*}}wrpkru
// CHECK: {{^}}}

// The vtable's function, and what it calls: no hand-over, no gate, or
// (with compartment stacks) those the stack decides on.
// CHECK-LABEL: define linkonce_odr {{.*}}@_ZN4Base3runEl(
// CHECK: landingpad
// SHARED-NOT: asm sideeffect
// STACKS: call ptr asm sideeffect "# a compartment's own activation
// STACKS-NOT: asm sideeffect "{{leaq|# skip|# trap|# checked}}
// CHECK: {{^}}}
// CHECK-LABEL: define internal {{.*}}@_ZL6calleel(
// CHECK: landingpad
// SHARED-NOT: asm sideeffect
// STACKS: call ptr asm sideeffect "# a compartment's own activation
// STACKS-NOT: asm sideeffect "{{leaq|# skip|# trap|# checked}}
// CHECK: {{^}}}

// The vault's copy: the vault's pad.
// CHECK-LABEL: define internal {{.*}}@_ZL6helperl.bulkhead.vault(
// CHECK: landingpad
// CHECK: call ptr asm sideeffect "leaq __bulkhead_domain.vault(%rip), %rsi
// STACKS-NEXT: call void asm sideeffect "{{.*}}# trap unless the rights are held
// SHARED-NEXT: call void asm sideeffect "{{.*}}# skip the gate if the rights are held
