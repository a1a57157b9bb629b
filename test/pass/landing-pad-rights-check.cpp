// With compartment stacks (the default) a compartment's landing pad is
// reached only with that compartment's rights already held (another
// domain's rights cannot unwind through its frames, on its stack): after
// the exception's hand-over, its pad has no gate but a check that traps
// unless the thread holds them and rsp lies in its arena; a gate there
// gave its rights to a default-domain jump past the hand-over
// (attacks-rev58b-pad-forged-exception.cpp). So too the pad after a
// pointer invoke: one check, no gate. The default domain's pads keep their
// gate (a compartment's exception arrives there with its rights), and so
// do a compartment's without compartment stacks (-bulkhead-stacks=false),
// where another domain's exception arrives at its pads. IR verified, -O0
// and -O2.
// RUN: %clang_bh -x c++ -O2 -S -emit-llvm -o - %s | %opt -passes=verify -S -o - | FileCheck %s --check-prefix=IR
// RUN: %clang_bh -x c++ -O0 -S -emit-llvm -o - %s | %opt -passes=verify -S -o - | FileCheck %s --check-prefix=IR
// RUN: %clang_bh_shared -x c++ -O2 -S -emit-llvm -o - %s | %opt -passes=verify -S -o - | FileCheck %s --check-prefix=IR-SHARED
// RUN: %clang_bh -x c++ -O2 -S -o - %s | FileCheck %s --check-prefix=ASM
// RUN: %clang_bh_shared -x c++ -O2 -S -o - %s | FileCheck %s --check-prefix=ASM-SHARED
#include <bulkhead.h>

extern "C" BULKHEAD_ENTRY(vault) void vault_work(int);
extern void may_throw(int);

// IR-LABEL: define {{.*}}@main_catch(
// IR: landingpad
// IR: jmp __bulkhead_exception_arrives
// IR-NEXT: call void asm sideeffect "{{.*}}# checked gate\0A{{.*}}wrpkru
// IR-SHARED-LABEL: define {{.*}}@main_catch(
// IR-SHARED: landingpad
// IR-SHARED: jmp __bulkhead_exception_arrives
// IR-SHARED-NEXT: call void asm sideeffect "{{.*}}# checked gate\0A{{.*}}wrpkru
extern "C" int main_catch(int v) {
  try {
    vault_work(v);
  } catch (int e) {
    return e;
  }
  return 0;
}

// The vault's pad: the check, whole (no WRPKRU in it), then the pad's code.
// IR-LABEL: define {{.*}}@__bulkhead_body.vault_catch(
// IR: landingpad
// IR: jmp __bulkhead_exception_arrives
// IR-NEXT: call void asm sideeffect "# trap unless the rights are held\0Acmpl $$0, __bulkhead_domain0+{{[0-9]+}}(%rip)\0Aje [[FINE:[0-9]+]]f\0Axorl %ecx, %ecx\0Ardpkru\0Acmpl __bulkhead_domain.vault(%rip), %eax\0Ajne [[TRAP:[0-9]+]]f\0A# check the stack\0Acmpq __bulkhead_domain.vault+{{[0-9]+}}(%rip), %rsp\0Ajbe [[TRAP]]f\0Acmpq __bulkhead_domain.vault+{{[0-9]+}}(%rip), %rsp\0Aja [[TRAP]]f\0Ajmp [[FINE]]f\0A[[TRAP]]:\0Aud2\0A[[FINE]]:\0A"
// IR-NEXT: extractvalue { ptr, i32 }
// IR-SHARED-LABEL: define {{.*}}@__bulkhead_body.vault_catch(
// IR-SHARED: landingpad
// IR-SHARED: jmp __bulkhead_exception_arrives
// IR-SHARED-NEXT: call void asm sideeffect "{{.*}}# checked gate\0A{{.*}}wrpkru
// ASM-LABEL: __bulkhead_body.vault_catch:
// ASM: jmp __bulkhead_exception_arrives
// ASM-NEXT: .Ltmp{{[0-9]+}}:
// ASM-NEXT: #NO_APP
// ASM-NEXT: #APP
// ASM-NEXT: # trap unless the rights are held
// ASM-NEXT: cmpl $0, __bulkhead_domain0+{{[0-9]+}}(%rip)
// ASM-NEXT: je [[AFINE:.Ltmp[0-9]+]]
// ASM-NEXT: xorl %ecx, %ecx
// ASM-NEXT: rdpkru
// ASM-NEXT: cmpl __bulkhead_domain.vault(%rip), %eax
// ASM-NEXT: jne [[ATRAP:.Ltmp[0-9]+]]
// ASM-NEXT: # check the stack
// ASM-NEXT: cmpq __bulkhead_domain.vault+{{[0-9]+}}(%rip), %rsp
// ASM-NEXT: jbe [[ATRAP]]
// ASM-NEXT: cmpq __bulkhead_domain.vault+{{[0-9]+}}(%rip), %rsp
// ASM-NEXT: ja [[ATRAP]]
// ASM-NEXT: jmp [[AFINE]]
// ASM-NEXT: [[ATRAP]]:
// ASM-NEXT: ud2
// ASM-NEXT: [[AFINE]]:
// ASM-SHARED-LABEL: __bulkhead_body.vault_catch:
// ASM-SHARED: jmp __bulkhead_exception_arrives
// ASM-SHARED-NEXT: .Ltmp{{[0-9]+}}:
// ASM-SHARED-NEXT: #NO_APP
// ASM-SHARED-NEXT: #APP
// ASM-SHARED-NEXT: # skip the gate if the rights are held
// ASM-SHARED: # checked gate
// ASM-SHARED: wrpkru
extern "C" BULKHEAD_ENTRY(vault) int vault_catch(int v) {
  try {
    may_throw(v);
  } catch (int e) {
    return e;
  }
  return 0;
}

// After a pointer invoke: the same single check, no gate.
// IR-LABEL: define {{.*}}@__bulkhead_body.vault_pointer(
// IR: landingpad
// IR: jmp __bulkhead_exception_arrives
// IR-NEXT: call void asm sideeffect "# trap unless the rights are held\0Acmpl $$0, __bulkhead_domain0+{{[0-9]+}}(%rip)\0Aje [[FINE:[0-9]+]]f\0Axorl %ecx, %ecx\0Ardpkru\0Acmpl __bulkhead_domain.vault(%rip), %eax\0Ajne [[TRAP:[0-9]+]]f\0A# check the stack\0Acmpq __bulkhead_domain.vault+{{[0-9]+}}(%rip), %rsp\0Ajbe [[TRAP]]f\0Acmpq __bulkhead_domain.vault+{{[0-9]+}}(%rip), %rsp\0Aja [[TRAP]]f\0Ajmp [[FINE]]f\0A[[TRAP]]:\0Aud2\0A[[FINE]]:\0A"
// IR-NEXT: extractvalue { ptr, i32 }
// IR-SHARED-LABEL: define {{.*}}@__bulkhead_body.vault_pointer(
// IR-SHARED: landingpad
// IR-SHARED: jmp __bulkhead_exception_arrives
// IR-SHARED-NEXT: call void asm sideeffect "{{.*}}# checked gate\0A{{.*}}wrpkru
extern "C" BULKHEAD_ENTRY(vault) int vault_pointer(void (*f)(int), int v) {
  try {
    f(v);
  } catch (int e) {
    return e;
  }
  return 0;
}
