// Compartments.cpp - what the pass emits for each compartment: its
// descriptor (the contract's BH_DOMAIN_* layout), the marker that needs the
// runtime, and its data on pages of its own (docs/design.md, steps 3-4).
#include "../include/bulkhead/abi.h"
#include "Annotations.h"
#include "AsmEmitter.h"
#include "Diagnostics.h"
#include "Gate.h"
#include "Instrumenter.h"
#include "StandIns.h"

#include "llvm/ADT/SmallVector.h"
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

namespace bulkhead {

Constant *Instrumenter::getOrCreateNameString(StringRef Compartment) {
  Constant *Init = ConstantDataArray::getString(M.getContext(), Compartment);
  auto *GV =
      new GlobalVariable(M, Init->getType(), true, GlobalValue::PrivateLinkage,
                         Init, ".bulkhead.name." + Compartment);
  GV->setUnnamedAddr(GlobalValue::UnnamedAddr::Global);
  return GV;
}

std::string Instrumenter::symbolFor(const Domain &D) {
  if (D.kind != Domain::Compartment)
    return BH_SYM_DOMAIN0;
  return getOrCreateDescriptor(D.name)->getName().str();
}

// The compartment's descriptor (struct bulkhead_domain in runtime/abi.h),
// created on first use: linkonce_odr in a comdat, so every module may emit
// it and the linker keeps one.
// __bulkhead_slot_address.<c>: the calling thread's address of c's stack
// slot, for the descriptor (runtime/abi.h). Naked, one fixed sequence
// (BH_SLOT_ADDRESS_ASM), whatever the optimisation level: registration
// after dlopen decodes it instead of running the object's code.
Function *Instrumenter::getOrCreateSlotAddressFunction(StringRef Compartment) {
  std::string Name = (BH_SYM_SLOT_ADDRESS_PREFIX + Compartment).str();
  if (Function *F = M.getFunction(Name))
    return F;
  auto *Ptr = PointerType::getUnqual(M.getContext());
  Function *F = Function::Create(FunctionType::get(Ptr, false),
                                 GlobalValue::LinkOnceODRLinkage, Name, M);
  F->setVisibility(GlobalValue::HiddenVisibility);
  F->setComdat(M.getOrInsertComdat(Name));
  F->addFnAttr(WrapperAttr); // not instrumented
  F->addFnAttr(Attribute::Naked);
  F->addFnAttr(Attribute::NoInline);
  F->addFnAttr(Attribute::NoUnwind);
  std::string Slot =
      getOrCreateStackSlot({Domain::Compartment, Compartment})->getName().str();
  std::string Asm = BH_SLOT_ADDRESS_ASM("SLOT");
  Asm.replace(Asm.find("SLOT"), 4, Slot);
  IRBuilder<> B(BasicBlock::Create(M.getContext(), "", F));
  B.CreateCall(InlineAsm::get(FunctionType::get(B.getVoidTy(), false), Asm,
                              "~{rax},~{dirflag},~{fpsr},~{flags}",
                              /*hasSideEffects=*/true));
  B.CreateUnreachable();
  return F;
}

GlobalVariable *Instrumenter::getOrCreateStats(StringRef Compartment) {
  std::string Name = (BH_SYM_STATS_PREFIX + Compartment).str();
  if (GlobalVariable *GV = M.getGlobalVariable(Name))
    return GV;
  auto *Ty =
      ArrayType::get(Type::getInt64Ty(M.getContext()), BH_STATS_SIZE / 8);
  auto *GV = new GlobalVariable(M, Ty, false, GlobalValue::LinkOnceODRLinkage,
                                ConstantAggregateZero::get(Ty), Name);
  GV->setVisibility(GlobalValue::HiddenVisibility);
  GV->setComdat(M.getOrInsertComdat(Name));
  GV->setAlignment(Align(64)); // its own cache line: counted with lock incq
  appendToUsed(M, {GV});       // referenced only from inline asm
  return GV;
}

void Instrumenter::countCrossing(AsmEmitter &E, const Domain &From,
                                 const Domain &To) {
  if (To.kind == Domain::Compartment)
    E.count(getOrCreateStats(To.name)->getName(), BH_STATS_ENTRIES);
  if (From.kind == Domain::Compartment)
    E.count(getOrCreateStats(From.name)->getName(), BH_STATS_CALLS_OUT);
}

// The descriptor's IR type must lay out as the contract says
// (include/bulkhead/abi.h, BH_DOMAIN_*), which the runtime's struct and
// assembly assume: a mismatch (another target's pointer size, a field
// added on one side) would make every gate read the wrong word.
static void checkDescriptorLayout(const DataLayout &DL, StructType *Ty) {
  static const uint64_t Offsets[] = {
      BH_DOMAIN_PKRU,         BH_DOMAIN_PKEY,       BH_DOMAIN_ABI_VERSION,
      BH_DOMAIN_ENFORCED,     BH_DOMAIN_NAME,       BH_DOMAIN_DATA_START,
      BH_DOMAIN_DATA_END,     BH_DOMAIN_STACK_LO,   BH_DOMAIN_STACK_HI,
      BH_DOMAIN_SLOT_ADDRESS, BH_DOMAIN_STATS,      BH_DOMAIN_COUNTING,
      BH_DOMAIN_OWNER_CHECK,  BH_DOMAIN_VECTOR_STATE, BH_DOMAIN_HEADER_SIZE};
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

GlobalVariable *Instrumenter::getOrCreateDescriptor(StringRef Compartment) {
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
  auto *Ty = StructType::get(Ctx, {I32, I32, I32, I32, Ptr, Ptr, Ptr, Ptr, Ptr,
                                   Ptr, Ptr, I32, I32, I32, PadTy});
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
      getOrCreateNameString(Compartment),
      Bound("__start_"),
      Bound("__stop_"),
      ConstantPointerNull::get(Ptr), // stack arena, set at start-up
      ConstantPointerNull::get(Ptr),
      StackSwitching ? (Constant *)getOrCreateSlotAddressFunction(Compartment)
                     : ConstantPointerNull::get(Ptr),
      getOrCreateStats(Compartment),
      ConstantInt::get(I32, 0), // counting: the default descriptor's
      ConstantInt::get(I32, 0), // and so are owner_check
      ConstantInt::get(I32, 0), // and vector_state
      ConstantAggregateZero::get(PadTy)};
  auto *GV = new GlobalVariable(M, Ty, false, GlobalValue::LinkOnceODRLinkage,
                                ConstantStruct::get(Ty, Fields), Name);
  GV->setVisibility(GlobalValue::HiddenVisibility);
  GV->setComdat(M.getOrInsertComdat(Name));
  GV->setSection(BH_SECTION_DOMAINS);
  GV->setAlignment(Align(BH_PAGE));
  appendToUsed(M, {GV}); // referenced only from inline asm and the runtime
  markCompartments();
  markStackMode(Compartment);
  Slot = GV;
  return GV;
}

// Defines the compartment's stack-mode symbol (BH_SYM_STACK_MODE_PREFIX in
// include/bulkhead/abi.h): a link of modules built in both modes fails
// with a duplicate definition of it, where it would otherwise keep one of
// two different descriptors and stop at the run-time way back.
void Instrumenter::markStackMode(StringRef Compartment) {
  std::string Name = (BH_SYM_STACK_MODE_PREFIX + Compartment).str();
  if (M.getGlobalVariable(Name, true))
    return;
  auto *I8 = Type::getInt8Ty(M.getContext());
  auto *GV = new GlobalVariable(M, I8, true, GlobalValue::ExternalLinkage,
                                ConstantInt::get(I8, 0), Name);
  GV->setVisibility(GlobalValue::HiddenVisibility);
  GV->setComdat(M.getOrInsertComdat(
      Name + (StackSwitching ? BH_STACK_MODE_OWN : BH_STACK_MODE_SHARED)));
  appendToUsed(M, {GV});
}

// Defines __bulkhead_compartment_marker. It refers to a symbol only the
// runtime and its part for shared objects define (runtime/dso-object.c,
// which that reference pulls into a shared object's link), so a link
// without either fails (StandIns.h).
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
  getOrCreateDescriptor(Compartment);
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

Domain Instrumenter::domainOfData(const GlobalVariable &GV) const {
  if (const Annotation *Ann = A.find(&GV))
    return {Domain::Compartment, Ann->compartment};
  return {Domain::Default, ""};
}

} // namespace bulkhead
