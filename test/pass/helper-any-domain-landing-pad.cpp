// A shared helper's original a pointer may reach (an inline virtual
// function in its vtable, an inline function whose address a pointer
// holds, and an original they call) may be run by any domain: by the
// default domain on its key-0 stack, or by a compartment through the
// pointer on its own stack with its rights. With compartment stacks each
// of its landing pads starts with one asm: first whether the thread holds
// a compartment's rights with rsp in that compartment's arena (registers
// and read-only tables only: the default descriptor, the index table, the
// table of compartments, the descriptor); if so nothing else (the
// compartment's own activation), else the default domain's hand-over and
// gate, as a default-domain function's pad (a compartment's exception
// caught in main's activation kept the vault's rights before:
// attacks-rev59c-any-helper-catch-rights.cpp). Nothing else at the pad.
// With compartment stacks, an inline original this module only calls
// (only_called) decides by the stack too: another module may take its
// address, and the linker keeps one module's copy for all (review 62,
// runtime/exceptions-rev62-helper-other-module.cpp); without them it keeps
// the default domain's hand-over and gate.
// Without compartment stacks: no hand-over, no gate of its own, as before. -O0 and
// -O2, the IR verified; the assembly's order at -O2.
// RUN: %clang_bh -x c++ -O2 -S -emit-llvm -o - %s | %opt -passes=verify -S -o - | FileCheck %s --check-prefix=STACKS
// RUN: %clang_bh -x c++ -O0 -S -emit-llvm -o - %s | %opt -passes=verify -S -o - | FileCheck %s --check-prefix=STACKS
// RUN: %clang_bh_shared -x c++ -O2 -S -emit-llvm -o - %s | %opt -passes=verify -S -o - | FileCheck %s --check-prefix=SHARED
// RUN: %clang_bh_shared -x c++ -O0 -S -emit-llvm -o - %s | %opt -passes=verify -S -o - | FileCheck %s --check-prefix=SHARED
// RUN: %clang_bh -x c++ -O2 -S -o - %s | FileCheck %s --check-prefix=ASM
#include <bulkhead.h>

extern "C" BULKHEAD_ENTRY(vault) void vault_throw(long);
extern "C" void may_throw(long);

// Called only by pointed, an original a pointer reaches.
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
      vault_throw(v);
    } catch (long e) {
      return e;
    }
    return 0;
  }
};

inline __attribute__((noinline)) long pointed(long v) {
  try {
    may_throw(v);
  } catch (long e) {
    return callee(e);
  }
  return 0;
}

// Called, never pointed to, in this module.
inline __attribute__((noinline)) long only_called(long v) {
  try {
    may_throw(v);
  } catch (long e) {
    return e;
  }
  return 0;
}

extern "C" Base *make(void) { return new Base; }
long (*volatile pointer)(long) = pointed;
extern "C" long use(long v) { return only_called(v); }


// Its catch's pad, and the cleanup's around the call of callee.
// STACKS-LABEL: define linkonce_odr {{.*}}@_Z7pointedl(
// STACKS: landingpad
// STACKS-NOT: asm sideeffect
// STACKS: call ptr asm sideeffect "# a compartment's own activation
// STACKS-NOT: asm sideeffect
// STACKS: landingpad
// STACKS-NOT: asm sideeffect
// STACKS: call ptr asm sideeffect "# a compartment's own activation
// STACKS-NOT: asm sideeffect
// STACKS: {{^}}}
// STACKS-LABEL: define linkonce_odr {{.*}}@_Z11only_calledl(
// STACKS: landingpad
// STACKS-NOT: asm sideeffect
// STACKS: call ptr asm sideeffect "# a compartment's own activation
// STACKS-NOT: asm sideeffect
// STACKS: {{^}}}
// STACKS-LABEL: define linkonce_odr {{.*}}@_ZN4Base3runEl(
// STACKS: landingpad
// STACKS-NOT: asm sideeffect
// STACKS: call ptr asm sideeffect "# a compartment's own activation: its rights, rsp in its arena
// STACKS-SAME: cmpl $$0, __bulkhead_domain0+12(%rip)\0Aje [[NOT:[0-9]+]]f
// STACKS-SAME: rdpkru\0Acmpl __bulkhead_domain0(%rip), %eax\0Aje [[NOT]]f
// STACKS-SAME: leaq __bulkhead_index_table+0(%rip), %rdx
// STACKS-SAME: movq __bulkhead_domain_table@GOTPCREL(%rip), %rdx
// STACKS-SAME: cmpq 40(%rdx), %rsp\0Ajbe [[NOT]]f\0Acmpq 48(%rdx), %rsp\0Ajbe [[OWN:[0-9]+]]f\0A[[NOT]]:
// STACKS-SAME: leaq __bulkhead_domain0(%rip), %rsi\0A\09leaq 1f(%rip), %r11\0A\09jmp __bulkhead_exception_arrives\0A1:
// STACKS-SAME: # skip the gate if the rights are held
// STACKS-SAME: # checked gate
// STACKS-SAME: wrpkru
// STACKS-SAME: \0A[[OWN]]:\0A"
// STACKS-NOT: asm sideeffect
// STACKS: {{^}}}
// STACKS-LABEL: define internal {{.*}}@_ZL6calleel(
// STACKS: landingpad
// STACKS-NOT: asm sideeffect
// STACKS: call ptr asm sideeffect "# a compartment's own activation
// STACKS-NOT: asm sideeffect
// STACKS: {{^}}}

