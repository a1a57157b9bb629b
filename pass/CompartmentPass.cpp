// CompartmentPass.cpp - see CompartmentPass.h and docs/design.md.
#include "CompartmentPass.h"
#include "Annotations.h"
#include "Instrumenter.h"
#include "Diagnostics.h"
#include "Gate.h"
#include "StandIns.h"
#include "../include/bulkhead/abi.h"

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
#include "llvm/Support/Debug.h"
#include "llvm/TargetParser/Triple.h"
#include "llvm/Transforms/Utils/BasicBlockUtils.h"
#include "llvm/Transforms/Utils/Cloning.h"
#include "llvm/Transforms/Utils/ModuleUtils.h"
#include "llvm/Transforms/Utils/ValueMapper.h"

#include <map>

using namespace llvm;

#define DEBUG_TYPE "bulkhead"
STATISTIC(NumGatedCalls, "Direct calls gated between domains");
STATISTIC(NumWrappers, "Function-pointer wrappers made");
STATISTIC(NumThunks, "Entry thunks made");
STATISTIC(NumHelperCopies, "Helpers copied into compartments");

static cl::opt<std::string> WholeModuleCompartment(
    "bulkhead-compartment",
    cl::desc("Put every unannotated function and global of the module into "
             "this compartment (-fpkey-compartment=NAME)"),
    cl::init(""));

