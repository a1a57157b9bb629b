// Gate.cpp - see Gate.h.
#include "Gate.h"
#include "../include/bulkhead/abi.h"

#include "llvm/IR/DerivedTypes.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InlineAsm.h"
#include "llvm/Support/CommandLine.h"

using namespace llvm;

namespace bulkhead {

enum class Scrub { None, GPR, Vector };
static cl::opt<Scrub> ScrubLevel(
    "bulkhead-scrub",
    cl::desc("Registers cleared when control leaves a compartment"),
    cl::values(clEnumValN(Scrub::None, "none", "none"),
               clEnumValN(Scrub::GPR, "gpr",
                          "caller-saved general-purpose registers (default)"),
               clEnumValN(Scrub::Vector, "vector",
                          "and the SSE/AVX registers xmm0-15 (ymm upper "
                          "halves too, as the xorps is VEX-encoded on AVX)")),
    cl::init(Scrub::GPR));

// Clears the caller-saved registers that carry no argument or result at a
// gate: whatever the compartment left in them stays behind. rax, rcx and
// rdx are overwritten by the gate itself; the clobbers make the compiler
// keep live values (arguments, results) elsewhere across the gate.
static void addScrub(std::string &Asm, std::string &Clobbers) {
  if (ScrubLevel == Scrub::None)
    return;
  // 32-bit xor clears the whole 64-bit register.
  static const char *const Regs[][2] = {{"esi", "rsi"}, {"edi", "rdi"},
                                        {"r8d", "r8"},   {"r9d", "r9"},
                                        {"r10d", "r10"}, {"r11d", "r11"}};
  for (const auto &R : Regs) {
    Asm += std::string("xorl %") + R[0] + ", %" + R[0] + "\n";
    Clobbers += std::string(",~{") + R[1] + "}";
  }
  if (ScrubLevel != Scrub::Vector)
    return;
  for (int I = 0; I < 16; ++I) {
    std::string X = "%xmm" + std::to_string(I);
    Asm += "xorps " + X + ", " + X + "\n";
    Clobbers += ",~{xmm" + std::to_string(I) + "}";
  }
}

std::string inArenaAsm(StringRef DomainSymbol, StringRef Reg,
                       StringRef Fail) {
  std::string Desc = DomainSymbol.str(), R = Reg.str(), F = Fail.str();
  return "cmpq " + Desc + "+" BH_STR(BH_DOMAIN_STACK_LO) "(%rip), " + R +
         "\njbe " + F + "\ncmpq " + Desc + "+" BH_STR(BH_DOMAIN_STACK_HI) "(%rip), " +
         R + "\nja " + F + "\n";
}

bool scrubsRegisters() { return ScrubLevel != Scrub::None; }

std::string vectorScrubAsm(unsigned First) {
  std::string Asm;
  if (ScrubLevel == Scrub::Vector)
    for (unsigned I = First; I < 16; ++I)
      Asm += "xorps %xmm" + std::to_string(I) + ", %xmm" + std::to_string(I) + "\n";
  return Asm;
}

// The contract's one gate text (include/bulkhead/abi.h), in LLVM's inline
// asm dialect ("$" written "$$"). Where no compartment is protected (none
// linked in, no PKU, or a shared object's stand-in runtime), the default
// descriptor's `enforced` word is 0 and the gate is skipped: no WRPKRU
// ever runs on a CPU without PKU.
static std::string checkedWrpkru(const std::string &Sym) {
  return BH_GATE_PART1("$$", "%") + Sym + BH_GATE_PART2("$$", "%") + Sym +
         BH_GATE_PART3("$$", "%");
}

static void insertAsm(Instruction *Before, std::string Asm, bool Scrubbing) {
  // The memory clobber keeps loads and stores of compartment data on the
  // side of the gate where the code put them.
  std::string Clobbers =
      "~{eax},~{ecx},~{edx},~{memory},~{dirflag},~{fpsr},~{flags}";
  if (Scrubbing) {
    std::string Scrub;
    addScrub(Scrub, Clobbers);
    Asm = Scrub + Asm;
  }
  auto *Ty = FunctionType::get(Type::getVoidTy(Before->getContext()), false);
  auto *IA = InlineAsm::get(Ty, Asm, Clobbers, /*hasSideEffects=*/true);
  IRBuilder<> B(Before);
  B.CreateCall(IA);
}

std::string checkedGateAsm(StringRef DomainSymbol) {
  return checkedWrpkru(DomainSymbol.str());
}

void insertScrub(Instruction *Before) {
  if (ScrubLevel != Scrub::None)
    insertAsm(Before, "", /*Scrubbing=*/true);
}

void insertGate(Instruction *Before, StringRef DomainSymbol, bool Scrubbing) {
  insertAsm(Before, checkedWrpkru(DomainSymbol.str()), Scrubbing);
}

// While no compartment is protected (BH_SYM_ENFORCED is 0) no PKRU
// instruction runs.
// With CheckStack (re-entering a compartment whose code runs on its own
// stacks), the stack pointer must then lie in the compartment's stack
// arena, or the gate traps: jumped to with a stack the caller prepared, it
// must not run compartment code on it.
static std::string gateIfNeededAsm(const std::string &Sym, bool CheckStack) {
  std::string Asm = "cmpl $$0, " BH_SYM_ENFORCED "(%rip)\n"
                    "je 3f\n"
                    "xorl %ecx, %ecx\n"
                    "rdpkru\n"
                    "cmpl " + Sym + "(%rip), %eax\n"
                    "je 3f\n" +
                    checkedWrpkru(Sym) + "3:";
  if (CheckStack)
    Asm += "\ncmpl $$0, " BH_SYM_ENFORCED "(%rip)\n"
           "je 5f\n" +
           inArenaAsm(Sym, "%rsp", "4f") + "jmp 5f\n4: ud2\n5:";
  return Asm;
}

void insertReenterDefault(Instruction *Before) {
  auto *Ty = FunctionType::get(Type::getVoidTy(Before->getContext()), false);
  IRBuilder<>(Before).CreateCall(InlineAsm::get(
      Ty,
      "callq " BH_SYM_REENTER_DEFAULT,
      "~{memory},~{dirflag},~{fpsr},~{flags}", /*hasSideEffects=*/true));
}

void insertGateIfNeeded(Instruction *Before, StringRef DomainSymbol,
                        bool Scrubbing, bool CheckStack) {
  insertAsm(Before, gateIfNeededAsm(DomainSymbol.str(), CheckStack),
            Scrubbing);
}

void insertGateIfNeededKeeping(CallBase &Call, StringRef DomainSymbol,
                               bool CheckStack) {
  Instruction *After = Call.getNextNode();
  if (Call.getType()->isVoidTy()) {
    insertGateIfNeeded(After, DomainSymbol, false, CheckStack);
    return;
  }
  auto *Ty = FunctionType::get(Call.getType(), {Call.getType()}, false);
  auto *IA = InlineAsm::get(
      Ty, gateIfNeededAsm(DomainSymbol.str(), CheckStack),
      "=r,0,~{eax},~{ecx},~{edx},~{memory},~{dirflag},~{fpsr},~{flags}",
      /*hasSideEffects=*/true);
  CallInst *Kept = IRBuilder<>(After).CreateCall(IA, {&Call});
  Call.replaceUsesWithIf(Kept, [&](Use &U) { return U.getUser() != Kept; });
}

Value *holdsDomain(IRBuilderBase &B, StringRef DomainSymbol) {
  // The answer is the zero flag (an asm flag output), which the branch on
  // it uses directly.
  auto *Ty = FunctionType::get(B.getInt32Ty(), false);
  auto *IA = InlineAsm::get(
      Ty,
      "cmpl $$0, " BH_SYM_ENFORCED "(%rip)\n"
      "je 1f\n"
      "xorl %ecx, %ecx\n"
      "rdpkru\n"
      "cmpl " + DomainSymbol.str() + "(%rip), %eax\n"
      "1:",
      "={@ccz},~{eax},~{ecx},~{edx},~{dirflag},~{fpsr}",
      /*hasSideEffects=*/true);
  return B.CreateCall(IA);
}

} // namespace bulkhead
