// ScrubRoutines.cpp - see ScrubRoutines.h.
#include "ScrubRoutines.h"
#include "../include/bulkhead/abi.h"

#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InlineAsm.h"
#include "llvm/IR/Module.h"
#include "llvm/Transforms/Utils/ModuleUtils.h"

#include <cassert>
#include <iterator>
#include <string>

using namespace llvm;

namespace bulkhead {

#define TEXT(KEPT) BH_SCRUB_VECTORS("$$", "%", #KEPT) "retq"
static const char *const Texts[] = {TEXT(0), TEXT(1), TEXT(2),
                                    TEXT(3), TEXT(4), TEXT(5),
                                    TEXT(6), TEXT(7), TEXT(8)};
#undef TEXT

// A call of a routine, not its text at every gate: the text is some 200
// bytes once it clears AVX-512 state.
void defineScrubRoutines(Module &M, unsigned Used) {
  assert(Used >> std::size(Texts) == 0 && "at most 8 registers kept");
  for (unsigned Kept = 0; Used >> Kept; ++Kept) {
    if (!(Used & (1u << Kept)))
      continue;
    std::string Name = BH_SYM_SCRUB_VECTORS_PREFIX + std::to_string(Kept);
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
        InlineAsm::get(FT, Texts[Kept], "", /*hasSideEffects=*/true));
    B.CreateUnreachable();
  }
}

} // namespace bulkhead