namespace bulkhead {

static constexpr StringRef DoneFlag = "bulkhead.instrumented";


Constant *Instrumenter::nameString(StringRef Compartment) {
  Constant *Init = ConstantDataArray::getString(M.getContext(), Compartment);
  auto *GV = new GlobalVariable(M, Init->getType(), true,
                                GlobalValue::PrivateLinkage, Init,
                                ".bulkhead.name." + Compartment);
  GV->setUnnamedAddr(GlobalValue::UnnamedAddr::Global);
  return GV;
}

std::string Instrumenter::symbolFor(const Domain &D) {
  if (D.kind != Domain::Compartment)
    return BH_SYM_DOMAIN0;
  return descriptor(D.name)->getName().str();
}

// The compartment's descriptor (struct bulkhead_domain in runtime/abi.h),
// created on first use: linkonce_odr in a comdat, so every module may emit
// it and the linker keeps one.
// __bulkhead_slot_address.<c>: the calling thread's address of c's stack
// slot, for the descriptor (runtime/abi.h).
Function *Instrumenter::slotAddressFunction(StringRef Compartment) {
  std::string Name = (BH_SYM_SLOT_ADDRESS_PREFIX + Compartment).str();
  if (Function *F = M.getFunction(Name))
    return F;
  auto *Ptr = PointerType::getUnqual(M.getContext());
  Function *F = Function::Create(FunctionType::get(Ptr, false),
                                 GlobalValue::LinkOnceODRLinkage, Name, M);
  F->setVisibility(GlobalValue::HiddenVisibility);
  F->setComdat(M.getOrInsertComdat(Name));
  F->addFnAttr(WrapperAttr); // not instrumented
  IRBuilder<> B(BasicBlock::Create(M.getContext(), "", F));
  B.CreateRet(B.CreateThreadLocalAddress(
      stackSlot({Domain::Compartment, Compartment})));
  return F;
}

// The descriptor's IR type must lay out as the contract says
// (include/bulkhead/abi.h, BH_DOMAIN_*), which the runtime's struct and
// assembly assume: a mismatch (another target's pointer size, a field
// added on one side) would make every gate read the wrong word.
static void checkDescriptorLayout(const DataLayout &DL, StructType *Ty) {
  static const uint64_t Offsets[] = {
      BH_DOMAIN_PKRU,       BH_DOMAIN_PKEY,         BH_DOMAIN_ABI_VERSION,
      BH_DOMAIN_ENFORCED,   BH_DOMAIN_NAME,         BH_DOMAIN_DATA_START,
      BH_DOMAIN_DATA_END,   BH_DOMAIN_STACK_LO,     BH_DOMAIN_STACK_HI,
      BH_DOMAIN_SLOT_ADDRESS, BH_DOMAIN_HEADER_SIZE};
  const StructLayout *SL = DL.getStructLayout(Ty);
  bool Same = Ty->getNumElements() == std::size(Offsets) &&
              SL->getSizeInBytes() == BH_DOMAIN_SIZE;
  for (unsigned I = 0; Same && I < std::size(Offsets); ++I)
    Same = SL->getElementOffset(I) == Offsets[I];
  if (!Same)
    report_fatal_error("bulkhead: the compartment descriptor's IR type does "
                       "not match include/bulkhead/abi.h (BH_DOMAIN_*) for "
                       "this target's data layout",
                       /*gen_crash_diag=*/false);
}

GlobalVariable *Instrumenter::descriptor(StringRef Compartment) {
  GlobalVariable *&Slot = Descriptors[Compartment];
  if (Slot)
    return Slot;
  LLVMContext &Ctx = M.getContext();
  std::string Name = (BH_SYM_DOMAIN_PREFIX + Compartment).str();
  std::string Section = (BH_SECTION_DATA_PREFIX + Compartment).str();
  auto *I32 = Type::getInt32Ty(Ctx);
  auto *Ptr = PointerType::getUnqual(Ctx);
  auto *PadTy = ArrayType::get(Type::getInt8Ty(Ctx),
                               BH_DOMAIN_SIZE - BH_DOMAIN_HEADER_SIZE);
  auto *Ty = StructType::get(
      Ctx, {I32, I32, I32, I32, Ptr, Ptr, Ptr, Ptr, Ptr, Ptr, PadTy});
  checkDescriptorLayout(M.getDataLayout(), Ty);

  // __start_/__stop_ of the data section; weak, as a compartment may have
  // no data at all.
  auto Bound = [&](StringRef Which) {
    std::string BoundName = (Which + Section).str();
    if (GlobalVariable *Existing = M.getGlobalVariable(BoundName))
      return Existing;
    auto *G = new GlobalVariable(M, Type::getInt8Ty(Ctx), false,
                                 GlobalValue::ExternalWeakLinkage, nullptr,
                                 BoundName);
    G->setVisibility(GlobalValue::HiddenVisibility);
    return G;
  };
  Constant *Fields[] = {
      ConstantInt::get(I32, 0),
      ConstantInt::get(I32, -1),
      ConstantInt::get(I32, BH_ABI_VERSION),
      ConstantInt::get(I32, 0),
      nameString(Compartment),
      Bound("__start_"),
      Bound("__stop_"),
      ConstantPointerNull::get(Ptr), // stack arena, set at start-up
      ConstantPointerNull::get(Ptr),
      StackSwitching ? (Constant *)slotAddressFunction(Compartment)
                     : ConstantPointerNull::get(Ptr),
      ConstantAggregateZero::get(PadTy)};
  auto *GV = new GlobalVariable(M, Ty, false, GlobalValue::LinkOnceODRLinkage,
                                ConstantStruct::get(Ty, Fields), Name);
  GV->setVisibility(GlobalValue::HiddenVisibility);
  GV->setComdat(M.getOrInsertComdat(Name));
  GV->setSection(BH_SECTION_DOMAINS);
  GV->setAlignment(Align(BH_PAGE));
  appendToUsed(M, {GV}); // referenced only from inline asm and the runtime
  markCompartments();
  Slot = GV;
  return GV;
}

// Defines __bulkhead_compartment_marker, which a shared object's link
// refuses (runtime/bulkhead-dso.ld): compartments live in executables. It
// refers to a symbol only the runtime defines, so a link without the runtime
// fails too (StandIns.h).
void Instrumenter::markCompartments() {
  const char *Name = BH_SYM_COMPARTMENT_MARKER;
  if (M.getGlobalVariable(Name, true))
    return;
  auto *I32 = Type::getInt32Ty(M.getContext());
  auto *GV = new GlobalVariable(M, I32, true, GlobalValue::LinkOnceODRLinkage,
                                nullptr, Name);
  GV->setInitializer(runtimeRequirement(M, GV));
  GV->setVisibility(GlobalValue::HiddenVisibility);
  GV->setComdat(M.getOrInsertComdat(Name));
  appendToUsed(M, {GV});
}

// Moves a BULKHEAD_DATA variable into its compartment's section. The runtime
// tags that whole section with the compartment's key.
void Instrumenter::placeData(GlobalVariable &GV, StringRef Compartment,
                             bool Claimed) {
  if (GV.isDeclaration())
    return; // defined, and placed, in another module
  // A whole library's comdat variables have names of the compartment's own
  // (Annotations::renameComdat); a written annotation's would not.
  if (GV.hasComdat() && !Claimed) {
    errorAtGlobal(GV, "", 0,
                  "BULKHEAD_DATA variable '" + GV.getName() +
                      "' is in a comdat (inline or template variable); "
                      "this is not supported");
    return;
  }
  // A tentative definition under -fcommon would be emitted as .comm, which
  // ignores the section: make it an ordinary definition.
  if (GV.hasCommonLinkage())
    GV.setLinkage(GlobalValue::ExternalLinkage);
  descriptor(Compartment);
  GV.setSection((BH_SECTION_DATA_PREFIX + Compartment).str());
  // Constants share the writable section: one section per compartment keeps
  // its pages contiguous, and constness does not protect a secret anyway.
  GV.setConstant(false);
  GV.setUnnamedAddr(GlobalValue::UnnamedAddr::None); // never merged with others
  DataSections[Compartment] = true;
}

// Ends this module's part of every compartment data section with a whole,
// page-aligned page. Each module's part then starts on a page (the section
// takes the pad's alignment) and ends on one, so no other data can share a
// page with compartment data, whatever the linker puts around it.
void Instrumenter::padDataSections() {
  for (auto &Entry : DataSections) {
    StringRef Compartment = Entry.getKey();
    auto *Ty = ArrayType::get(Type::getInt8Ty(M.getContext()), BH_PAGE);
    auto *Pad = new GlobalVariable(M, Ty, false, GlobalValue::InternalLinkage,
                                   ConstantAggregateZero::get(Ty),
                                   BH_SYM_PAD_PREFIX + Compartment);
    Pad->setSection((BH_SECTION_DATA_PREFIX + Compartment).str());
    Pad->setAlignment(Align(BH_PAGE));
    appendToUsed(M, {Pad});
    // Globals are emitted in list order: the pad goes last in its section.
    Pad->removeFromParent();
    M.insertGlobalVariable(Pad);
  }
}

SmallVector<Instruction *, 2> afterCall(CallBase &Call) {
  if (auto *II = dyn_cast<InvokeInst>(&Call))
    // Re-entering the caller's domain at the start of a successor is right
    // whichever way control got there.
    return {&*II->getNormalDest()->getFirstInsertionPt(),
            &*II->getUnwindDest()->getFirstInsertionPt()};
  return {Call.getNextNode()};
}

// libc functions that run exit handlers and never return.
static bool isExitFunction(const Function &F) {
  StringRef N = F.getName();
  return N == "exit" || N == "quick_exit" || N == "pthread_exit";
}

void Instrumenter::gateCalls(Function &F) {
  Domain Caller = domainOf(F);
  // Re-entering a compartment that runs on its own stacks: check the stack.
  bool CheckStack = StackSwitching && Caller.kind == Domain::Compartment;
  // An exception may arrive from any domain, through frames that have no
  // landing pad to restore rights: every landing pad re-enters its own
  // function's domain.
  if (Caller.kind != Domain::Shared)
    for (BasicBlock &BB : F)
      if (BB.isLandingPad())
        insertGateIfNeeded(&*BB.getFirstInsertionPt(), symbolFor(Caller),
                           false, CheckStack);
  // This copy of a helper is the default domain's (compartments call their
  // own copies): its calls of default-domain code need no gate.
  if (Caller.kind == Domain::Shared)
    Caller = DefaultDomain;
  SmallVector<CallBase *, 16> Calls;
  for (BasicBlock &BB : F)
    for (Instruction &I : BB)
      if (auto *Call = dyn_cast<CallBase>(&I))
        if (!Call->isInlineAsm() && !isa<IntrinsicInst>(Call))
          Calls.push_back(Call);

  for (CallBase *Call : Calls) {
    auto *Callee = dyn_cast<Function>(
        Call->getCalledOperand()->stripPointerCastsAndAliases());
    // Through a pointer or back from setjmp (a longjmp may come from any
    // domain), the thread may hold another domain's rights: take the
    // caller's back. The caller's domain is known here, so the way back
    // never depends on anything the callee controls.
    // With stacks, a pointer call from a compartment to a wrapper leaves the
    // compartment's stack and rights first (pass/Stacks.cpp).
    if (!Callee && StackSwitching && Caller.kind == Domain::Compartment &&
        isa<CallInst>(Call) && leaveForPointerCall(*cast<CallInst>(Call), Caller))
      continue;
    if (!Callee || Call->hasFnAttr(Attribute::ReturnsTwice)) {
      if (StackSwitching && Call->hasFnAttr(Attribute::ReturnsTwice))
        SetjmpCalls.push_back(Call); // keepStackSlots, once all exist
      if (isa<CallInst>(Call) && Call->hasFnAttr(Attribute::ReturnsTwice)) {
        insertGateIfNeededKeeping(*Call, symbolFor(Caller), CheckStack);
        continue;
      }
      for (Instruction *At : afterCall(*Call))
        if (Caller.kind == Domain::Compartment)
          insertGateIfNeeded(At, symbolFor(Caller), false, CheckStack);
        else
          insertReenterDefault(At);
      continue;
    }
    Domain Target = domainOf(*Callee);
    // With per-compartment stacks, libc's exit must not run on a
    // compartment's stack: the handlers it calls leave the default domain's
    // rights behind (exit handlers' wrappers return to the default domain),
    // which cannot touch that stack. Leave the compartment first.
    if (StackSwitching && Caller.kind == Domain::Compartment &&
        Callee->isDeclaration() && isExitFunction(*Callee)) {
      gate(*Call, Caller, DefaultDomain);
      continue;
    }
    if (Target.kind == Domain::Shared && Caller.kind == Domain::Compartment &&
        Callee->isDeclaration())
      gateIfDefaultElsewhere(*Call, *Callee, Caller);
    if (Target.kind == Domain::Shared || Target == Caller)
      continue;
    const Annotation *Ann = A.find(Callee);
    if (Ann && Ann->role == Role::Internal) {
      errorAtCall(*Call, "call to '" + sourceName(*Callee) +
                             "', internal to compartment '" +
                             Ann->compartment + "', from " +
                             Caller.describe() + " (function '" + sourceName(F) +
                             "'); only code of compartment '" +
                             Ann->compartment + "' may call it");
      continue;
    }
    gate(*Call, Caller, Target);
  }
}

// Switches to the callee's rights before the call and back to the caller's
// after it. Both values are fixed for the call site: the caller's domain is
// known here, so the way back never trusts anything the callee left behind.
void Instrumenter::gate(CallBase &Call, const Domain &Caller,
                        const Domain &Callee) {
  if (auto *CI = dyn_cast<CallInst>(&Call)) {
    if (CI->isMustTailCall()) {
      errorAtCall(Call, "cannot gate a musttail call from " +
                            Caller.describe() + " into " + Callee.describe());
      return;
    }
    // A tail call would return straight to our caller with the callee's
    // rights still installed.
    CI->setTailCallKind(CallInst::TCK_NoTail);
  } else if (!isa<InvokeInst>(&Call)) {
    errorAtCall(Call, "cannot gate this kind of call (callbr)");
    return;
  }
  // Inlining across domains would run one domain's code with the other's
  // rights, or carry gates into the wrong domain.
  Call.setIsNoInline();
  ++NumGatedCalls;
  LLVM_DEBUG(dbgs() << "bulkhead: gate " << Caller.describe() << " -> "
                    << Callee.describe() << " at a call in '"
                    << Call.getFunction()->getName() << "'\n");
  if (StackSwitching) {
    auto *Target = cast<Function>(
        Call.getCalledOperand()->stripPointerCastsAndAliases());
    switchStacks(Call, *Target, Caller, Callee);
    return;
  }
  insertGate(&Call, symbolFor(Callee), Caller.kind == Domain::Compartment);
  for (Instruction *At : afterCall(Call))
    insertGate(At, symbolFor(Caller), Callee.kind == Domain::Compartment);
}

// Seen from a compartment, a function only declared here is either shared
// code (libc) or default-domain code defined in another module. Every module
// marks its own default-domain functions with a symbol
// __bulkhead_default.NAME; a compartment's call of a declaration tests that
// (weak) symbol and, when it is defined, makes the call through gates into
// the default domain and back.
static std::string defaultMarkerName(StringRef Function) {
  return (BH_SYM_DEFAULT_MARK_PREFIX + Function).str();
}

void Instrumenter::markDefaultFunctions() {
  auto *I8 = Type::getInt8Ty(M.getContext());
  for (Function &F : M) {
    // An external inline function's copy here is the default domain's too:
    // compartments elsewhere must reach it through gates.
    Domain::Kind K = domainOf(F).kind;
    bool ExternalHelper = K == Domain::Shared && F.hasExternalLinkage();
    if (F.isDeclaration() || F.hasLocalLinkage() ||
        F.hasFnAttribute(WrapperAttr) ||
        (K != Domain::Default && !ExternalHelper))
      continue;
    auto *Marker = new GlobalVariable(M, I8, true, GlobalValue::ExternalLinkage,
                                      ConstantInt::get(I8, 0),
                                      defaultMarkerName(F.getName()));
    Marker->setVisibility(GlobalValue::HiddenVisibility);
    appendToUsed(M, {Marker});
  }
}

void Instrumenter::gateIfDefaultElsewhere(CallBase &Call, Function &Callee,
                                          const Domain &Caller) {
  auto *CI = dyn_cast<CallInst>(&Call);
  if (!CI || CI->isMustTailCall() || Callee.isIntrinsic() ||
      Callee.getName().starts_with("__bulkhead"))
    return; // invokes and musttail calls stay as they are (see threat model)
  std::string Name = defaultMarkerName(Callee.getName());
  GlobalVariable *Marker = M.getGlobalVariable(Name, true);
  if (!Marker) {
    Marker = new GlobalVariable(M, Type::getInt8Ty(M.getContext()), true,
                                GlobalValue::ExternalWeakLinkage, nullptr, Name);
    Marker->setVisibility(GlobalValue::HiddenVisibility);
  }
  IRBuilder<> B(CI);
  Value *IsDefault = B.CreateIsNotNull(Marker);
  Instruction *ThenTerm, *ElseTerm;
  SplitBlockAndInsertIfThenElse(IsDefault, CI->getIterator(), &ThenTerm,
                                &ElseTerm);
  auto *Gated = cast<CallInst>(IRBuilder<>(ThenTerm).Insert(CI->clone()));
  auto *Plain = cast<CallInst>(IRBuilder<>(ElseTerm).Insert(CI->clone()));
  if (!CI->getType()->isVoidTy()) {
    B.SetInsertPoint(CI);
    PHINode *Phi = B.CreatePHI(CI->getType(), 2);
    Phi->addIncoming(Gated, Gated->getParent());
    Phi->addIncoming(Plain, Plain->getParent());
    CI->replaceAllUsesWith(Phi);
  }
  CI->eraseFromParent();
  std::string Why;
  if (StackSwitching &&
      !switchableStackBytes(*Gated, Caller, DefaultDomain, Why)) {
    // Most such calls are of libc or of the compartment's own code in
    // another file: no error for a path that never runs, but a clear stop
    // if it does.
    std::string Msg = ("bulkhead: error: compartment '" + Caller.name +
                       "' called default-domain function '" +
                       sourceName(Callee) + "' (from '" +
                       sourceName(*Gated->getFunction()) +
                       "'), whose arguments cannot be passed across the "
                       "stack switch: " + Why)
                          .str();
    stopWithError(Gated, Msg);
    return;
  }
  gate(*Gated, Caller, DefaultDomain);
}

// Stops the program, before `Before`, with one line naming what the pass
// could not do (runtime/util.c): for paths expected never to run.
void Instrumenter::stopWithError(Instruction *Before, const std::string &Msg) {
  IRBuilder<> B(Before);
  auto *FT = FunctionType::get(B.getVoidTy(), {B.getPtrTy()}, false);
  B.CreateCall(M.getOrInsertFunction(BH_SYM_UNSUPPORTED_CALL, FT),
               {B.CreateGlobalString(Msg)});
}

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

Domain Instrumenter::domainOfData(const GlobalVariable &GV) const {
  if (const Annotation *Ann = A.find(&GV))
    return {Domain::Compartment, Ann->compartment};
  return {Domain::Default, ""};
}

// A new function with Target's type and attributes, to stand in front of
// it; its body is left to the caller.
Function *Instrumenter::newGateway(Function &Target, const Twine &Name,
                                   GlobalValue::LinkageTypes Linkage) {
  Function *W = Function::Create(Target.getFunctionType(), Linkage, Name, M);
  W->setCallingConv(Target.getCallingConv());
  W->setAttributes(Target.getAttributes());
  W->removeFnAttr("dontcall-warn");
  W->removeFnAttr(Attribute::AlwaysInline);
  W->removeFnAttr(Attribute::Naked);
  W->addFnAttr(Attribute::NoInline);
  W->addFnAttr(WrapperAttr);
  return W;
}

// Appends to W's block `BB` a call of Target with W's arguments and the
// return of its result; returns the call.
static CallInst *forwardCall(BasicBlock *BB, Function &Target, Function &W) {
  SmallVector<Value *, 8> Args;
  for (Argument &Arg : W.args())
    Args.push_back(&Arg);
  IRBuilder<> B(BB);
  CallInst *Call = B.CreateCall(Target.getFunctionType(), &Target, Args);
  Call->setCallingConv(Target.getCallingConv());
  AttributeList Attrs = Target.getAttributes();
  Call->setAttributes(AttributeList::get(
      Target.getContext(), AttributeSet(), Attrs.getRetAttrs(),
      [&] {
        SmallVector<AttributeSet, 8> Params;
        for (unsigned I = 0; I < Target.arg_size(); ++I)
          Params.push_back(Attrs.getParamAttrs(I));
        return Params;
      }()));
  Call->setTailCallKind(CallInst::TCK_NoTail);
  Call->setIsNoInline();
  if (Call->getType()->isVoidTy())
    B.CreateRetVoid();
  else
    B.CreateRet(Call);
  return Call;
}

// The function that a pointer to F created in domain `Creator` points to:
// it enters F's domain, runs F, and returns to the creator's domain, so F
// runs with its own rights whoever calls through the pointer (libc's qsort,
// a signal, a thread start, another compartment). One per (F, creator): a
// pointer made in a compartment and called back by shared code (qsort)
// finds the compartment's rights again on return.
Function *Instrumenter::wrapper(Function &F, const Domain &Creator) {
  std::string Name = (BH_SYM_WRAP_PREFIX + sourceName(F) + "." +
                      (Creator.kind == Domain::Compartment ? Creator.name
                                                           : StringRef("0")))
                         .str();
  Function *&Slot = Wrappers[Name];
  if (Slot)
    return Slot;
  ++NumWrappers;
  Function *W = newGateway(F, Name,
                           F.hasLocalLinkage()
                               ? GlobalValue::InternalLinkage
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
  Domain Target = domainOf(F);
  LLVMContext &Ctx = M.getContext();
  BasicBlock *Entry = BasicBlock::Create(Ctx, "", W);
  if (StackSwitching) {
    // F runs on its own domain's stack, entered through a trampoline from
    // a domain known here: called inside F's domain (shared code running
    // for it, e.g. qsort), F runs right there; called in the creator's
    // domain or in the default domain (where pointer calls from
    // compartments arrive, pass/Stacks.cpp), through the trampoline from
    // that domain, which also leads back to it. Called with a third
    // compartment's rights (shared code running for it), through a
    // trampoline that finds that compartment at run time.
    SmallVector<Domain, 2> Froms;
    for (const Domain &D : {Creator, DefaultDomain})
      if (!(D == Target) && (Froms.empty() || !(Froms[0] == D)))
        Froms.push_back(D);
    BasicBlock *Inside = BasicBlock::Create(Ctx, "inside", W);
    BasicBlock *Next = BasicBlock::Create(Ctx, "check", W);
    IRBuilder<> B(Entry);
    B.CreateCondBr(B.CreateICmpNE(holdsDomain(B, symbolFor(Target)),
                                  B.getInt32(0)),
                   Inside, Next);
    forwardCall(Inside, F, *W)->setTailCallKind(CallInst::TCK_Tail);
    for (const Domain &From : Froms) {
      BasicBlock *Switch = BasicBlock::Create(Ctx, "switch", W);
      BasicBlock *Rest = BasicBlock::Create(Ctx, "check", W);
      B.SetInsertPoint(Next);
      B.CreateCondBr(B.CreateICmpNE(holdsDomain(B, symbolFor(From)),
                                    B.getInt32(0)),
                     Switch, Rest);
      CallInst *Sw = forwardCall(Switch, F, *W);
      std::string Why;
      if (std::optional<uint64_t> Bytes =
              switchableStackBytes(*Sw, From, Target, Why)) {
        Sw->setCalledOperand(
            trampoline(F, Sw->getFunctionType(), From, Target, *Bytes));
      } else {
        warnAtFunction(F, "the address of '" + sourceName(F) + "' (" +
                              Target.describe() + ") is taken, but a call "
                              "through it from " + From.describe() +
                              " cannot switch stacks: " + Why +
                              "; such a call stops the program");
        stopWithError(Sw, "bulkhead: error: call of '" + sourceName(F).str() +
                              "' through a pointer from " + From.describe() +
                              ": " + Why);
      }
      Next = Rest;
    }
    // From a compartment known only at run time: the trampoline that finds
    // it (Stacks.cpp).
    CallInst *Any = forwardCall(Next, F, *W);
    std::string Why;
    std::optional<uint64_t> Bytes =
        switchableStackBytes(*Any, DefaultDomain, Target, Why);
    if (Bytes && !*Bytes)
      callThroughAny(*Any, Target);
    else
      stopWithError(Any, "bulkhead: error: '" + sourceName(F).str() + "' (" +
                             Target.describe() + ") called through a "
                             "pointer from a compartment found at run time, "
                             "with arguments that cannot cross: " +
                             (Bytes ? "arguments on the stack" : Why));
    Slot = W;
    return W;
  }
  // The way back is chosen by the rights the wrapper was entered with, each
  // path ending in a fixed gate: to the creator only when called with the
  // creator's rights; no switch when called inside F's domain; else to the
  // default domain. (Returning to the creator whoever called would hand the
  // creator's rights to any caller of a corrupted function pointer.)
  BasicBlock *FromCreator = BasicBlock::Create(Ctx, "from_creator", W);
  BasicBlock *NotCreator = BasicBlock::Create(Ctx, "not_creator", W);
  BasicBlock *Inside = BasicBlock::Create(Ctx, "inside", W);
  BasicBlock *Elsewhere = BasicBlock::Create(Ctx, "elsewhere", W);
  IRBuilder<> B(Entry);
  B.CreateCondBr(
      B.CreateICmpNE(holdsDomain(B, symbolFor(Creator)), B.getInt32(0)),
      FromCreator, NotCreator);
  B.SetInsertPoint(NotCreator);
  B.CreateCondBr(
      B.CreateICmpNE(holdsDomain(B, symbolFor(Target)), B.getInt32(0)),
      Inside, Elsewhere);
  insertGatesAround(forwardCall(FromCreator, F, *W), Target, Creator);
  forwardCall(Inside, F, *W);
  insertGatesAround(forwardCall(Elsewhere, F, *W), Target, DefaultDomain);
  Slot = W;
  return W;
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
  B.CreateCondBr(B.CreateICmpNE(holdsDomain(B, symbolFor(domainOf(F))),
                                B.getInt32(0)),
                 Inside, Outside);
  forwardCall(Inside, F, W)->setTailCallKind(CallInst::TCK_Tail);
  B.SetInsertPoint(Outside);
  Instruction *Stop = B.CreateUnreachable();
  stopWithError(Stop, "bulkhead: error: '" + sourceName(F).str() +
                          "', internal to " + domainOf(F).describe() +
                          ", called through a pointer without the "
                          "compartment's rights");
  IRBuilder<>(Stop).CreateIntrinsic(Intrinsic::trap, ArrayRef<Type *>(),
                                    ArrayRef<Value *>());
}

// A wrapper's gates around its call of F: into F's domain, back to the
// creator's, each skipped when the thread already holds those rights.
void Instrumenter::insertGatesAround(CallInst *Call, const Domain &Target,
                                     const Domain &Creator) {
  insertGateIfNeeded(Call, symbolFor(Target),
                     Creator.kind == Domain::Compartment);
  insertGateIfNeeded(Call->getNextNode(), symbolFor(Creator),
                     Target.kind == Domain::Compartment);
}

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
                             "BULKHEAD_ENTRY(" + Ann.compartment +
                             ") on its declaration, or the call stops the "
                             "program");
      guardVariadicEntry(*F);
    }
  }
  for (Function *F : Entries) {
    std::string Name = F->getName().str();
    F->setName(BodyPrefix + Name);
    if (F->isDeclaration())
      continue; // a caller: it now calls the body, with its own gates
    Function *Thunk = newGateway(*F, Name, F->getLinkage());
    ++NumThunks;
    Thunk->setVisibility(F->getVisibility());
    Thunk->setDSOLocal(F->isDSOLocal());
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

// C with every function that has a domain replaced by its wrapper for
// `Creator`; C itself if it names none. An internal function reaching
// another domain this way is an error.
Constant *Instrumenter::wrapFunctionsIn(
    Constant *C, const Domain &Creator,
    function_ref<void(const Twine &)> Error) {
  ValueToValueMapTy VM;
  SmallVector<const Constant *, 8> Work{C};
  SmallPtrSet<const Constant *, 8> Seen;
  while (!Work.empty()) {
    const Constant *Cur = Work.pop_back_val();
    if (!Seen.insert(Cur).second)
      continue;
    if (auto *F = dyn_cast<Function>(Cur)) {
      Function &Fn = const_cast<Function &>(*F);
      Domain D = domainOf(Fn);
      if (Fn.isIntrinsic() || Fn.hasFnAttribute(WrapperAttr) ||
          D.kind == Domain::Shared)
        continue;
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
                D.describe() + " is taken; calls through a pointer cannot "
                "enter a compartment with variable arguments (make a "
                "non-variadic entry, e.g. taking a va_list)");
        continue;
      }
      VM[&Fn] = wrapper(Fn, Creator);
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
          Constant *New = wrapFunctionsIn(C, Creator,
                                          [&](const Twine &Msg) {
            std::string Where =
                (Msg + " (in function '" + sourceName(G) + "')").str();
            errorAtInstruction(I, Where);
          });
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
    Constant *New = wrapFunctionsIn(Init, Creator,
                                    [&](const Twine &Msg) {
      errorAtVariable(GV, Msg + " (in the initializer of '" +
                              GV.getName() + "')");
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

// The phases, in the order that matters (docs/design.md, "What the pass
// does"); the domain analysis (DomainAnalysis.cpp) ran before the first.
void Instrumenter::run() {
  // 0. Sharing brackets first, so that entries' bodies and helpers' copies
  //    keep them.
  shareAllocations();
  // 3. Compartment data onto its own sections (descriptors, 4., are made
  //    on first use by any phase).
  for (const auto &Entry : A.all())
    if (Entry.second.role == Role::Data)
      placeData(*cast<GlobalVariable>(const_cast<GlobalValue *>(Entry.first)),
                Entry.second.compartment, Entry.second.claimed);
  // 5. Entries split into body and thunk before anything calls a body.
  splitEntries();
  markDefaultFunctions();
  // Helpers' copies before wrapping, so a compartment's copy takes the
  // addresses it takes as its own code.
  cloneHelpersForCompartments();
  // 6. Pointers wrapped before calls are gated: a wrapper's own calls are
  //    not gated again (WrapperAttr), and gating looks at the wrapped uses.
  wrapAddressTaken();
  checkInternalStores();
  // 7.-9. Gates (or trampolines) at every call, landing pad and setjmp.
  for (Function &F : M)
    if (!F.isDeclaration() && !F.hasFnAttribute(WrapperAttr))
      gateCalls(F);
  // Once every trampoline, and so every stack slot, exists.
  for (CallBase *Call : SetjmpCalls)
    keepStackSlots(*Call);
  // Once every wrapper has added its target to a table.
  finishAnyTrampolines();
  // Last: a page of padding after all of this module's data.
  padDataSections();
}

// bulkhead.h marks annotated functions with warning("bulkhead-callsite") only
// so that clang records where each call is; the pass has used that, and no
// call should warn.
static void dropCallSiteMarkers(Module &M) {
  for (Function &F : M)
    if (F.getFnAttribute("dontcall-warn").getValueAsString() ==
        "bulkhead-callsite")
      F.removeFnAttr("dontcall-warn");
}

PreservedAnalyses CompartmentPass::run(Module &M, ModuleAnalysisManager &) {
  // Gates are inserted once: an LTO link sees modules this pass already did.
  if (M.getModuleFlag(DoneFlag))
    return PreservedAnalyses::all();
  // The gates and trampolines are x86-64 assembly, and the runtime uses
  // Linux's pkey system calls. (An .ll file without a triple is taken as
  // meant for the host.)
  Triple T(M.getTargetTriple());
  if (!T.str().empty() && !(T.getArch() == Triple::x86_64 && T.isOSLinux())) {
    M.getContext().emitError("bulkhead: target '" + T.str() +
                             "' is not supported: Bulkhead targets x86-64 "
                             "Linux only");
    return PreservedAnalyses::all();
  }
  Annotations A = Annotations::read(M);
  if (!WholeModuleCompartment.empty()) {
    if (!isCIdentifier(WholeModuleCompartment))
      M.getContext().emitError("bulkhead: -fpkey-compartment name '" +
                               WholeModuleCompartment +
                               "' is not a C identifier");
    else
      A.claimWholeModule(M, WholeModuleCompartment);
  }
  if (!A.hadErrors()) {
    DomainInfo Info(M, A); // before anything is rewritten
    Instrumenter(M, A, Info).run();
    defineStandIns(M);
  }
  dropCallSiteMarkers(M);
  M.addModuleFlag(Module::Warning, DoneFlag, 1);
  return PreservedAnalyses::none();
}

} // namespace bulkhead
