// Entries.cpp - entries split into a body and a thunk under the entry's
// name; variadic entries guarded instead (docs/design.md, step 5).
#include "../include/bulkhead/abi.h"
#include "Annotations.h"
#include "AsmEmitter.h"
#include "AsmText.h"
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
    Function *Thunk = makeThunk(*F, Name, F->getLinkage());
    Thunk->setVisibility(Visibility);
    Thunk->setDSOLocal(DSOLocal);
    Gateways[F] = Thunk;
  }
}

// A function under Name that enters F's compartment and calls F, returning
// to the default domain; called inside the compartment, it just calls F.
Function *Instrumenter::makeThunk(Function &F, const Twine &Name,
                                  GlobalValue::LinkageTypes Linkage) {
  Function *Thunk = newGateway(F, Name, Linkage);
  ++NumThunks;
  // Callers in this module (by an alias's name) reach it through gates
  // into the default domain, as callers elsewhere do.
  Info.record(*Thunk, DefaultDomain);
  LLVMContext &Ctx = M.getContext();
  BasicBlock *Check = BasicBlock::Create(Ctx, "", Thunk);
  BasicBlock *Inside = BasicBlock::Create(Ctx, "inside", Thunk);
  BasicBlock *Outside = BasicBlock::Create(Ctx, "outside", Thunk);
  std::string Sym = symbolFor(domainOf(F));
  IRBuilder<> B(Check);
  B.CreateCondBr(B.CreateICmpNE(holdsDomain(B, Sym), B.getInt32(0)), Inside,
                 Outside);
  forwardCall(Inside, F, *Thunk);
  CallInst *Call = forwardCall(Outside, F, *Thunk);
  if (StackSwitching) {
    switchStacks(*Call, F, {Domain::Default, ""}, domainOf(F));
    return Thunk;
  }
  AsmEmitter Count;
  countCrossing(Count, {Domain::Default, ""}, domainOf(F));
  insertSteps(Call, Count);
  insertGate(Call, Sym);
  insertGate(Call->getNextNode(), BH_SYM_DOMAIN0, /*Scrubbing=*/true);
  cutIntegerResult(*Call);
  return Thunk;
}

// Whether U is the list of llvm.used or llvm.compiler.used, which keeps an
// alias itself.
static bool isUsedList(const User *U) {
  for (const User *UU : U->users())
    if (auto *GV = dyn_cast<GlobalVariable>(UU))
      if (GV->getName() == "llvm.used" || GV->getName() == "llvm.compiler.used")
        return true;
  return false;
}

// An alias is called by its own name, from other files too, which cannot
// tell it from a function: one of compartment code must not lead into that
// code without a gate (attacks-review12-entry-alias.c). An alias of an
// entry aliases its thunk (or a variadic entry's guard); of a
// BULKHEAD_INTERNAL function, a gateway that refuses callers without the
// compartment's rights (internalWrapper, as for a pointer); of any other
// compartment function (a static entry, a whole library's static
// function), a thunk of its own. In this module, where the pass sees the
// function, a call or address of a non-interposable alias is the
// function's, gated or wrapped as such; an interposable (weak) alias's
// calls stay by name (gateIfReplaceable), and its address is the
// function's: a compartment's pointer never follows an override.
// Every alias is judged by the function it finally reaches, through
// aliases of aliases, and local ones too: a global alias of a local alias
// of the code is that code (attacks-review12d-alias-chain.c).
void Instrumenter::redirectAliases() {
  for (GlobalAlias &GA : M.aliases()) {
    auto *F =
        dyn_cast<Function>(GA.getAliasee()->stripPointerCastsAndAliases());
    if (!F || F->hasFnAttribute(WrapperAttr))
      continue; // of data, into the middle of something, or a gateway
    Domain D = domainOf(*F);
    if (D.kind != Domain::Compartment)
      continue;
    Function *&G = Gateways[F];
    if (!G && F->isVarArg()) {
      errorAtGlobal(*F, "", 0,
                    "alias '" + GA.getName() + "' of variadic function '" +
                        sourceName(*F) + "' of " + D.describe() +
                        ": a call by its name from another domain cannot "
                        "enter the compartment (alias an entry instead)");
      continue;
    }
    if (!G && isStrictInternal(*F)) {
      G = newGateway(*F, AliasGatewayPrefix + sourceName(*F),
                     GlobalValue::InternalLinkage);
      Info.record(*G, D);
      internalWrapper(*F, *G);
    } else if (!G) {
      G = makeThunk(*F, ThunkPrefix + sourceName(*F),
                    GlobalValue::InternalLinkage);
    }
    GA.setAliasee(G);
  }
  refuseAsmAliases();
  // Uses of aliases of compartment code in this module: the function's.
  DenseMap<Function *, Function *> Targets;
  for (auto [F, G] : Gateways)
    Targets[G] = F;
  for (GlobalAlias &GA : M.aliases()) {
    auto *G =
        dyn_cast<Function>(GA.getAliasee()->stripPointerCastsAndAliases());
    auto It = G ? Targets.find(G) : Targets.end();
    if (It == Targets.end())
      continue;
    Function *F = It->second;
    bool Replaceable = replaceableName(&GA);
    GA.replaceUsesWithIf(F, [&](Use &U) {
      if (isa<GlobalAlias>(U.getUser()) || isUsedList(U.getUser()))
        return false;
      // The compartment's own calls of a weak alias follow an override.
      auto *Call = dyn_cast<CallBase>(U.getUser());
      return !(Replaceable && Call && Call->isCallee(&U) &&
               domainOf(*Call->getFunction()) == domainOf(*F));
    });
  }
}

// A `.set A, f` (or kin) of compartment code in module-level assembly is an
// alias the IR never sees, so none of the above reaches it: A would be f's
// code, called without a gateway (attacks-review12d-asm-alias-internal.c).
// The text is not rewritten: the module is refused, naming A. An entry's
// name is its thunk by now, and an IR alias's its gateway, so an
// assignment of either is fine; every name counts, global or not (a local
// one binds this module's own calls of a declaration of A).
void Instrumenter::refuseAsmAliases() {
  AsmAliases Asm = readAsmAliases(M.getModuleInlineAsm());
  for (const auto &Equate : Asm.Equates) {
    StringRef Name = Equate.getKey();
    const GlobalValue *GV = M.getNamedValue(Asm.finalTarget(Name));
    const Function *F = dyn_cast_or_null<Function>(GV);
    if (auto *GA = dyn_cast_or_null<GlobalAlias>(GV))
      F = dyn_cast<Function>(GA->getAliasee()->stripPointerCastsAndAliases());
    if (!F || F->hasFnAttribute(WrapperAttr) ||
        domainOf(*F).kind != Domain::Compartment)
      continue;
    errorAtGlobal(*F, "", 0,
                  "module-level assembly of '" + M.getSourceFileName() +
                      "' makes '" + Name + "' a name of '" + sourceName(*F) +
                      "' of " + domainOf(*F).describe() +
                      ", which would run its code without a gateway: alias "
                      "it with __attribute__((alias)) instead, which aliases "
                      "its gateway");
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
  Gateways[&F] = Guard;
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
