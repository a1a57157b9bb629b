// Wrappers.cpp - function-pointer wrappers: every address of a function
// that has a domain is replaced by a wrapper that enters that domain
// (docs/design.md, step 6).
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
STATISTIC(NumWrappers, "Function-pointer wrappers made");

namespace bulkhead {

// The function that a pointer to F created in domain `Creator` points to:
// it enters F's domain, runs F, and returns to the creator's domain, so F
// runs with its own rights whoever calls through the pointer (libc's qsort,
// a signal, a thread start, another compartment). One per (F, creator): a
// pointer made in a compartment and called back by shared code (qsort)
// finds the compartment's rights again on return.
Function *Instrumenter::getOrCreateWrapper(Function &F, const Domain &Creator) {
  std::string Name =
      (BH_SYM_WRAP_PREFIX + sourceName(F) + "." +
       (Creator.kind == Domain::Compartment ? Creator.name : StringRef("0")))
          .str();
  Function *&Slot = Wrappers[Name];
  if (Slot)
    return Slot;
  ++NumWrappers;
  Function *W =
      newGateway(F, Name,
                 F.hasLocalLinkage() ? GlobalValue::InternalLinkage
                                     : GlobalValue::LinkOnceODRLinkage);
  if (isStrictInternal(F)) {
    internalWrapper(F, *W);
    InternalWrappers.push_back({W, &F});
    Slot = W;
    return W;
  }
  if (StackSwitching) // pointer calls from compartments test this range
    W->setSection(BH_SECTION_WRAPPERS);
  // Hundreds in a large program: no unwind table where nothing can unwind.
  if (F.doesNotThrow())
    W->setUWTableKind(UWTableKind::None);
  if (!F.hasLocalLinkage()) {
    // Equal pointers in every module: one wrapper per (F, creator).
    W->setVisibility(GlobalValue::HiddenVisibility);
    W->setComdat(M.getOrInsertComdat(Name));
  }
  if (domainOf(F).kind == Domain::Default && F.hasExternalLinkage()) {
    // The same pointer where F is only declared: a strong definition of
    // that wrapper's name, which overrides theirs (linkonce) in the link.
    // (Not for a weak or linkonce F, which several modules may define.)
    auto *Same = GlobalAlias::create(
        GlobalValue::ExternalLinkage,
        BH_SYM_DECL_WRAP_PREFIX + F.getName() + "." +
            (Creator.kind == Domain::Compartment ? Creator.name
                                                 : StringRef("0")),
        W);
    Same->setVisibility(GlobalValue::HiddenVisibility);
  }
  BasicBlock *At = BasicBlock::Create(M.getContext(), "", W);
  if (StackSwitching)
    switchingWrapperBody(F, *W, Creator, domainOf(F), At, false);
  else
    gatedWrapperBody(F, *W, Creator, domainOf(F), At);
  if (Domain Target = domainOf(F); Target.kind == Domain::Compartment) {
    AsmEmitter Count;
    Count.count(getOrCreateStats(Target.name)->getName(),
                BH_STATS_WRAPPER_CALLS);
    insertSteps(&*W->getEntryBlock().getFirstInsertionPt(), Count);
  }
  Slot = W;
  return W;
}

// Whether a pointer to the declaration F gets a wrapper
// (getOrCreateDeclWrapper). Left as they are: a weak declaration (its
// address may be null, and is tested), a variadic function (`...` cannot
// be forwarded across a gate: it runs as shared code does), the runtime's
// own functions, and functions whose calls warn or fail at compile time.
bool Instrumenter::wrapsDeclaration(const Function &F) {
  return F.isDeclaration() && !F.isIntrinsic() && !F.hasExternalWeakLinkage() &&
         !F.isVarArg() && !F.getName().starts_with("__bulkhead") &&
         !F.getName().starts_with("bulkhead_") &&
         !F.hasFnAttribute("dontcall-error") &&
         !F.hasFnAttribute("dontcall-warn");
}

// The function a pointer to F, only declared here, made in domain
// `Creator` points to. F may be default-domain code of another module or
// object, or libc: the wrapper tests F's marker and import at run time, as
// a compartment's direct call of F does (CallGates.cpp). Set, it is the
// wrapper of a default-domain function; not set, it jumps to F, which
// runs with its caller's rights, as before. It lies outside
// bulkhead_wrappers: a compartment's pointer call reaches it with the
// compartment's rights and stack, so that libc keeps them. One per (F,
// creator), in a comdat: pointers made in one domain compare equal across
// the modules of an executable or object.
Function *Instrumenter::getOrCreateDeclWrapper(Function &F,
                                               const Domain &Creator) {
  std::string Name =
      (BH_SYM_DECL_WRAP_PREFIX + F.getName() + "." +
       (Creator.kind == Domain::Compartment ? Creator.name : StringRef("0")))
          .str();
  Function *&Slot = Wrappers[Name];
  if (Slot)
    return Slot;
  ++NumWrappers;
  Function *W = newGateway(F, Name, GlobalValue::LinkOnceODRLinkage);
  // A pure or const declaration (glibc's strcmp): its wrapper has gates.
  W->removeFnAttr(Attribute::Memory);
  if (F.doesNotThrow())
    W->setUWTableKind(UWTableKind::None);
  W->setVisibility(GlobalValue::HiddenVisibility);
  W->setComdat(M.getOrInsertComdat(Name));
  LLVMContext &Ctx = M.getContext();
  BasicBlock *Entry = BasicBlock::Create(Ctx, "", W);
  BasicBlock *Shared = BasicBlock::Create(Ctx, "shared", W);
  BasicBlock *Default = BasicBlock::Create(Ctx, "default", W);
  IRBuilder<> B(Entry);
  B.CreateCondBr(isDefaultElsewhere(B, F), Default, Shared);
  // The common case (libc) costs a load and a jump.
  forwardCall(Shared, F, *W)->setTailCallKind(CallInst::TCK_Tail);
  if (StackSwitching)
    switchingWrapperBody(F, *W, Creator, DefaultDomain, Default, true);
  else
    gatedWrapperBody(F, *W, Creator, DefaultDomain, Default);
  Slot = W;
  return W;
}

// A local function that calls the declared F, for a table of this
// module's trampoline targets (finishAnyTrampolines), whose entries are
// offsets that must not refer to a symbol of another object.
Function *Instrumenter::getOrCreateForwarder(Function &F) {
  std::string Name = ("__bulkhead_forward." + F.getName()).str();
  Function *&Slot = Wrappers[Name];
  if (Slot)
    return Slot;
  Slot = newGateway(F, Name, GlobalValue::InternalLinkage);
  Slot->removeFnAttr(Attribute::Memory);
  forwardCall(BasicBlock::Create(M.getContext(), "", Slot), F, *Slot)
      ->setTailCallKind(CallInst::TCK_Tail);
  return Slot;
}

// Step of a wrapper's body: at the end of block At, a branch on whether
// the thread holds D's rights; returns the block taken when it does, and
// moves At to the one taken when it does not.
BasicBlock *Instrumenter::ifHolding(BasicBlock *&At, const Domain &D,
                                    StringRef Then, StringRef Else) {
  LLVMContext &Ctx = M.getContext();
  BasicBlock *Yes = BasicBlock::Create(Ctx, Then, At->getParent());
  BasicBlock *No = BasicBlock::Create(Ctx, Else, At->getParent());
  IRBuilder<> B(At);
  B.CreateCondBr(B.CreateICmpNE(holdsDomain(B, symbolFor(D)), B.getInt32(0)),
                 Yes, No);
  At = No;
  return Yes;
}

// With -bulkhead-stacks, F runs on its own domain's stack, entered through
// a trampoline from a domain known here.
void Instrumenter::switchingWrapperBody(Function &F, Function &W,
                                        const Domain &Creator,
                                        const Domain &Target, BasicBlock *At,
                                        bool Declared) {
  // 1. Called inside F's domain (shared code running for it, e.g. qsort):
  //    F right there.
  forwardCall(ifHolding(At, Target, "inside", "check"), F, W)
      ->setTailCallKind(CallInst::TCK_Tail);
  // 2. Called in the creator's domain or in the default domain (where
  //    pointer calls from compartments arrive, pass/Stacks.cpp): through
  //    the trampoline from that domain, which also leads back to it.
  SmallVector<Domain, 2> Froms;
  for (const Domain &D : {Creator, DefaultDomain})
    if (!(D == Target) && (Froms.empty() || !(Froms[0] == D)))
      Froms.push_back(D);
  for (const Domain &From : Froms) {
    CallInst *Sw = forwardCall(ifHolding(At, From, "switch", "check"), F, W);
    std::string Why;
    if (std::optional<uint64_t> Bytes =
            switchableStackBytes(*Sw, From, Target, Why)) {
      Sw->setCalledOperand(getOrCreateTrampoline(F, Sw->getFunctionType(), From,
                                                 Target, *Bytes));
      // Out of a compartment the trampoline clears only the argument
      // registers the callee does not take among rax, rcx and rdx: a call
      // of the compartment's own scrubs and cuts the rest at its site
      // (switchStacks), but here the call site is shared code's, which
      // handed a default-domain callback the vault's vector registers
      // (review 83a, attacks-rev83a-shared-callback-lanes.c).
      if (From.kind == Domain::Compartment) {
        insertScrub(Sw);
        cutIntegerArgs(*Sw);
      }
    } else {
      if (!Declared) // else most are libc's, on a path that never runs
        warnAtFunction(
            F, "the address of '" + sourceName(F) + "' (" + Target.describe() +
                   ") is taken, but a call "
                   "through it from " +
                   From.describe() + " cannot switch stacks: " + Why +
                   "; such a call stops the program");
      stopWithError(Sw, "bulkhead: error: call of '" + sourceName(F).str() +
                            "' through a pointer from " + From.describe() +
                            ": " + Why);
    }
  }
  // 3. Called with a third compartment's rights (shared code running for
  //    it): through the trampoline that finds that compartment at run time
  //    (Stacks.cpp).
  CallInst *Any = forwardCall(At, Declared ? *getOrCreateForwarder(F) : F, W);
  std::string Why;
  std::optional<uint64_t> Bytes =
      switchableStackBytes(*Any, DefaultDomain, Target, Why);
  if (Bytes && !*Bytes)
    callThroughAny(*Any, Target);
  else
    stopWithError(Any, "bulkhead: error: '" + sourceName(F).str() + "' (" +
                           Target.describe() +
                           ") called through a "
                           "pointer from a compartment found at run time, "
                           "with arguments that cannot cross: " +
                           (Bytes ? "arguments on the stack" : Why));
}

// With shared stacks, the way back is chosen by the rights the wrapper was
// entered with, each path ending in a fixed gate. (Returning to the creator
// whoever called would hand the creator's rights to any caller of a
// corrupted function pointer.)
void Instrumenter::gatedWrapperBody(Function &F, Function &W,
                                    const Domain &Creator, const Domain &Target,
                                    BasicBlock *At) {
  BasicBlock *FromCreator =
      ifHolding(At, Creator, "from_creator", "not_creator");
  BasicBlock *Inside = ifHolding(At, Target, "inside", "elsewhere");
  // 1. Called with the creator's rights: into F's domain, back to the
  //    creator's.
  insertGatesAround(forwardCall(FromCreator, F, W), Target, Creator,
                    Creator.kind == Domain::Compartment);
  // 2. Called inside F's domain: no switch.
  forwardCall(Inside, F, W);
  // 3. Called elsewhere, so with a compartment's rights: into F's domain,
  //    scrubbed (review 79a: a vault's pointer call out left its key in
  //    xmm1-3 for the default-domain callee to spill,
  //    attacks-rev79a-pointer-callout-nostacks.c), back to the default
  //    domain.
  insertGatesAround(forwardCall(At, F, W), Target, DefaultDomain,
                    /*FromCompartment=*/true);
}

// The wrapper of an internal function F: it calls F only for a caller that
// already holds F's compartment's rights (shared code such as qsort running
// for it, or the compartment's own pointer calls), and stops any other
// caller: entering the compartment for whoever holds the pointer would make
// a corrupted pointer an oracle. It is not in the bulkhead_wrappers range,
// so the compartment's own pointer calls reach it directly, with its rights
// and on its stack (pass/Stacks.cpp).
void Instrumenter::internalWrapper(Function &F, Function &W) {
  LLVMContext &Ctx = M.getContext();
  BasicBlock *Entry = BasicBlock::Create(Ctx, "", &W);
  BasicBlock *Inside = BasicBlock::Create(Ctx, "inside", &W);
  BasicBlock *Outside = BasicBlock::Create(Ctx, "outside", &W);
  IRBuilder<> B(Entry);
  B.CreateCondBr(
      B.CreateICmpNE(holdsDomain(B, symbolFor(domainOf(F))), B.getInt32(0)),
      Inside, Outside);
  CallInst *Call = forwardCall(Inside, F, W);
  Call->setTailCallKind(CallInst::TCK_Tail);
  if (const GlobalValue *Name = replaceableName(&F))
    gateIfReplaced(*Call, const_cast<GlobalValue &>(*Name), domainOf(F));
  B.SetInsertPoint(Outside);
  Instruction *Stop = B.CreateUnreachable();
  stopWithError(Stop, "bulkhead: error: '" + sourceName(F).str() +
                          "', internal to " + domainOf(F).describe() +
                          ", called through a pointer without the "
                          "compartment's rights");
  IRBuilder<>(Stop).CreateIntrinsic(Intrinsic::trap, ArrayRef<Type *>(),
                                    ArrayRef<Value *>());
}

// A wrapper's gates around its call of F: into F's domain (scrubbing the
// caller's registers when it may be a compartment), back to Back's, each
// skipped when the thread already holds those rights.
void Instrumenter::insertGatesAround(CallInst *Call, const Domain &Target,
                                     const Domain &Back, bool FromCompartment) {
  AsmEmitter Count;
  countCrossing(Count, Back, Target);
  insertSteps(Call, Count);
  insertGateIfNeeded(Call, symbolFor(Target), FromCompartment);
  insertGateIfNeeded(Call->getNextNode(), symbolFor(Back),
                     Target.kind == Domain::Compartment);
  if (Target.kind == Domain::Compartment)
    cutIntegerResult(*Call);
}

// C with every function that has a domain replaced by its wrapper for
// `Creator`; C itself if it names none. An internal function reaching
// another domain this way is an error.
Constant *Instrumenter::wrapFunctionsIn(Constant *C, const Domain &Creator,
                                        function_ref<void(const Twine &)> Error,
                                        bool WrapDeclarations) {
  ValueToValueMapTy VM;
  SmallVector<const Constant *, 8> Work{C};
  SmallPtrSet<const Constant *, 8> Seen;
  while (!Work.empty()) {
    const Constant *Cur = Work.pop_back_val();
    if (!Seen.insert(Cur).second)
      continue;
    // An alias's address is its function's, wrapped. A weak one may be
    // replaced by another object's definition, which the pointer then
    // does not follow: left raw, it ran default-domain code with a
    // compartment's rights (attacks-review12-weak-alias-pointer.c). An
    // alias of compartment code is its function here already
    // (redirectAliases).
    const Function *F = dyn_cast<Function>(Cur);
    if (auto *GA = dyn_cast<GlobalAlias>(Cur))
      F = dyn_cast<Function>(GA->getAliasee()->stripPointerCastsAndAliases());
    if (F) {
      Function &Fn = const_cast<Function &>(*F);
      Domain D = domainOf(Fn);
      if (Fn.isIntrinsic() || Fn.hasFnAttribute(WrapperAttr))
        continue;
      if (D.kind == Domain::Shared) {
        // Only declared here: maybe default-domain code elsewhere.
        if (WrapDeclarations && wrapsDeclaration(Fn))
          VM[Cur] = getOrCreateDeclWrapper(Fn, Creator);
        continue;
      }
      // Also for exit handlers: libc calls them in the default domain,
      // which an internal function's wrapper refuses (internalWrapper). A
      // whole library's static functions (constructors too) are reachable
      // through their wrappers, as entries are.
      if (isStrictInternal(Fn) && !(D == Creator)) {
        Error("address of '" + sourceName(Fn) + "', internal to " +
              D.describe() + ", escapes to " + Creator.describe());
        continue;
      }
      if (Fn.isVarArg()) {
        // A default-domain function needs no wrapper; called through the
        // pointer from a compartment it runs as shared code does. A
        // compartment's cannot be entered through one: `...` cannot be
        // forwarded across a gate.
        if (D.kind == Domain::Compartment)
          Error("address of variadic function '" + sourceName(Fn) + "' of " +
                D.describe() +
                " is taken; calls through a pointer cannot "
                "enter a compartment with variable arguments (make a "
                "non-variadic entry, e.g. taking a va_list)");
        continue;
      }
      VM[Cur] = getOrCreateWrapper(Fn, Creator);
      continue;
    }
    if (isa<GlobalValue>(Cur))
      continue;
    for (const Use &Op : Cur->operands())
      if (auto *OpC = dyn_cast<Constant>(Op.get()))
        Work.push_back(OpC);
  }
  if (VM.empty())
    return C;
  return MapValue(C, VM, RF_NoModuleLevelChanges);
}

// The domain of the code that uses a private constant, if all of it is one
// compartment's: clang puts a local `const` array's initializer (a table
// of a compartment's own functions) in such a global, which is that
// compartment's, not the default domain's.
std::optional<Domain> Instrumenter::onlyUserDomain(const GlobalVariable &GV) {
  if (!GV.hasPrivateLinkage() || !GV.isConstant())
    return std::nullopt;
  std::optional<Domain> Only;
  for (const User *U : GV.users()) {
    auto *I = dyn_cast<Instruction>(U);
    if (!I)
      return std::nullopt;
    Domain D = domainOf(*I->getFunction());
    if (D.kind != Domain::Compartment || (Only && !(*Only == D)))
      return std::nullopt;
    Only = D;
  }
  return Only;
}

// A call that registers a function for libc to call at exit or fork.
static bool registersExitHandler(const Instruction &I) {
  auto *Call = dyn_cast<CallBase>(&I);
  auto *Callee = Call ? Call->getCalledFunction() : nullptr;
  if (!Callee)
    return false;
  StringRef Name = Callee->getName();
  return Name == "atexit" || Name == "at_quick_exit" || Name == "on_exit" ||
         Name == "__cxa_atexit" || Name == "__cxa_thread_atexit" ||
         Name == "__cxa_thread_atexit_impl" || Name == "pthread_atfork";
}

// Replaces every use of a function's address (not the callee of a direct
// call) by the wrapper for the domain where the address is taken: the
// function containing the instruction, or the variable holding the pointer.
void Instrumenter::wrapAddressTaken() {
  for (Function &G : M) {
    if (G.isDeclaration() || G.hasFnAttribute(WrapperAttr))
      continue;
    for (BasicBlock &BB : G)
      for (Instruction &I : BB)
        for (Use &Op : I.operands()) {
          auto *C = dyn_cast<Constant>(Op.get());
          if (!C || isa<BasicBlock>(Op.get()))
            continue;
          if (auto *Call = dyn_cast<CallBase>(&I); Call && Call->isCallee(&Op))
            continue;
          // An exit or fork handler is called by libc in the default domain,
          // and what runs after it (libc's exit, other handlers) must find
          // the default domain's rights, whoever registered it.
          bool ExitHandler = registersExitHandler(I);
          // A helper's own copy runs for the default domain (compartments
          // call copies of their own, cloneHelpersForCompartments).
          Domain Creator = domainOf(G);
          if (ExitHandler || Creator.kind == Domain::Shared)
            Creator = DefaultDomain;
          // A declared exit handler stays itself: libc calls it with the
          // default domain's rights, which its wrapper would keep.
          Constant *New = wrapFunctionsIn(
              C, Creator,
              [&](const Twine &Msg) {
                std::string Where =
                    (Msg + " (in function '" + sourceName(G) + "')").str();
                errorAtInstruction(I, Where);
              },
              !ExitHandler);
          if (New != C)
            Op.set(New);
        }
  }
  for (GlobalVariable &GV : M.globals()) {
    if (!GV.hasInitializer() || GV.getSection() == "llvm.metadata" ||
        GV.getName() == "llvm.used" || GV.getName() == "llvm.compiler.used")
      continue;
    // Constructors and destructors are called by libc start-up and exit,
    // which run in the default domain.
    Domain Creator = domainOfData(GV);
    if (Creator.kind == Domain::Default)
      if (std::optional<Domain> Only = onlyUserDomain(GV))
        Creator = *Only;
    Constant *Init = GV.getInitializer();
    Constant *New = wrapFunctionsIn(Init, Creator, [&](const Twine &Msg) {
      errorAtVariable(GV,
                      Msg + " (in the initializer of '" + GV.getName() + "')");
    });
    if (New != Init)
      GV.setInitializer(New);
  }
}

// A pointer to an internal function stored where the compiler sees that
// memory outside its compartment can hold it (a default-domain global, also
// through a local variable) is an error at the store: only the wrapper's
// run-time check would stop a call through it.
void Instrumenter::checkInternalStores() {
  for (auto [W, F] : InternalWrappers) {
    Domain D = domainOf(*F);
    SmallVector<Value *, 8> Work{W};
    SmallPtrSet<Value *, 8> Seen;
    while (!Work.empty()) {
      Value *V = Work.pop_back_val();
      if (!Seen.insert(V).second)
        continue;
      for (User *U : V->users()) {
        if (isa<CastInst>(U) || isa<PHINode>(U) || isa<SelectInst>(U)) {
          Work.push_back(U);
          continue;
        }
        auto *St = dyn_cast<StoreInst>(U);
        if (!St || St->getValueOperand() != V)
          continue;
        const Value *Obj = getUnderlyingObject(St->getPointerOperand());
        if (auto *Local = dyn_cast<AllocaInst>(Obj)) {
          for (User *LU : const_cast<AllocaInst *>(Local)->users())
            if (isa<LoadInst>(LU))
              Work.push_back(LU);
          continue;
        }
        auto *GV = dyn_cast<GlobalVariable>(Obj);
        if (GV && !(domainOfData(*GV) == D))
          errorAtInstruction(
              *St, "address of '" + sourceName(*F) + "', internal to " +
                       D.describe() + ", is stored in '" + GV->getName() +
                       "', outside the compartment (in function '" +
                       sourceName(*St->getFunction()) + "')");
      }
    }
  }
}

} // namespace bulkhead
