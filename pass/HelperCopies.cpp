// HelperCopies.cpp - each compartment's own copies of the helpers it
// calls (docs/design.md, step 2).
#include "../include/bulkhead/abi.h"
#include "Annotations.h"
#include "Diagnostics.h"
#include "Gate.h"
#include "Instrumenter.h"
#include "RecordLayouts.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/Statistic.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Analysis/ValueTracking.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/DerivedTypes.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InlineAsm.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Transforms/Utils/BasicBlockUtils.h"
#include "llvm/Transforms/Utils/Cloning.h"
#include "llvm/Transforms/Utils/ModuleUtils.h"
#include "llvm/Transforms/Utils/ValueMapper.h"

#include <map>

using namespace llvm;

#define DEBUG_TYPE "bulkhead"
STATISTIC(NumHelperCopies, "Helpers copied into compartments");

namespace bulkhead {

// A helper called from compartment code runs with that compartment's rights,
// so the gates inside it (after indirect calls, around calls into other
// domains) must lead back to that compartment, not to the default domain.
// Each compartment therefore gets its own internal copy of every helper it
// calls, classified as its own code; default-domain callers keep the
// original.
void Instrumenter::cloneHelpersForCompartments() {
  SmallVector<Function *, 16> Work;
  for (Function &F : M)
    if (!F.isDeclaration() && domainOf(F).kind == Domain::Compartment)
      Work.push_back(&F);
  std::map<std::pair<Function *, std::string>, Function *> Clones;
  while (!Work.empty()) {
    Function *F = Work.pop_back_val();
    Domain D = domainOf(*F);
    // Calls, and addresses taken (a compartment's qsort comparator that is
    // a helper must be the compartment's copy, wrapped as its code; the
    // original's calls of default-domain code are not gated).
    for (BasicBlock &BB : *F)
      for (Instruction &I : BB)
        for (Use &U : I.operands()) {
          auto *H = dyn_cast<Function>(U.get());
          if (!H || H->isDeclaration() || H->isIntrinsic() ||
              H->hasFnAttribute(WrapperAttr) ||
              domainOf(*H).kind != Domain::Shared)
            continue;
          Function *&Clone = Clones[{H, D.name.str()}];
          if (!Clone) {
            ValueToValueMapTy VM;
            Clone = CloneFunction(H, VM);
            // Its pointer variables point where its original's do: the
            // copy's allocas are new values, and a struct passed out from
            // behind its pointer parameter kept its padding (review 92a,
            // attacks-rev92a-helper-copy-pointer.c).
            for (Instruction &I : instructions(*H))
              if (isa<AllocaInst>(I))
                if (Value *Copy = VM.lookup(&I))
                  copyPointerVariable(&I, Copy);
            ++NumHelperCopies;
            Clone->setName(H->getName() + ".bulkhead." + D.name);
            Clone->setLinkage(GlobalValue::InternalLinkage);
            Clone->setVisibility(GlobalValue::DefaultVisibility);
            Clone->setComdat(nullptr);
            Info.record(*Clone, D);
            Work.push_back(Clone);
          }
          U.set(Clone);
        }
  }
  // Originals only compartments called are gone now: drop them, so they are
  // not checked as default-domain callers of what they call.
  for (auto &[Key, Clone] : Clones) {
    Function *H = Key.first;
    if (Info.knows(*H) && H->use_empty() && H->isDiscardableIfUnused()) {
      Info.forget(*H);
      H->eraseFromParent();
    }
  }
}

// A helper's original whose address is left after the copies took theirs
// (a vtable's inline virtual function, a pointer made by default-domain
// code) may be called through it by a compartment, with its rights, on
// its stack; so may every original it calls. The others are only run by
// the default domain.
void Instrumenter::findHelpersRunByAnyDomain() {
  SmallVector<Function *, 8> Work;
  for (Function &F : M)
    if (!F.isDeclaration() && domainOf(F).kind == Domain::Shared &&
        F.hasAddressTaken(nullptr, /*IgnoreCallbackUses=*/false,
                          /*IgnoreAssumeLikeCalls=*/true,
                          /*IgnoreLLVMUsed=*/true))
      Work.push_back(&F);
  while (!Work.empty()) {
    Function *F = Work.pop_back_val();
    if (!RunByAnyDomain.insert(F).second)
      continue;
    for (BasicBlock &BB : *F)
      for (Instruction &I : BB)
        if (auto *Call = dyn_cast<CallBase>(&I))
          if (auto *H = dyn_cast<Function>(
                  Call->getCalledOperand()->stripPointerCastsAndAliases()))
            if (!H->isDeclaration() && !H->hasFnAttribute(WrapperAttr) &&
                domainOf(*H).kind == Domain::Shared)
              Work.push_back(H);
  }
}

} // namespace bulkhead
