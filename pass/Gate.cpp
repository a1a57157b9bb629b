// Gate.cpp - see Gate.h.
#include "Gate.h"
#include "../runtime/abi.h"

#include "llvm/IR/DerivedTypes.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InlineAsm.h"

using namespace llvm;

namespace bulkhead {

void insertGate(Instruction *Before, StringRef DomainSymbol) {
  std::string Sym = DomainSymbol.str();
  std::string Asm = "xorl %ecx, %ecx\n"
                    "xorl %edx, %edx\n"
                    "movl " + Sym + "(%rip), %eax\n"
                    "1: wrpkru\n"
                    "cmpl " + Sym + "(%rip), %eax\n"
                    "je 2f\n"
                    "ud2\n"
                    "2:\n"
                    ".pushsection " BULKHEAD_GATES_SECTION ",\"R\",@progbits\n"
                    ".quad 1b\n"
                    ".popsection";
  // The memory clobber keeps loads and stores of compartment data on the
  // side of the gate where the code put them.
  auto *Ty = FunctionType::get(Type::getVoidTy(Before->getContext()), false);
  auto *IA = InlineAsm::get(
      Ty, Asm, "~{eax},~{ecx},~{edx},~{memory},~{dirflag},~{fpsr},~{flags}",
      /*hasSideEffects=*/true);
  IRBuilder<> B(Before);
  B.CreateCall(IA);
}

} // namespace bulkhead
