// Gate.h - the checked PKRU gate, as inline assembly in the IR (its text
// from AsmEmitter, which also builds the trampolines' gates).
#ifndef BULKHEAD_PASS_GATE_H
#define BULKHEAD_PASS_GATE_H

#include "llvm/ADT/StringRef.h"
#include <string>

namespace llvm {
class CallBase;
class Instruction;
class IRBuilderBase;
class Value;
} // namespace llvm

namespace bulkhead {

class AsmEmitter;

// Inserts, before `Before`, a gate that switches the running thread's PKRU to
// the rights of the domain whose descriptor symbol is `DomainSymbol`:
//
//   xorl %ecx,%ecx; xorl %edx,%edx     WRPKRU needs ecx = edx = 0
//   movl SYM(%rip),%eax                the intended PKRU, from a page the
//   wrpkru                             runtime made read-only at start-up
//   cmpl SYM(%rip),%eax                jumping straight to the WRPKRU with
//   je 1f; ud2; 1:                     another eax traps here (ERIM's check)
//
// and records the WRPKRU's address in the .bulkhead.gates manifest: the
// contract's one gate text (BH_CHECKED_GATE, include/bulkhead/abi.h), which
// the runtime's gates use too.
// With `Scrubbing`, the gate first clears the caller-saved registers that
// carry no argument or result (-bulkhead-scrub=none|gpr|vector): for gates
// through which control leaves a compartment.
void insertGate(llvm::Instruction *Before, llvm::StringRef DomainSymbol,
                bool Scrubbing = false);

// The same gate, skipped when the thread already holds that domain's rights
// (RDPKRU is far cheaper than WRPKRU) or when the process runs no
// compartments. For places where the domain may not change: function-pointer
// wrappers, after indirect calls, after setjmp returns.
// With CheckStack, the stack pointer must then lie in the domain's (a
// compartment's) stack arena, or the gate traps.
void insertGateIfNeeded(llvm::Instruction *Before, llvm::StringRef DomainSymbol,
                        bool Scrubbing = false, bool CheckStack = false);

// No gate: a check that traps unless the thread already holds that
// domain's rights (RDPKRU against the descriptor's word; nothing when the
// process runs no compartments); with CheckStack, also unless rsp lies in
// the compartment's stack arena. For places whose only legitimate arrival
// holds the rights already: a compartment's landing pads with compartment
// stacks, where a gate would grant them to a jump from elsewhere.
void insertRightsCheck(llvm::Instruction *Before, llvm::StringRef DomainSymbol,
                       bool CheckStack);

// After a pointer call in default-domain code: a call of the runtime's
// __bulkhead_reenter_default, which (when compartments are enforced) puts
// the default domain's rights back if the callee left others (a corrupted
// pointer to code that returns with a compartment's rights). Out of line,
// five bytes: large programs have thousands of pointer calls.
void insertReenterDefault(llvm::Instruction *Before);

// insertGateIfNeeded right after Call, which hands Call's result through
// the gate in a register: a setjmp's second return may come with rights
// that cannot touch the caller's stack (a compartment's, with per-
// compartment stacks), where -O0 would otherwise spill the result before
// the gate.
void insertGateIfNeededKeeping(llvm::CallBase &Call,
                               llvm::StringRef DomainSymbol,
                               bool CheckStack = false);

// A compartment's integer result narrower than 64 bits, cut to its value
// right after Call (before the gate back there): the bits of the register
// above it are the compartment's (review 81a, attacks-rev81a-small-result-
// bits.c: an aggregate of 1-7 bytes or an int, as the callee truncated a
// wider value), and the caller would carry them in a register it saves.
// For an invoke, at the start of its normal destination, before the gate
// there (given a block of its own when other edges reach it: attacks-
// invoke-narrow-result.cpp). So is each such integer of a struct result
// in two registers: without compartment stacks, a {long; char} kept the
// bytes above its char in rdx (review 84b, attacks-rev84b-struct-result-
// upper.c). Nothing with -bulkhead-scrub=none.
void cutIntegerResult(llvm::CallBase &Call);

// The same for the integer arguments narrower than 64 bits of Call, a call
// out of a compartment, before it: a truncation costs no instruction, so a
// compartment's `(int)x` of a 64-bit x computed in the argument's register
// came with x's upper half, which a variadic callee's prologue stored on
// the key-0 stack (attacks-int-arg-upper.c). So are the float, double and
// half arguments and the vectors narrower than their register, to their
// bytes of it (review 82a, attacks-rev82a-fp-arg-upper.c; reviews 83a,
// 83b), where the vector registers are scrubbed; and the padding bytes of
// a struct passed as integers (Padding.h).
// Nothing with -bulkhead-scrub=none.
void cutIntegerArgs(llvm::CallBase &Call);

// Only the register scrub of a gate leaving a compartment, as inline asm
// before `Before` (nothing with -bulkhead-scrub=none).
void insertScrub(llvm::Instruction *Before);

// The steps of Steps (count steps: they clobber only the flags) as inline
// asm before `Before`; nothing when Steps is empty.
void insertSteps(llvm::Instruction *Before, const AsmEmitter &Steps);

// Emits at B an i32 that is nonzero when the thread already holds the rights
// of the domain whose descriptor is `DomainSymbol`, or when no compartment
// is protected.
llvm::Value *holdsDomain(llvm::IRBuilderBase &B, llvm::StringRef DomainSymbol);

} // namespace bulkhead

#endif
