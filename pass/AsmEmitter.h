// AsmEmitter.h - the assembly text of gates and trampolines, written as a
// sequence of named steps. Every gate (Gate.cpp) and every trampoline kind
// (Stacks.cpp) is built here; each step leaves a "# step" comment in the
// text, so the emitted assembly (clang -S) reads as the list of steps. The
// offsets and symbols come from the contract, include/bulkhead/abi.h.
//
// The text is LLVM's inline asm dialect: "$" is written "$$".
#ifndef BULKHEAD_PASS_ASMEMITTER_H
#define BULKHEAD_PASS_ASMEMITTER_H

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"

#include <cstdint>
#include <string>

namespace bulkhead {

// -bulkhead-scrub: the registers cleared when control leaves a compartment.
enum class ScrubLevel { None, GPR, Vector };
ScrubLevel scrubLevel();
// False with -bulkhead-scrub=none.
inline bool scrubsRegisters() { return scrubLevel() != ScrubLevel::None; }

class AsmEmitter {
public:
  // A numeric local label of this text (GNU as: defined as "N:", referred
  // to as "Nf" ahead or "Nb" behind). Labels 1 and 2 are the checked
  // gate's own (BH_GATE_PART*), so a label of the allocator never has the
  // gate's text between a reference and its definition resolve to the
  // gate's.
  class Label {
    unsigned N = 0;
    friend class AsmEmitter;

  public:
    std::string ahead() const { return std::to_string(N) + "f"; }
    std::string behind() const { return std::to_string(N) + "b"; }
  };
  Label newLabel();
  AsmEmitter &bind(Label L);

  // "# Name": the step that the following lines do.
  AsmEmitter &step(llvm::StringRef Name);
  // One line (an instruction or directive); its newline is added.
  AsmEmitter &line(const llvm::Twine &Text);
  const std::string &text() const { return Text; }
  // The scrub routines the text calls (scrubRoutineBit, defineScrubRoutines,
  // ScrubRoutines.h).
  unsigned scrubRoutines() const { return ScrubRoutines; }

  // ------------------------------------------------------------- gates

  // The contract's one checked gate (BH_CHECKED_GATE) into the PKRU word
  // Word (an assembly symbol, read %rip-relative). Clobbers eax, ecx, edx.
  AsmEmitter &checkedGate(llvm::StringRef Word);
  // The checked gate, skipped while no compartment is enforced or when the
  // thread already holds Word's rights; with CheckStack, then traps unless
  // rsp lies in the arena of the compartment whose descriptor is Word.
  AsmEmitter &gateIfNeeded(llvm::StringRef Word, bool CheckStack);
  // Traps unless the thread already holds Word's rights (nothing while no
  // compartment is enforced); with CheckStack, also unless rsp lies in the
  // arena of the compartment whose descriptor is Word. No WRPKRU: for
  // places only ever reached with those rights.
  AsmEmitter &trapUnlessHeld(llvm::StringRef Word, bool CheckStack);
  // Sets ZF when the thread holds Word's rights or nothing is enforced.
  AsmEmitter &holdsDomain(llvm::StringRef Word);
  // Jumps to Fail unless Reg lies in the stack arena of the compartment
  // whose descriptor is Desc: (stack_lo, stack_hi]. Here and in
  // lastByteOfStack, Desc is the descriptor's symbol or a register holding
  // its address.
  AsmEmitter &jumpUnlessInArena(llvm::StringRef Desc, llvm::StringRef Reg,
                                Label Fail);
  // Jumps to Fail if the caller's stack pointer (rsp) lies in that arena:
  // an entry's trampoline is the way in from elsewhere, never from the
  // compartment's own stack.
  AsmEmitter &refuseOwnStack(llvm::StringRef Desc, Label Fail);
  // Jumps to Own if the thread holds a compartment's rights and rsp lies in
  // that compartment's stack arena (nothing enforced: no jump). Reads
  // registers and read-only tables only. Clobbers eax, ecx, edx.
  AsmEmitter &jumpIfOwnActivation(Label Own);

  // ------------------------------------------------------------- scrubs

  // Clears the caller-saved registers that carry no argument or result
  // (rsi, rdi, r8-r11; with -bulkhead-scrub=vector all vector and x87
  // registers too); nothing with -bulkhead-scrub=none. The registers it
  // writes are appended to Clobbers as inline asm clobbers (the x87 ones
  // too: a long double result live across it is kept in memory). InPlace:
  // the vector and x87 part as text (BH_SCRUB_VECTORS), not a call of the
  // scrub routine, for code that may hold a compartment's rights on a
  // stack other domains can write, where a pushed return address could be
  // rewritten before the ret.
  AsmEmitter &scrubGateRegisters(std::string &Clobbers, bool InPlace = false);
  // With -bulkhead-scrub=vector, clears the vector registers but
  // xmm0..xmm(Kept-1), and their upper halves where the CPU has AVX, and
  // the x87 registers but st0..st(KeptX87-1) (BH_SCRUB_VECTORS_ST): a
  // call, which pushes onto the current stack.
  AsmEmitter &scrubVectors(unsigned Kept, unsigned KeptX87 = 0);
  // Clears rbx, rbp, r12-r15 (the callee gets none of the caller's).
  AsmEmitter &clearCalleeSaved();

  // -------------------------------------------------- trampolines' steps

