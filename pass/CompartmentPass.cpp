// CompartmentPass.cpp - see CompartmentPass.h and docs/design.md.
#include "CompartmentPass.h"
#include "Annotations.h"
#include "Diagnostics.h"
#include "Gate.h"
#include "../runtime/abi.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/DerivedTypes.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Transforms/Utils/ModuleUtils.h"

using namespace llvm;

static cl::opt<std::string> WholeModuleCompartment(
    "bulkhead-compartment",
    cl::desc("Put every unannotated function and global of the module into "
             "this compartment (-fpkey-compartment=NAME)"),
    cl::init(""));

namespace bulkhead {

static constexpr StringRef DoneFlag = "bulkhead.instrumented";

namespace {

// Where a callee's code runs. Unannotated functions defined in this module
// are default-domain code; unannotated declarations are shared library code
// (libc and the like), which runs with the rights of whoever calls it.
struct Domain {
  enum Kind { Shared, Default, Compartment } kind;
  StringRef name; // for Compartment
  bool operator==(const Domain &O) const {
    return kind == O.kind && name == O.name;
  }
  std::string describe() const {
    return kind == Compartment ? ("compartment '" + name + "'").str()
                               : std::string("the default domain");
  }
};

class Instrumenter {
public:
  Instrumenter(Module &M, const Annotations &A) : M(M), A(A) {}
  void run();

private:
  Domain domainOf(const Function &F) const;
  std::string symbolFor(const Domain &D);
  GlobalVariable *descriptor(StringRef Compartment);
  Constant *nameString(StringRef Compartment);
  void placeData(GlobalVariable &GV, StringRef Compartment);
  void padDataSections();
  void gateCalls(Function &F);
  void gate(CallBase &Call, const Domain &Caller, const Domain &Callee);

  Module &M;
  const Annotations &A;
  StringMap<GlobalVariable *> Descriptors;
  StringMap<bool> DataSections; // compartments with data in this module
};

} // namespace

Domain Instrumenter::domainOf(const Function &F) const {
  if (const Annotation *Ann = A.find(&F))
    return {Domain::Compartment, Ann->compartment};
  return {F.isDeclaration() ? Domain::Shared : Domain::Default, ""};
}

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
    return BULKHEAD_DOMAIN0;
  return descriptor(D.name)->getName().str();
}

// The compartment's descriptor (struct bulkhead_domain in runtime/abi.h),
// created on first use: linkonce_odr in a comdat, so every module may emit
// it and the linker keeps one.
GlobalVariable *Instrumenter::descriptor(StringRef Compartment) {
  GlobalVariable *&Slot = Descriptors[Compartment];
  if (Slot)
    return Slot;
  LLVMContext &Ctx = M.getContext();
  std::string Name = (BULKHEAD_DOMAIN_PREFIX + Compartment).str();
  std::string Section = (BULKHEAD_DATA_PREFIX + Compartment).str();
  auto *I32 = Type::getInt32Ty(Ctx);
  auto *Ptr = PointerType::getUnqual(Ctx);
  const unsigned HeaderSize = 40;
  auto *PadTy = ArrayType::get(Type::getInt8Ty(Ctx), BULKHEAD_PAGE - HeaderSize);
  auto *Ty = StructType::get(Ctx, {I32, I32, I32, I32, Ptr, Ptr, Ptr, PadTy});

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
      ConstantInt::get(I32, BULKHEAD_ABI_VERSION),
      ConstantInt::get(I32, 0),
      nameString(Compartment),
      Bound("__start_"),
      Bound("__stop_"),
      ConstantAggregateZero::get(PadTy)};
  auto *GV = new GlobalVariable(M, Ty, false, GlobalValue::LinkOnceODRLinkage,
                                ConstantStruct::get(Ty, Fields), Name);
  GV->setVisibility(GlobalValue::HiddenVisibility);
  GV->setComdat(M.getOrInsertComdat(Name));
  GV->setSection(BULKHEAD_DOMAIN_SECTION);
  GV->setAlignment(Align(BULKHEAD_PAGE));
  appendToUsed(M, {GV}); // referenced only from inline asm and the runtime
  Slot = GV;
  return GV;
}

