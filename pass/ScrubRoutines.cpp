// ScrubRoutines.cpp - see ScrubRoutines.h.
#include "ScrubRoutines.h"
#include "../include/bulkhead/abi.h"

#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InlineAsm.h"
#include "llvm/IR/Module.h"
#include "llvm/Transforms/Utils/ModuleUtils.h"

#include <cassert>
#include <string>

using namespace llvm;

namespace bulkhead {

#define TEXT(KEPT, ST) BH_SCRUB_VECTORS_ST("$$", "%", #KEPT, #ST) "retq"
#define ROW(ST)                                                                \
  {TEXT(0, ST), TEXT(1, ST), TEXT(2, ST), TEXT(3, ST), TEXT(4, ST),            \
   TEXT(5, ST), TEXT(6, ST), TEXT(7, ST), TEXT(8, ST)}
static const char *const Texts[MaxKeptX87 + 1][MaxKeptVectors + 1] = {
    ROW(0), ROW(1), ROW(2)};
#undef ROW
#undef TEXT

std::string scrubRoutineName(unsigned Kept, unsigned KeptX87) {
  std::string Name = BH_SYM_SCRUB_VECTORS_PREFIX + std::to_string(Kept);
  if (KeptX87)
    Name += BH_SYM_SCRUB_X87_KEPT + std::to_string(KeptX87);
  return Name;
}

// A call of a routine, not its text at every gate: the text is some 260
// bytes once it clears AVX-512 and x87 state.
void defineScrubRoutines(Module &M, unsigned Used) {
  assert(Used >> scrubRoutineBit(0, MaxKeptX87 + 1) == 0 &&
         "at most 8 vector and 2 x87 registers kept");
  for (unsigned Bit = 0; Used >> Bit; ++Bit) {
    if (!(Used & (1u << Bit)))
      continue;
    unsigned Kept = Bit % (MaxKeptVectors + 1),
             KeptX87 = Bit / (MaxKeptVectors + 1);
    std::string Name = scrubRoutineName(Kept, KeptX87);
    if (M.getFunction(Name))
      continue;
    auto *FT = FunctionType::get(Type::getVoidTy(M.getContext()), false);
    // linkonce_odr: one per link, in every object that calls it (a shared
    // object's included; the runtime's copy of BH_SYM_VECTOR_STATE is
    // there too).
    Function *F =
        Function::Create(FT, GlobalValue::LinkOnceODRLinkage, Name, M);
    F->setVisibility(GlobalValue::HiddenVisibility);
    F->setComdat(M.getOrInsertComdat(Name));
    F->addFnAttr(Attribute::Naked);
    F->addFnAttr(Attribute::NoInline);
    F->addFnAttr(Attribute::NoUnwind);
    // A signal handler's backtrace passes through it: it leaves rsp alone,
    // so the entry's CFI rule holds throughout.
    F->setUWTableKind(UWTableKind::Async);
    appendToCompilerUsed(M, {F}); // called only from inline asm
    IRBuilder<> B(BasicBlock::Create(M.getContext(), "", F));
    B.CreateCall(
        InlineAsm::get(FT, Texts[KeptX87][Kept], "", /*hasSideEffects=*/true));
    B.CreateUnreachable();
  }
}

} // namespace bulkhead
