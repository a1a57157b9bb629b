// OwnCode.cpp - see OwnCode.h.
//
// Each entry is a read-only i32, the offset from itself to the start of a
// function, which is where the function's FDE starts (the runtime matches
// the two). It refers to the function through a private alias, so the
// assembler writes a section-relative reference that no dynamic relocation
// and no interposition can change. It shares the function's comdat: when
// the linker keeps another object's copy of an inline function, the entry
// goes with the discarded copy, and the kept one, if Bulkhead did not
// build it, stays unlisted. `!associated` lets --gc-sections drop it with
// its function. The pass runs last in the optimisation pipeline (and of a
// full LTO link: Plugin.cpp), when inlining has given every function the
// personality it will have; a module it already listed is left as it is.
#include "OwnCode.h"

#include "../include/bulkhead/abi.h"

#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/GlobalAlias.h"
#include "llvm/IR/GlobalVariable.h"
#include "llvm/IR/Metadata.h"
#include "llvm/IR/Module.h"
#include "llvm/Transforms/Utils/ModuleUtils.h"

using namespace llvm;

namespace bulkhead {

PreservedAnalyses OwnCodePass::run(Module &M, ModuleAnalysisManager &) {
  SmallPtrSet<const Function *, 16> Listed;
  for (GlobalVariable &GV : M.globals())
    if (GV.getSection() == BH_SECTION_OWN_CODE)
      if (MDNode *A = GV.getMetadata(LLVMContext::MD_associated))
        if (auto *F = mdconst::dyn_extract_or_null<Function>(A->getOperand(0)))
          Listed.insert(F);

  LLVMContext &Ctx = M.getContext();
  Type *I32 = Type::getInt32Ty(Ctx), *I64 = Type::getInt64Ty(Ctx);
  SmallVector<GlobalValue *, 16> Entries;
  for (Function &F : M) {
    if (F.isDeclaration() || !F.hasPersonalityFn() || Listed.count(&F) ||
        F.hasAvailableExternallyLinkage())
      continue;
    auto *Alias = GlobalAlias::create(GlobalValue::PrivateLinkage,
                                      "__bulkhead.own." + F.getName(), &F);
    auto *Entry = new GlobalVariable(M, I32, /*isConstant=*/true,
                                     GlobalValue::PrivateLinkage, nullptr,
                                     "__bulkhead.own_entry." + F.getName());
    Constant *Offset = ConstantExpr::getSub(
        ConstantExpr::getPtrToInt(Alias, I64),
        ConstantExpr::getPtrToInt(Entry, I64));
    Entry->setInitializer(ConstantExpr::getTrunc(Offset, I32));
    Entry->setSection(BH_SECTION_OWN_CODE);
    Entry->setAlignment(Align(4));
    Entry->setComdat(F.getComdat());
    Entry->setMetadata(LLVMContext::MD_associated,
                       MDNode::get(Ctx, ValueAsMetadata::get(&F)));
    Entries.push_back(Entry);
  }
  if (Entries.empty())
    return PreservedAnalyses::all();
  appendToCompilerUsed(M, Entries);
  return PreservedAnalyses::none();
}

} // namespace bulkhead
