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
// personality it will have; a function it already listed is not listed
// again.
//
// An entry names a start address, and the runtime trusts the FDE that
// begins there. A function with no code at all (its every path ends in
// `unreachable`, say flowing off the end of an int function) starts where
// the next code starts, another object's maybe, whose FDE would be
// trusted (review 68a, attacks-rev68a-empty-listed-function.cpp). So a
// listed function gets a trap before each `unreachable` that no call
// precedes: every path through it then emits an instruction.
#include "OwnCode.h"

#include "../include/bulkhead/abi.h"

#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/GlobalAlias.h"
#include "llvm/IR/GlobalVariable.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Metadata.h"
#include "llvm/IR/Module.h"
#include "llvm/Transforms/Utils/ModuleUtils.h"

using namespace llvm;

namespace bulkhead {

// Whether I emits a call instruction for sure: a call of a function, not of
// an intrinsic or inline asm (which may emit nothing).
static bool emitsCall(const Instruction *I) {
  auto *C = dyn_cast_or_null<CallBase>(I);
  return C && !C->isInlineAsm() && !isa<IntrinsicInst>(C);
}

// A trap before each `unreachable` of F that no call precedes, so that F
// has at least one instruction (above). Returns whether it added one.
static bool neverEmpty(Function &F) {
  SmallVector<Instruction *, 4> At;
  for (Instruction &I : instructions(F))
    if (isa<UnreachableInst>(I)) {
      const Instruction *Prev = I.getPrevNode();
      while (Prev && Prev->isDebugOrPseudoInst()) // as with no -g
        Prev = Prev->getPrevNode();
      auto *II = dyn_cast_or_null<IntrinsicInst>(Prev);
      if (!emitsCall(Prev) && !(II && II->getIntrinsicID() == Intrinsic::trap))
        At.push_back(&I);
    }
  for (Instruction *I : At)
    IRBuilder<>(I).CreateIntrinsic(Intrinsic::trap, ArrayRef<Type *>(),
                                   ArrayRef<Value *>());
  return !At.empty();
}

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
  bool Changed = false;
  for (Function &F : M) {
    if (Listed.count(&F)) // listed before (an LTO link): maybe emptied since
      Changed |= neverEmpty(F);
    if (F.isDeclaration() || !F.hasPersonalityFn() || Listed.count(&F) ||
        F.hasAvailableExternallyLinkage())
      continue;
    neverEmpty(F);
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
    return Changed ? PreservedAnalyses::none() : PreservedAnalyses::all();
  appendToCompilerUsed(M, Entries);
  return PreservedAnalyses::none();
}

} // namespace bulkhead
