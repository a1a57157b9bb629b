// Gate.cpp - see Gate.h.
#include "Gate.h"
#include "../runtime/abi.h"

#include "llvm/IR/DerivedTypes.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InlineAsm.h"

using namespace llvm;

namespace bulkhead {

static std::string checkedWrpkru(const std::string &Sym) {
  return "xorl %ecx, %ecx\n"
         "xorl %edx, %edx\n"
         "movl " + Sym + "(%rip), %eax\n"
         "1: wrpkru\n"
         "cmpl " + Sym + "(%rip), %eax\n"
         "je 2f\n"
         "ud2\n"
         "2:\n"
         ".pushsection " BULKHEAD_GATES_SECTION ",\"R\",@progbits\n"
         ".quad 1b\n"
         ".popsection\n";
}

static void insertAsm(Instruction *Before, const std::string &Asm) {
  // The memory clobber keeps loads and stores of compartment data on the
  // side of the gate where the code put them.
  auto *Ty = FunctionType::get(Type::getVoidTy(Before->getContext()), false);
  auto *IA = InlineAsm::get(
      Ty, Asm, "~{eax},~{ecx},~{edx},~{memory},~{dirflag},~{fpsr},~{flags}",
      /*hasSideEffects=*/true);
  IRBuilder<> B(Before);
  B.CreateCall(IA);
}

void insertGate(Instruction *Before, StringRef DomainSymbol) {
  insertAsm(Before, checkedWrpkru(DomainSymbol.str()));
}

void insertGateIfNeeded(Instruction *Before, StringRef DomainSymbol) {
  std::string Sym = DomainSymbol.str();
  // The default domain's PKRU is 0 exactly when no compartment is protected
  // (none linked in, or running unprotected): then no PKRU instruction runs.
  insertAsm(Before, "cmpl $$0, " BULKHEAD_DOMAIN0 "(%rip)\n"
                    "je 3f\n"
                    "xorl %ecx, %ecx\n"
                    "rdpkru\n"
                    "cmpl " + Sym + "(%rip), %eax\n"
                    "je 3f\n" +
                    checkedWrpkru(Sym) + "3:");
}

Value *holdsDomain(IRBuilderBase &B, StringRef DomainSymbol) {
  auto *Ty = FunctionType::get(B.getInt32Ty(), false);
  auto *IA = InlineAsm::get(
      Ty,
      "cmpl $$0, " BULKHEAD_DOMAIN0 "(%rip)\n"
      "je 1f\n"
      "xorl %ecx, %ecx\n"
      "rdpkru\n"
      "cmpl " + DomainSymbol.str() + "(%rip), %eax\n"
      "1: sete %cl\n"
      "movzbl %cl, $0",
      "=r,~{eax},~{ecx},~{edx},~{dirflag},~{fpsr},~{flags}",
      /*hasSideEffects=*/true);
  return B.CreateCall(IA);
}

} // namespace bulkhead