// Moves a BULKHEAD_DATA variable into its compartment's section. The runtime
// tags that whole section with the compartment's key.
void Instrumenter::placeData(GlobalVariable &GV, StringRef Compartment) {
  if (GV.isDeclaration())
    return; // defined, and placed, in another module
  if (GV.hasComdat()) {
    errorAtGlobal(GV, "", 0,
                  "BULKHEAD_DATA variable '" + GV.getName() +
                      "' is in a comdat (inline or template variable); "
                      "this is not supported");
    return;
  }
  descriptor(Compartment);
  GV.setSection((BULKHEAD_DATA_PREFIX + Compartment).str());
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
    auto *Ty = ArrayType::get(Type::getInt8Ty(M.getContext()), BULKHEAD_PAGE);
    auto *Pad = new GlobalVariable(M, Ty, false, GlobalValue::InternalLinkage,
                                   ConstantAggregateZero::get(Ty),
                                   "__bulkhead_pad_" + Compartment);
    Pad->setSection((BULKHEAD_DATA_PREFIX + Compartment).str());
    Pad->setAlignment(Align(BULKHEAD_PAGE));
    appendToUsed(M, {Pad});
    // Globals are emitted in list order: the pad goes last in its section.
    Pad->removeFromParent();
    M.insertGlobalVariable(Pad);
  }
}

void Instrumenter::gateCalls(Function &F) {
  Domain Caller = domainOf(F);
  SmallVector<std::pair<CallBase *, Function *>, 16> Calls;
  for (BasicBlock &BB : F)
    for (Instruction &I : BB)
      if (auto *Call = dyn_cast<CallBase>(&I))
        if (auto *Callee = dyn_cast<Function>(
                Call->getCalledOperand()->stripPointerCastsAndAliases()))
          if (!Callee->isIntrinsic())
            Calls.push_back({Call, Callee});

  for (auto [Call, Callee] : Calls) {
    Domain Target = domainOf(*Callee);
    if (Target.kind == Domain::Shared || Target == Caller)
      continue;
    const Annotation *Ann = A.find(Callee);
    if (Ann && Ann->role == Role::Internal) {
      errorAtCall(*Call, "call to '" + Callee->getName() +
                             "', internal to compartment '" +
                             Ann->compartment + "', from " +
                             Caller.describe() + " (function '" + F.getName() +
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

  insertGate(&Call, symbolFor(Callee));
  std::string Back = symbolFor(Caller);
  if (auto *II = dyn_cast<InvokeInst>(&Call)) {
    // Re-entering the caller's domain at the start of a successor is right
    // whichever way control got there.
    insertGate(&*II->getNormalDest()->getFirstInsertionPt(), Back);
    insertGate(&*II->getUnwindDest()->getFirstInsertionPt(), Back);
  } else {
    insertGate(Call.getNextNode(), Back);
  }
}

void Instrumenter::run() {
  for (const auto &Entry : A.all())
    if (Entry.second.role == Role::Data)
      placeData(*cast<GlobalVariable>(const_cast<GlobalValue *>(Entry.first)),
                Entry.second.compartment);
  for (Function &F : M)
    if (!F.isDeclaration())
      gateCalls(F);
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
  Annotations A = Annotations::read(M);
  if (!WholeModuleCompartment.empty()) {
    if (!isCIdentifier(WholeModuleCompartment))
      M.getContext().emitError("bulkhead: -fpkey-compartment name '" +
                               WholeModuleCompartment +
                               "' is not a C identifier");
    else
      A.claimWholeModule(M, WholeModuleCompartment);
  }
  if (!A.hadErrors())
    Instrumenter(M, A).run();
  dropCallSiteMarkers(M);
  M.addModuleFlag(Module::Warning, DoneFlag, 1);
  return PreservedAnalyses::none();
}

} // namespace bulkhead