// (Base::run's pad has the gate back of its gated call of vault_throw.)
// SHARED-LABEL: define linkonce_odr {{.*}}@_Z7pointedl(
// SHARED: landingpad
// SHARED-NOT: {{own activation|exception_arrives}}
// SHARED: {{^}}}
// SHARED-LABEL: define linkonce_odr {{.*}}@_Z11only_calledl(
// SHARED: landingpad
// SHARED-NOT: own activation
// SHARED: call ptr asm sideeffect "leaq __bulkhead_domain0(%rip), %rsi
// SHARED-SAME: jmp __bulkhead_exception_arrives
// SHARED: {{^}}}
// SHARED-LABEL: define linkonce_odr {{.*}}@_ZN4Base3runEl(
// SHARED: landingpad
// SHARED-NOT: {{own activation|exception_arrives}}
// SHARED: {{^}}}
// SHARED-LABEL: define internal {{.*}}@_ZL6calleel(
// SHARED: landingpad
// SHARED-NOT: {{own activation|exception_arrives}}
// SHARED: {{^}}}

// The pad reads no memory before the decision: the exception's and the
// selector's registers only.
// ASM-LABEL: _ZN4Base3runEl:
// ASM: callq __bulkhead_tramp.
// ASM: retq
// ASM-NEXT: .LBB{{[0-9_]+}}:
// ASM-NOT: (%r
// ASM: # a compartment's own activation: its rights, rsp in its arena
// ASM-NEXT: cmpl $0, __bulkhead_domain0+12(%rip)
// ASM-NEXT: je [[NOT:.Ltmp[0-9]+]]
// ASM-NEXT: xorl %ecx, %ecx
// ASM-NEXT: rdpkru
// ASM-NEXT: cmpl __bulkhead_domain0(%rip), %eax
// ASM-NEXT: je [[NOT]]
// ASM-NEXT: leaq __bulkhead_index_table+0(%rip), %rdx
// ASM-NEXT: [[LOOP:.Ltmp[0-9]+]]:
// ASM-NEXT: cmpl (%rdx,%rcx,4), %eax
// ASM-NEXT: je [[FOUND:.Ltmp[0-9]+]]
// ASM-NEXT: incl %ecx
// ASM-NEXT: cmpl $15, %ecx
// ASM-NEXT: jb [[LOOP]]
// ASM-NEXT: jmp [[NOT]]
// ASM-NEXT: [[FOUND]]:
// ASM-NEXT: .weak __bulkhead_domain_table
// ASM-NEXT: .hidden __bulkhead_domain_table
// ASM-NEXT: movq __bulkhead_domain_table@GOTPCREL(%rip), %rdx
// ASM-NEXT: cmpq (%rdx), %rcx
// ASM-NEXT: jae [[NOT]]
// ASM-NEXT: movq 8(%rdx,%rcx,8), %rdx
// ASM-NEXT: cmpq 40(%rdx), %rsp
// ASM-NEXT: jbe [[NOT]]
// ASM-NEXT: cmpq 48(%rdx), %rsp
// ASM-NEXT: jbe [[OWN:.Ltmp[0-9]+]]
// ASM-NEXT: [[NOT]]:
// ASM-NEXT: leaq __bulkhead_domain0(%rip), %rsi
// ASM: jmp __bulkhead_exception_arrives
// ASM: wrpkru
// ASM: [[OWN]]:
// ASM: .cfi_endproc
