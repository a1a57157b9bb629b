// Entries.cpp - entries split into a body and a thunk under the entry's
// name; variadic entries guarded instead (docs/design.md, step 5).
#include "../include/bulkhead/abi.h"
#include "Annotations.h"
#include "AsmEmitter.h"
#include "Diagnostics.h"
#include "Gate.h"
#include "Instrumenter.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/Statistic.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Analysis/ValueTracking.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/DerivedTypes.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InlineAsm.h"
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
STATISTIC(NumThunks, "Entry thunks made");

namespace bulkhead {

// Every entry is split in two: its body, renamed __bulkhead_body.NAME, which
// callers that see the annotation call directly through their own gates, and
// a thunk under the entry's own name for callers that do not see it (an
// unannotated header, a whole library compartmentalized by its build flags).
// The thunk enters the compartment and returns to the default domain; called
// from inside the compartment itself, it just calls the body.
void Instrumenter::splitEntries() {
  SmallVector<Function *, 8> Entries;
  for (const auto &[GV, Ann] : A.all()) {
    auto *F = dyn_cast<Function>(const_cast<GlobalValue *>(GV));
    if (!F || Ann.role != Role::Entry || F->hasLocalLinkage() ||
        F->getName() == "main")
      continue;
    if (!F->isVarArg()) {
      Entries.push_back(F);
    } else if (!F->isDeclaration()) {
      // A thunk cannot forward `...` and still switch back after the call.
      warnAtFunction(*F, "variadic entry '" + F->getName() +
                             "' of compartment '" + Ann.compartment +
                             "' has no thunk: a caller must see "
                             "BULKHEAD_ENTRY(" +
                             Ann.compartment +
                             ") on its declaration, or the call stops the "
                             "program");
      guardVariadicEntry(*F);
    }
  }
  for (Function *F : Entries) {
    std::string Name = F->getName().str();
    GlobalValue::VisibilityTypes Visibility = F->getVisibility();
    bool DSOLocal = F->isDSOLocal();
    F->setName(BodyPrefix + Name);
    // The body stays in its object: callers in other objects (a program
    // and its shared objects) enter through the thunk, with the gates of
    // the object that holds the compartment (docs/shared-objects.md). A
    // caller whose body is in another object fails to link, naming it.
    F->setVisibility(GlobalValue::HiddenVisibility);
    F->setDSOLocal(true);
    if (F->isDeclaration())
      continue; // a caller: it now calls the body, with its own gates
    Function *Thunk = newGateway(*F, Name, F->getLinkage());
    ++NumThunks;
    Thunk->setVisibility(Visibility);
    Thunk->setDSOLocal(DSOLocal);
    LLVMContext &Ctx = M.getContext();
    BasicBlock *Check = BasicBlock::Create(Ctx, "", Thunk);
    BasicBlock *Inside = BasicBlock::Create(Ctx, "inside", Thunk);
    BasicBlock *Outside = BasicBlock::Create(Ctx, "outside", Thunk);
    std::string Sym = symbolFor(domainOf(*F));
    IRBuilder<> B(Check);
    B.CreateCondBr(B.CreateICmpNE(holdsDomain(B, Sym), B.getInt32(0)), Inside,
                   Outside);
    forwardCall(Inside, *F, *Thunk);
    CallInst *Call = forwardCall(Outside, *F, *Thunk);
    if (StackSwitching) {
      switchStacks(*Call, *F, {Domain::Default, ""}, domainOf(*F));
      continue;
    }
    AsmEmitter Count;
    countCrossing(Count, {Domain::Default, ""}, domainOf(*F));
    insertSteps(Call, Count);
    insertGate(Call, Sym);
    insertGate(Call->getNextNode(), BH_SYM_DOMAIN0, /*Scrubbing=*/true);
  }
}

// A variadic entry gets, under its own name, a guard instead of a thunk:
// called with the compartment's rights (the compartment's own code, or a
// caller that saw the annotation and gated the call), it forwards `...`
// with a musttail call; from any other domain it stops the program with
// one line, rather than run the compartment's code with the caller's
// rights. Callers in this module keep calling the body directly.
void Instrumenter::guardVariadicEntry(Function &F) {
  std::string Name = F.getName().str();
  F.setName(BodyPrefix + Name);
  Function *Guard = newGateway(F, Name, F.getLinkage());
  Guard->setVisibility(F.getVisibility());
  Guard->setDSOLocal(F.isDSOLocal());
  LLVMContext &Ctx = M.getContext();
  BasicBlock *Check = BasicBlock::Create(Ctx, "", Guard);
  BasicBlock *Inside = BasicBlock::Create(Ctx, "inside", Guard);
  BasicBlock *Outside = BasicBlock::Create(Ctx, "outside", Guard);
  Domain D = domainOf(F);
  IRBuilder<> B(Check);
  B.CreateCondBr(B.CreateICmpNE(holdsDomain(B, symbolFor(D)), B.getInt32(0)),
                 Inside, Outside);
  forwardCall(Inside, F, *Guard)->setTailCallKind(CallInst::TCK_MustTail);
  B.SetInsertPoint(Outside);
  B.CreateUnreachable();
  stopWithError(Outside->getTerminator(),
                "bulkhead: error: variadic entry '" + Name + "' of " +
                    D.describe() +
                    " called from another domain by code that does not see "
                    "its annotation (a variadic entry has no thunk: "
                    "docs/annotations.md)");
}

} // namespace bulkhead
