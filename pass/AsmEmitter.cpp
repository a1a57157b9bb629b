// AsmEmitter.cpp - see AsmEmitter.h.
#include "AsmEmitter.h"
#include "ScrubRoutines.h"
#include "../include/bulkhead/abi.h"

#include "llvm/Support/CommandLine.h"

#include <cassert>

using namespace llvm;

namespace bulkhead {

static cl::opt<ScrubLevel> Scrub(
    "bulkhead-scrub",
    cl::desc("Registers cleared when control leaves a compartment"),
    cl::values(clEnumValN(ScrubLevel::None, "none", "none"),
               clEnumValN(ScrubLevel::GPR, "gpr",
                          "caller-saved general-purpose registers only"),
               clEnumValN(ScrubLevel::Vector, "vector",
                          "and the vector registers (default): a callee's "
                          "variadic prologue stores xmm0-7 in key-0 memory "
                          "(attacks-vector-spill.c), a signal frame all of "
                          "them (attacks-vector-upper.c)")),
    cl::init(ScrubLevel::Vector));

ScrubLevel scrubLevel() { return Scrub; }

// Bench only (bench/README.md): every WRPKRU and RDPKRU becomes a stand-in
// of the same 3 bytes that keeps the "PKRU" in a per-thread word
// (BH_NOP_WRPKRU, include/bulkhead/abi.h), so that a machine without PKU
// times all a gate does but the PKRU write. Such code protects nothing,
// and bulkhead-scan rejects its gates; it runs only with the runtime built
// likewise (libbulkhead_rt_nopkru.a).
static cl::opt<bool> BenchNopWrpkru(
    "bulkhead-bench-nop-wrpkru", cl::Hidden,
    cl::desc("Benchmarks only: a 3-byte stand-in for each WRPKRU and "
             "RDPKRU (no protection)"),
    cl::init(false));

static const char *rdpkru() {
  return BenchNopWrpkru ? BH_NOP_RDPKRU : "rdpkru";
}

static const char *const CalleeSaved[] = {"rbx", "rbp", "r12",
                                          "r13", "r14", "r15"};

AsmEmitter::Label AsmEmitter::newLabel() {
  Label L;
  L.N = NextLabel++;
  return L;
}

AsmEmitter &AsmEmitter::bind(Label L) {
  assert(L.N >= 3 && "a label of this emitter");
  Text += std::to_string(L.N) + ":\n";
  return *this;
}

AsmEmitter &AsmEmitter::step(StringRef Name) {
  assert(Name.find('$') == StringRef::npos && "no operand in a comment");
  Text += ("# " + Name + "\n").str();
  return *this;
}

AsmEmitter &AsmEmitter::line(const Twine &T) {
  Text += T.str();
  Text += '\n';
  return *this;
}

// -------------------------------------------------------------- gates

// The contract's one gate text (include/bulkhead/abi.h), in LLVM's inline
// asm dialect ("$" written "$$"). Where no compartment is protected (none
// linked in, no PKU, or a shared object's stand-in runtime), the default
// descriptor's `enforced` word is 0 and the gate is skipped: no WRPKRU
// ever runs on a CPU without PKU.
AsmEmitter &AsmEmitter::checkedGate(StringRef Word) {
  step("checked gate");
  Text += BH_GATE_PART1("$$", "%");
  Text += Word;
  Text += BenchNopWrpkru ? BH_GATE_PART2_WITH("$$", "%", BH_NOP_WRPKRU)
                         : BH_GATE_PART2_WITH("$$", "%", BH_WRPKRU);
  Text += Word;
  Text += BH_GATE_PART3("$$", "%");
  return *this;
}

// RDPKRU is far cheaper than WRPKRU: the gate runs only when the rights
// change. With CheckStack (re-entering a compartment whose code runs on
// its own stacks), the stack pointer must then lie in the compartment's
// stack arena, or the gate traps: jumped to with a stack the caller
// prepared, it must not run compartment code on it.
AsmEmitter &AsmEmitter::gateIfNeeded(StringRef Word, bool CheckStack) {
  Label Done = newLabel();
  step("skip the gate if the rights are held");
  line("cmpl $$0, " BH_SYM_ENFORCED "(%rip)");
  line("je " + Done.ahead());
  line("xorl %ecx, %ecx");
  line(rdpkru());
  line("cmpl " + Word + "(%rip), %eax");
  line("je " + Done.ahead());
  checkedGate(Word);
  bind(Done);
  if (!CheckStack)
    return *this;
  Label Trap = newLabel(), Fine = newLabel();
  step("check the stack");
  line("cmpl $$0, " BH_SYM_ENFORCED "(%rip)");
  line("je " + Fine.ahead());
  jumpUnlessInArena(Word, "%rsp", Trap);
  line("jmp " + Fine.ahead());
  bind(Trap);
  line("ud2");
  return bind(Fine);
}

// A gate that opens nothing: where the only legitimate arrival already
// holds the rights, a gate would hand them to whoever jumps there
// (attacks-rev58b-pad-forged-exception.cpp).
AsmEmitter &AsmEmitter::trapUnlessHeld(StringRef Word, bool CheckStack) {
  Label Trap = newLabel(), Fine = newLabel();
  step("trap unless the rights are held");
  line("cmpl $$0, " BH_SYM_ENFORCED "(%rip)");
  line("je " + Fine.ahead());
  line("xorl %ecx, %ecx");
  line(rdpkru());
  line("cmpl " + Word + "(%rip), %eax");
  line("jne " + Trap.ahead());
  if (CheckStack) {
    step("check the stack");
    jumpUnlessInArena(Word, "%rsp", Trap);
  }
  line("jmp " + Fine.ahead());
  bind(Trap);
  line("ud2");
  return bind(Fine);
}

AsmEmitter &AsmEmitter::holdsDomain(StringRef Word) {
  Label Done = newLabel();
  step("holds the rights");
  line("cmpl $$0, " BH_SYM_ENFORCED "(%rip)");
  line("je " + Done.ahead());
  line("xorl %ecx, %ecx");
  line(rdpkru());
  line("cmpl " + Word + "(%rip), %eax");
  return bind(Done);
}

// A descriptor's field: Desc is its symbol, or a register holding its
// address.
static std::string descField(StringRef Desc, unsigned Offset) {
  if (Desc.starts_with("%"))
    return std::to_string(Offset) + "(" + Desc.str() + ")";
  return Desc.str() + "+" + std::to_string(Offset) + "(%rip)";
}

AsmEmitter &AsmEmitter::jumpUnlessInArena(StringRef Desc, StringRef Reg,
                                          Label Fail) {
  line("cmpq " + descField(Desc, BH_DOMAIN_STACK_LO) + ", " + Reg);
  line("jbe " + Fail.ahead());
  line("cmpq " + descField(Desc, BH_DOMAIN_STACK_HI) + ", " + Reg);
  return line("ja " + Fail.ahead());
}

// Right after the gate into the compartment: a jump past it holds no
// rights to use what follows. Jumped to with rsp at a live return address
// of the compartment's own stack, the trampoline's CFI led the
// compartment's unwinder into that frame's catch with the jumper's
// callee-saved registers (attacks-rev59b-entry-sp-forged-unwind.cpp).
AsmEmitter &AsmEmitter::refuseOwnStack(StringRef Desc, Label Fail) {
  Label Fine = newLabel();
  step("the caller is not on the callee's stack");
  line("cmpq " + Desc + "+" BH_STR(BH_DOMAIN_STACK_LO) "(%rip), %rsp");
  line("jbe " + Fine.ahead());
  line("cmpq " + Desc + "+" BH_STR(BH_DOMAIN_STACK_HI) "(%rip), %rsp");
  line("jbe " + Fail.ahead());
  return bind(Fine);
}

// A landing pad of code any domain may run (a helper's original a pointer
// reaches) learns here whose activation it is in before it touches any
// memory: it may hold a compartment's rights on a key-0 stack, so it reads
// the rights (RDPKRU against the index table) and that compartment's arena
// (its descriptor, by the table of compartments: weak and hidden, as in
// the any-trampoline; a match means the runtime defined it).
AsmEmitter &AsmEmitter::jumpIfOwnActivation(Label Own) {
  Label Not = newLabel(), Next = newLabel(), Found = newLabel();
  step("a compartment's own activation: its rights, rsp in its arena");
  line("cmpl $$0, " BH_SYM_ENFORCED "(%rip)");
  line("je " + Not.ahead());
  line("xorl %ecx, %ecx");
  line(rdpkru());
  line("cmpl " BH_SYM_DOMAIN0 "(%rip), %eax");
  line("je " + Not.ahead());
  line("leaq " BH_SYM_INDEX_TABLE "+" BH_STR(BH_INDEX_PKRU) "(%rip), %rdx");
  bind(Next);
  line("cmpl (%rdx,%rcx,4), %eax");
  line("je " + Found.ahead());
  line("incl %ecx");
  line("cmpl $$" BH_STR(BH_MAX_COMPARTMENTS) ", %ecx");
  line("jb " + Next.behind());
  line("jmp " + Not.ahead());
  bind(Found);
  line(".weak " BH_SYM_DOMAIN_TABLE);
  line(".hidden " BH_SYM_DOMAIN_TABLE);
  line("movq " BH_SYM_DOMAIN_TABLE "@GOTPCREL(%rip), %rdx");
  line("cmpq " BH_STR(BH_DOMAIN_TABLE_COUNT) "(%rdx), %rcx");
  line("jae " + Not.ahead());
  line("movq " BH_STR(BH_DOMAIN_TABLE_DOMAINS) "(%rdx,%rcx,8), %rdx");
  line("cmpq " BH_STR(BH_DOMAIN_STACK_LO) "(%rdx), %rsp");
  line("jbe " + Not.ahead());
  line("cmpq " BH_STR(BH_DOMAIN_STACK_HI) "(%rdx), %rsp");
  line("jbe " + Own.ahead());
  return bind(Not);
}

// ------------------------------------------------------------- scrubs

// rax, rcx and rdx are overwritten by the gate itself; the clobbers make
// the compiler keep live values (arguments, results) elsewhere.
AsmEmitter &AsmEmitter::scrubGateRegisters(std::string &Clobbers,
                                           bool InPlace) {
  if (Scrub == ScrubLevel::None)
    return *this;
  step(InPlace ? "scrub in place" : "scrub");
  // 32-bit xor clears the whole 64-bit register.
  static const char *const Regs[][2] = {{"esi", "rsi"},  {"edi", "rdi"},
                                        {"r8d", "r8"},   {"r9d", "r9"},
                                        {"r10d", "r10"}, {"r11d", "r11"}};
  for (const auto &R : Regs) {
    line(Twine("xorl %") + R[0] + ", %" + R[0]);
    Clobbers += std::string(",~{") + R[1] + "}";
  }
  if (Scrub != ScrubLevel::Vector)
    return *this;
  if (InPlace)
    Text += BH_SCRUB_VECTORS("$$", "%", "0");
  else
    scrubVectors(0);
  // The whole of each (an xmm clobber covers its ymm and zmm); the k
  // registers' and xmm16-31's are accepted on any target.
  for (int I = 0; I < 32; ++I)
    Clobbers += ",~{xmm" + std::to_string(I) + "}";
  for (int I = 0; I < 8; ++I)
    Clobbers += ",~{k" + std::to_string(I) + "}";
  // The x87 registers, all eight: the compiler keeps a live long double
  // (a call's result) in memory across the scrub.
  Clobbers += ",~{st}";
  for (int I = 1; I < 8; ++I)
    Clobbers += ",~{st(" + std::to_string(I) + ")}";
  return *this;
}

AsmEmitter &AsmEmitter::scrubVectors(unsigned Kept, unsigned KeptX87) {
  if (Scrub != ScrubLevel::Vector)
    return *this;
  ScrubRoutines |= 1u << scrubRoutineBit(Kept, KeptX87);
  return line("callq " + scrubRoutineName(Kept, KeptX87));
}

AsmEmitter &AsmEmitter::clearCalleeSaved() {
  step("clear callee-saved");
  for (const char *R : {"ebx", "ebp", "r12d", "r13d", "r14d", "r15d"})
    line(Twine("xorl %") + R + ", %" + R);
  return *this;
}

// --------------------------------------------------- trampolines' steps

AsmEmitter &AsmEmitter::saveCalleeSaved(bool WithCFI) {
  step("save callee-saved");
  int Off = -16; // below the return address
  for (const char *R : CalleeSaved) {
    line(Twine("pushq %") + R);
    if (WithCFI) {
      line(".cfi_adjust_cfa_offset 8");
      line(Twine(".cfi_offset %") + R + ", " + Twine(Off));
    }
    Off -= 8;
  }
  return *this;
}

AsmEmitter &AsmEmitter::restoreCalleeSaved() {
  step("restore callee-saved");
  for (int I = 5; I >= 0; --I) {
    line(Twine("popq %") + CalleeSaved[I]);
    line(".cfi_adjust_cfa_offset -8");
  }
  return *this;
}

// The way back of a run-time-chosen call does not take a frame with this
// mark for its record (include/bulkhead/abi.h).
AsmEmitter &AsmEmitter::pushMarkedCookie(StringRef Desc) {
  step("push cookie");
  line("movq " + Desc + "+" BH_STR(BH_DOMAIN_STACK_LO) "(%rip), %r11");
  line("movq -" BH_STR(BH_COOKIE_BELOW) "(%r11), %r11");
  line("xorq $$" BH_STR(BH_STATIC_FRAME_MARK) ", %r11");
  line("pushq %r11");
  line(".cfi_adjust_cfa_offset 8");
  return line("xorl %r11d, %r11d");
}

// The runtime's C code trusts key-0 memory, so out of a compartment it
// runs with the default domain's rights, on the thread's runtime stack
// (runtime/stacks.c); rbx, which the trampoline has saved, keeps the stack
// pointer. The argument registers wait on the compartment's own stack, and
// BackGate runs before they are reloaded: saved on the key-0 runtime stack
// they could be read and rewritten by the default domain (found in review).
AsmEmitter &AsmEmitter::firstEntry(StringRef Slot, StringRef Desc,
                                   bool FromCompartment,
                                   function_ref<void(AsmEmitter &)> BackGate,
                                   Label Refused) {
  Label HasStack = newLabel();
  step("first entry");
  line("movq " + Slot + ", %r11");
  line("cmpq $$0, %fs:(%r11)");
  line("jne " + HasStack.ahead());
  if (!FromCompartment) {
    line("leaq " + Desc + "(%rip), %r10");
    line("callq " BH_SYM_STACK_NEW);
    return bind(HasStack);
  }
  static const char *const Gprs[] = {"rdi", "rsi", "rdx", "rcx",
                                     "r8",  "r9",  "rax"};
  constexpr unsigned Kept = 7 * 8 + 8 * 16; // 7 GPRs, xmm0-7
  static_assert(Kept == 184 && Kept + 8 == 192, "16-aligned with padding");
  line("leaq -192(%rsp), %rsp");
  line(".cfi_adjust_cfa_offset 192");
  for (int I = 0; I < 7; ++I)
    line(Twine("movq %") + Gprs[I] + ", " + Twine(8 * I) + "(%rsp)");
  for (int I = 0; I < 8; ++I)
    line("movdqu %xmm" + Twine(I) + ", " + Twine(56 + 16 * I) + "(%rsp)");
  checkedGate(BH_SYM_DOMAIN0);
  step("first entry: on the runtime stack");
  line("movq %rsp, %rbx");
  line("movq " BH_SYM_RT_STACK "@gottpoff(%rip), %r11");
  line("movq %fs:(%r11), %rsp");
  line("testq %rsp, %rsp");
  line("jz " + Refused.ahead());
  line("movq " + Slot + ", %r11");
  line("leaq " + Desc + "(%rip), %r10");
  line("callq " BH_SYM_STACK_NEW_NOSAVE);
  BackGate(*this);
  step("first entry: back on the caller's stack");
  line("movq %rbx, %rsp");
  line("xorl %ebx, %ebx");
  for (int I = 0; I < 7; ++I)
    line("movq " + Twine(8 * I) + "(%rsp), %" + Gprs[I]);
  for (int I = 0; I < 8; ++I)
    line("movdqu " + Twine(56 + 16 * I) + "(%rsp), %xmm" + Twine(I));
  line("leaq 192(%rsp), %rsp");
  line(".cfi_adjust_cfa_offset -192");
  return bind(HasStack);
}

AsmEmitter &AsmEmitter::keepArgsAroundGate() {
  step("keep arguments around the gate");
  line("movq %rdx, %r10");
  line("movq %rcx, %r11");
  return line("movq %rax, %xmm15");
}

AsmEmitter &AsmEmitter::restoreArgsAfterGate() {
  step("arguments back");
  line("movq %r10, %rdx");
  line("movq %r11, %rcx");
  return line("movq %xmm15, %rax");
}

AsmEmitter &AsmEmitter::loadStackTop(StringRef Slot, StringRef Desc,
                                     bool IntoCompartment, Label Refused) {
  step("load the callee's stack top");
  line("movq " + Slot + ", %rcx");
  line("movq %fs:(%rcx), %rax");
  if (!IntoCompartment)
    return *this;
  jumpUnlessInArena(Desc, "%rax", Refused);
  line("testb $$15, %al");
  line("jnz " + Refused.ahead());
  // The slot is key-0 memory: pointed above the mark (into live frames, a
  // kept signal frame) the frame below would be written over them, so the
  // entry continues at the mark instead. Honest code leaves it above only
  // after a longjmp out of a nested entry to a setjmp in a callback, where
  // the frames between are dead (they stay unused until the callback
  // returns). At the fresh top the mark starts over, and every kept signal
  // frame's record is void, unless a call out still to be returned to
  // lies between the mark and the top: its record holds the compartment's
  // cookie (plain, or marked), which a longjmp or an exception past it
  // voids. A slot pointed at the fresh top of this thread's stack with
  // such frames live continues at the mark (reviews 61a, 61b); at
  // another thread's stack it traps (review 64), even at its fresh top
  // with nothing live: the runtime writes the owner when it gives the
  // stack to a thread (runtime/stacks.c own_stacks). A takeover here was
  // checked before the mark was started over, and the owner could go live
  // in between (review 67b).
  Label Below = newLabel(), NotFresh = newLabel(), Restart = newLabel(),
        Scan = newLabel(), Live = newLabel();
  step("the stack top at or below the mark, or fresh");
  lastByteOfStack(Desc, "%rax", "%rdx");
  trapUnlessOwner("%rdx", "%rcx", Refused);
  line("leaq -" + Twine(BH_STACK_HEADER - 1) + "(%rdx), %rcx");
  line("cmpq %rcx, %rax");
  line("jne " + NotFresh.ahead());
  step("fresh: no call out's record between the mark and the top");
  line("movq " + markOperand("%rdx") + ", %rcx");
  line("testq %rcx, %rcx");
  line("jz " + Restart.ahead()); // never entered
  line("cmpq %rcx, %rax");
  line("jbe " + Restart.ahead()); // nothing live
  line("andq $$-8, %rcx");
  line("movq " + Desc + "+" BH_STR(BH_DOMAIN_STACK_LO) "(%rip), %rax");
  line("movq -" BH_STR(BH_COOKIE_BELOW) "(%rax), %rax");
  bind(Scan);
  line("cmpq (%rcx), %rax");
  line("je " + Live.ahead());
  line("xorq $$" BH_STR(BH_STATIC_FRAME_MARK) ", %rax");
  line("cmpq (%rcx), %rax");
  line("je " + Live.ahead());
  line("xorq $$" BH_STR(BH_STATIC_FRAME_MARK) ", %rax");
  line("addq $$8, %rcx");
  line("cmpq %rdx, %rcx");
  line("jb " + Scan.behind());
  line("leaq -" + Twine(BH_STACK_HEADER - 1) + "(%rdx), %rax");
  bind(Restart);
  line("movq %rax, " + markOperand("%rdx"));
  line("movq $$0, -" + Twine(BH_STACK_KEPT_BELOW - 1) + "(%rdx)");
  line("jmp " + Below.ahead());
  bind(Live);
  line("leaq -" + Twine(BH_STACK_HEADER - 1) + "(%rdx), %rax");
  bind(NotFresh);
  line("cmpq " + markOperand("%rdx") + ", %rax");
  line("jbe " + Below.ahead());
  line("movq " + markOperand("%rdx") + ", %rax");
  return bind(Below);
}

AsmEmitter &AsmEmitter::lastByteOfStack(StringRef Desc, StringRef In,
                                        StringRef Out) {
  static_assert((BH_STACK_SIZE & (BH_STACK_SIZE - 1)) == 0, "a power of 2");
  line("movq " + In + ", " + Out);
  line("subq " + descField(Desc, BH_DOMAIN_STACK_LO) + ", " + Out);
  line("subq $$1, " + Out);
  line("orq $$" + Twine(BH_STACK_SIZE - 1) + ", " + Out);
  return line("addq " + descField(Desc, BH_DOMAIN_STACK_LO) + ", " + Out);
}

std::string AsmEmitter::markOperand(StringRef LastByte) {
  return "-" + std::to_string(BH_STACK_MARK_BELOW - 1) + "(" + LastByte.str() +
         ")";
}

std::string AsmEmitter::ownerOperand(StringRef LastByte) {
  return "-" + std::to_string(BH_STACK_OWNER_BELOW - 1) + "(" +
         LastByte.str() + ")";
}

AsmEmitter &AsmEmitter::trapUnlessOwner(StringRef LastByte, StringRef Scratch,
                                        Label Refused) {
  Label Fine = newLabel();
  step("the stack is this thread's");
  line("cmpl $$0, " BH_SYM_OWNER_CHECK "(%rip)");
  line("je " + Fine.ahead());
  line("rdfsbase " + Scratch);
  line("cmpq " + Scratch + ", " + ownerOperand(LastByte));
  line("jne " + Refused.ahead());
  return bind(Fine);
}

// An offset of the contract's frame at the top T of the callee's stack
// (BH_FRAME_*), as a displacement from T.
static std::string belowTop(unsigned FrameOffset) {
  assert(FrameOffset < BH_FRAME_SIZE);
  return "-" + std::to_string(BH_FRAME_SIZE - FrameOffset);
}

std::string AsmEmitter::frameField(unsigned FrameOffset) {
  return belowTop(FrameOffset) + "(%rax)";
}

AsmEmitter &AsmEmitter::restoreSlotFromFrame(StringRef Slot,
                                             StringRef MarkDesc) {
  if (!MarkDesc.empty()) { // the mark first: the slot stays at or below it
    step("restore the callee's mark");
    lastByteOfStack(MarkDesc, "%rsp", "%rcx");
    line("movq " BH_STR(BH_FRAME_TO_OLD_MARK) "(%rsp), %rax");
    line("movq %rax, " + markOperand("%rcx"));
  }
  step("restore the callee's slot");
  line("movq " BH_STR(BH_FRAME_TO_OLD_SLOT) "(%rsp), %rax");
  line("movq " + Slot + ", %rcx");
  return line("movq %rax, %fs:(%rcx)");
}

// The saved pointer sat in memory other domains can write: the cookie
// shows the frame is the one this trampoline left.
AsmEmitter &AsmEmitter::popMarkedCookie(StringRef Desc, Label Refused) {
  step("check and pop the cookie");
  line("movq " + Desc + "+" BH_STR(BH_DOMAIN_STACK_LO) "(%rip), %rcx");
  line("movq -" BH_STR(BH_COOKIE_BELOW) "(%rcx), %rcx");
  line("xorq $$" BH_STR(BH_STATIC_FRAME_MARK) ", %rcx");
  line("cmpq %rcx, (%rsp)");
  line("jne " + Refused.ahead());
  line("movq $$0, (%rsp)");
  line("addq $$8, %rsp");
  return line(".cfi_adjust_cfa_offset -8");
}

AsmEmitter &AsmEmitter::writeFrameTop(uint64_t Below) {
  step("write the frame");
  line("movq %rax, %rdx");
  line("movq %rdx, " + belowTop(BH_FRAME_TO_OLD_SLOT) + "(%rax)");
  line("subq $$" + Twine(BH_FRAME_SIZE + Below) + ", %rdx");
  line("movq %rdx, %fs:(%rcx)");
  return line("movq %rsp, " + belowTop(BH_FRAME_FROM_SP) + "(%rax)");
}

// The mark moves before the slot: in between, a signal's kept frame goes
// below the lower of the two (runtime/signals.c).
AsmEmitter &AsmEmitter::writeCompartmentFrameTop(uint64_t Below,
                                                 StringRef Slot) {
  step("write the frame, move the mark");
  line("movq " + markOperand("%rdx") + ", %rcx");
  line("movq %rcx, " + belowTop(BH_FRAME_TO_OLD_MARK) + "(%rax)");
  line("leaq -" + Twine(BH_FRAME_SIZE + Below) + "(%rax), %rcx");
  line("movq %rcx, " + markOperand("%rdx"));
  line("movq " + Slot + ", %rdx");
  line("movq %rcx, %fs:(%rdx)");
  line("movq %rax, " + belowTop(BH_FRAME_TO_OLD_SLOT) + "(%rax)");
  return line("movq %rsp, " + belowTop(BH_FRAME_FROM_SP) + "(%rax)");
}

// An exception thrown by the callee unwinds through the trampoline to the
// caller's landing pad: CFA = *(rsp + SavedAt) + Above + 8. Marked (abi.h,
// BH_CFA_SAVED_SP_MARK), the runtime's copy checks the saved pointer first.
AsmEmitter &AsmEmitter::cfaFromSavedSp(uint64_t SavedAt, unsigned Above,
                                       bool Marked, bool AtRecord) {
  assert((Marked || !AtRecord) && "a record's expression is marked");
  std::string Ops = "0x77"; // DW_OP_breg7 (rsp), SLEB128 offset
  uint64_t V = SavedAt;
  unsigned Len = 1;
  while (true) {
    uint8_t Byte = V & 0x7f;
    V >>= 7;
    bool Done = V == 0 && !(Byte & 0x40);
    Ops += ", " + std::to_string(Done ? Byte : Byte | 0x80);
    ++Len;
    if (Done)
      break;
  }
  assert(Above + 8 < 128 && "one byte of ULEB128");
  // DW_OP_deref, DW_OP_plus_uconst
  Ops += ", 0x06, 0x23, " + std::to_string(Above + 8);
  Len += 3;
  for (unsigned I = 0; I < (Marked ? 1u : 0u) + (AtRecord ? 1u : 0u); ++I) {
    Ops += ", " + std::to_string(BH_CFA_SAVED_SP_MARK);
    ++Len;
  }
  // DW_CFA_def_cfa_expression
  return line(".cfi_escape 0x0f, " + Twine(Len) + ", " + Ops);
}

AsmEmitter &AsmEmitter::refusedTrap(Label Refused) {
  step("refused");
  bind(Refused);
  for (const char *R : {"eax", "ecx", "edx", "esi", "r8d", "r9d", "r10d"})
    line(Twine("xorl %") + R + ", %" + R);
  return line("ud2");
}

} // namespace bulkhead

namespace bulkhead {

AsmEmitter &AsmEmitter::count(StringRef Stats, unsigned Field) {
  Label Skip = newLabel();
  step("count");
  line("cmpl $$0, " BH_SYM_COUNTING "(%rip)");
  line("je " + Skip.ahead());
  line("lock incq " + Stats + "+" + Twine(Field) + "(%rip)");
  return bind(Skip);
}

} // namespace bulkhead
