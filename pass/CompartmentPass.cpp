// CompartmentPass.cpp - see CompartmentPass.h and docs/design.md.
#include "CompartmentPass.h"
#include "../include/bulkhead/abi.h"
#include "Annotations.h"
#include "AsmEmitter.h"
#include "Diagnostics.h"
#include "Gate.h"
#include "Instrumenter.h"
#include "Padding.h"
#include "RecordLayouts.h"
#include "StandIns.h"

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

static cl::opt<std::string> WholeModuleCompartment(
    "bulkhead-compartment",
    cl::desc("Put every unannotated function and global of the module into "
             "this compartment (-fpkey-compartment=NAME)"),
    cl::init(""));

namespace bulkhead {

static constexpr StringRef DoneFlag = "bulkhead.instrumented";

// Stops the program, before `Before`, with one line naming what the pass
// could not do (runtime/util.c): for paths expected never to run.
void Instrumenter::stopWithError(Instruction *Before, const std::string &Msg) {
  IRBuilder<> B(Before);
  auto *FT = FunctionType::get(B.getVoidTy(), {B.getPtrTy()}, false);
  B.CreateCall(M.getOrInsertFunction(BH_SYM_UNSUPPORTED_CALL, FT),
               {B.CreateGlobalString(Msg)});
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
CallInst *forwardCall(BasicBlock *BB, Function &Target, Function &W) {
  SmallVector<Value *, 8> Args;
  for (Argument &Arg : W.args())
    Args.push_back(&Arg);
  IRBuilder<> B(BB);
  CallInst *Call = B.CreateCall(Target.getFunctionType(), &Target, Args);
  Call->setCallingConv(Target.getCallingConv());
  AttributeList Attrs = Target.getAttributes();
  Call->setAttributes(AttributeList::get(
      Target.getContext(), AttributeSet(), Attrs.getRetAttrs(), [&] {
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
  // A compartment's struct results with their padding cleared, before
  // its entries are split (the bodies keep it); not with
  // -bulkhead-scrub=none, which clears nothing.
  for (Function &F : M)
    if (scrubsRegisters() && !F.isDeclaration() &&
        domainOf(F).kind == Domain::Compartment)
      clearResultPadding(F);
  // 5. Entries split into body and thunk before anything calls a body.
  splitEntries();
  redirectAliases(); // aliases of compartment code: of its gateways
  markDefaultFunctions();
  // Helpers' copies before wrapping, so a compartment's copy takes the
  // addresses it takes as its own code.
  cloneHelpersForCompartments();
  rewriteLibcTlsAccessors(); // on the compartments' copies of helpers too
  rewriteOwnThreadLocals();
  // 6. Pointers wrapped before calls are gated: a wrapper's own calls are
  //    not gated again (WrapperAttr), and gating looks at the wrapped uses.
  wrapAddressTaken();
  checkInternalStores();
  findHelpersRunByAnyDomain();
  // 7.-9. Gates (or trampolines) at every call, landing pad and setjmp.
  for (Function &F : M)
    if (!F.isDeclaration() && !F.hasFnAttribute(WrapperAttr))
      gateCalls(F);
  // Once every trampoline, and so every stack slot, exists.
  for (CallBase *Call : SetjmpCalls)
    keepStackSlots(*Call);
  // Once every wrapper has added its target to a table.
  finishAnyTrampolines();
  // Once every gate at a landing pad's start is there: before them all.
  insertExceptionArrivals();
  // Last: a page of padding after all of this module's data.
  padDataSections();
  if (StackSwitching)
    probeStackFrames();
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
  readRecordLayouts(M); // first: it may drop the debug information
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
  // The object says it was compiled here: the link check refuses code it
  // did not compile that refers to default-domain code (review 13a).
  auto *I8 = Type::getInt8Ty(M.getContext());
  auto *Compiled = new GlobalVariable(M, I8, true, GlobalValue::InternalLinkage,
                                      ConstantInt::get(I8, 0), BH_SYM_COMPILED);
  appendToUsed(M, {Compiled});
  dropCallSiteMarkers(M);
  M.addModuleFlag(Module::Warning, DoneFlag, 1);
  return PreservedAnalyses::none();
}

} // namespace bulkhead