  // Pushes rbx, rbp, r12-r15 onto the current stack; with CFI, says so
  // (a trampoline's frame out of a compartment, which unwinding passes
  // through: the rules are relative to the CFA).
  AsmEmitter &saveCalleeSaved(bool WithCFI);
  // Pops what saveCalleeSaved(true) pushed.
  AsmEmitter &restoreCalleeSaved();
  // Pushes the compartment's cookie (descriptor Desc), marked as a static
  // frame's (BH_STATIC_FRAME_MARK); uses r11.
  AsmEmitter &pushMarkedCookie(llvm::StringRef Desc);
  // The first entry of this thread into the compartment of descriptor
  // Desc, whose stack slot operand is Slot: if the slot is empty, the
  // runtime gives the thread a stack there. Out of a compartment
  // (FromCompartment) the runtime runs on the thread's runtime stack with
  // the default domain's rights, the argument registers waiting on the
  // compartment's own stack; BackGate is the text that gets the
  // compartment's rights back before they are reloaded. Refused: no
  // runtime stack.
  AsmEmitter &firstEntry(llvm::StringRef Slot, llvm::StringRef Desc,
                         bool FromCompartment,
                         llvm::function_ref<void(AsmEmitter &)> BackGate,
                         Label Refused);
  // rdx, rcx, rax (arguments; al counts a variadic call's vector registers)
  // into r10, r11, xmm15 while a gate needs eax, ecx and edx, and back.
  AsmEmitter &keepArgsAroundGate();
  AsmEmitter &restoreArgsAfterGate();
  // rax = the callee domain's current stack top, from its slot Slot (rcx
  // keeps the slot's offset, into the default domain). Into a compartment
  // (Desc) it must lie in the arena, 16-aligned, else Refused; the stack's
  // fresh top resets its mark (BH_STACK_HEADER) and voids its kept signal
  // frames (abi.h, BH_STACK_KEPT_BELOW); otherwise above the mark the mark is
  // taken instead. rdx then holds the stack's last byte. Into the default
  // domain, an empty slot means this stack, rounded down to 16.
  AsmEmitter &loadStackTop(llvm::StringRef Slot, llvm::StringRef Desc,
                           bool IntoCompartment, Label Refused);
  // Out = the last byte of the stack of compartment Desc that holds In (in
  // its arena, checked before); the mark's operand from there.
  AsmEmitter &lastByteOfStack(llvm::StringRef Desc, llvm::StringRef In,
                              llvm::StringRef Out);
  static std::string markOperand(llvm::StringRef LastByte);
  // The stack's owner word (abi.h, BH_STACK_OWNER_BELOW).
  static std::string ownerOperand(llvm::StringRef LastByte);
  // Jumps to Refused, where stacks' owners are checked, unless the stack
  // whose last byte is in LastByte is this thread's (its fs base, read
  // into Scratch).
  AsmEmitter &trapUnlessOwner(llvm::StringRef LastByte,
                              llvm::StringRef Scratch, Label Refused);
  // The frame (BH_FRAME_*) below the stack top in rax: the callee domain's
  // old slot, then its slot moved below the frame and Below further bytes
  // (a signal or nested entry must not land on it), then the caller's
  // stack pointer.
  AsmEmitter &writeFrameTop(uint64_t Below);
  // The same into a compartment, after loadStackTop (rdx: the stack's last
  // byte): the old mark goes into the frame too, and the mark moves with
  // the slot (Slot). Clobbers rcx and rdx.
  AsmEmitter &writeCompartmentFrameTop(uint64_t Below, llvm::StringRef Slot);
  // The operand of the frame's field at FrameOffset (BH_FRAME_*) while rax
  // holds the stack top.
  static std::string frameField(unsigned FrameOffset);
  // Back on the callee's stack, rsp at the frame: the callee domain's slot
  // as it was (BH_FRAME_TO_OLD_SLOT), and for a compartment (MarkDesc, its
  // descriptor) its mark (BH_FRAME_TO_OLD_MARK); uses rax and rcx.
  AsmEmitter &restoreSlotFromFrame(llvm::StringRef Slot,
                                   llvm::StringRef MarkDesc = "");
  // Checks the marked cookie at the caller's restored stack pointer
  // against the compartment's (descriptor Desc), or Refused; clears and
  // pops it.
  AsmEmitter &popMarkedCookie(llvm::StringRef Desc, Label Refused);
  // The CFA while running on the callee's stack: the caller's stack pointer
  // saved at SavedAt(%rsp), Above bytes below the return address. Marked:
  // the pointer lies where other domains can write it, and the unwinder
  // checks it against the cookie (include/bulkhead/abi.h,
  // BH_CFA_SAVED_SP_MARK); AtRecord: against a run-time-chosen call's
  // record (BH_RECORD_*) instead, the mark twice.
  AsmEmitter &cfaFromSavedSp(uint64_t SavedAt, unsigned Above, bool Marked,
                             bool AtRecord = false);
  // A trap for a failed check, at label Refused: the scratch registers are
  // cleared first, since a handler of the SIGILL reads them from its signal
  // frame (a cookie was left in rcx: found in review).
  AsmEmitter &refusedTrap(Label Refused);

  // ------------------------------------------------------------ counting

  // With BULKHEAD_STATS=1 (the default descriptor's counting word), adds 1
  // to the counter at Field (BH_STATS_*) of the counters Stats (an
  // assembly symbol); clobbers the flags only.
  AsmEmitter &count(llvm::StringRef Stats, unsigned Field);

private:
  std::string Text;
  unsigned NextLabel = 3; // 1 and 2: the checked gate's
  unsigned ScrubRoutines = 0;
};

} // namespace bulkhead

#endif
