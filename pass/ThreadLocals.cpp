// ThreadLocals.cpp - compartment code reaches its own thread-local
// variables without the thread pointer at %fs:0.
//
// The backend addresses a thread-local variable %fs-relative where it can
// fold the access (`movl %edi, %fs:x@TPOFF` at -O2), but at -O0 (fast
// instruction selection), and for any address that escapes (`&x`), it
// computes the address as the word at %fs:0 plus x@TPOFF. That word is
// key-0 memory: rewritten by the default domain, it moves the compartment's
// writes, made with its rights, to an address of the attacker's choice
// (runtime/attacks-compartment-tls.c; threat-model.md, "errno and the
// thread pointer"). So, in compartment code, each llvm.threadlocal.address
// of a variable becomes:
//  - for loads and stores through it (also through GEPs of it), an
//    %fs-relative pointer (address space 257) at the variable's offset,
//    read from its GOT entry (`movq x@GOTTPOFF(%rip)`, read-only after
//    start-up; the linker may turn it into an immediate);
//  - for any other use, the FS base the CPU reports (the runtime's
//    __bulkhead_fs_base: RDFSBASE or arch_prctl) plus that offset.
// The pass's own thread-local slots are added later and stay as they are
// (keepStackSlots' accesses are folded: a function calling setjmp is never
// selected by fast instruction selection).
#include "ThreadLocals.h"
#include "Instrumenter.h"

#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InlineAsm.h"
#include "llvm/IR/IntrinsicInst.h"

using namespace llvm;

namespace bulkhead {

static constexpr unsigned FsAddressSpace = 257; // x86: %fs-relative
static constexpr StringRef FsBaseFunction = BH_SYM_FS_BASE;

// The variable's offset from the FS base, as the initial-exec model reads
// it: from its GOT entry, or an immediate where the linker relaxes that.
static constexpr StringRef OffsetAsm = "movq ${1:p}@gottpoff(%rip), $0";
static Value *offsetOf(IRBuilder<> &B, GlobalValue &TL) {
  auto *FT = FunctionType::get(B.getInt64Ty(), {TL.getType()}, false);
  auto *Asm = InlineAsm::get(FT, OffsetAsm, "=r,s", /*hasSideEffects=*/false);
  CallInst *Offset = B.CreateCall(FT, Asm, {&TL}, TL.getName() + ".tpoff");
  // A link-time constant: free to merge and hoist.
  Offset->setDoesNotAccessMemory();
  Offset->setDoesNotThrow();
  return Offset;
}

namespace {
// Rewrites the uses of one variable's address in one function.
class OwnTlsRewriter {
public:
  OwnTlsRewriter(Module &M) : M(M) {}

  // V: a generic pointer derived from the variable's address; Fs: the same
  // address, %fs-relative.
  void rewrite(Value *V, Value *Fs) {
    SmallVector<Use *, 8> Uses;
    for (Use &U : V->uses())
      Uses.push_back(&U);
    for (Use *U : Uses) {
      auto *User = cast<Instruction>(U->getUser());
      if (auto *Ld = dyn_cast<LoadInst>(User);
          Ld && U->getOperandNo() == LoadInst::getPointerOperandIndex()) {
        U->set(Fs);
        continue;
      }
      if (auto *St = dyn_cast<StoreInst>(User);
          St && U->getOperandNo() == StoreInst::getPointerOperandIndex()) {
        U->set(Fs);
        continue;
      }
      if (auto *GEP = dyn_cast<GetElementPtrInst>(User);
          GEP && U->getOperandNo() == GEP->getPointerOperandIndex()) {
        IRBuilder<> B(GEP);
        SmallVector<Value *, 4> Indices(GEP->indices());
        Value *FsGEP = B.CreateGEP(GEP->getSourceElementType(), Fs, Indices,
                                   GEP->getName() + ".fs", GEP->isInBounds());
        rewrite(GEP, FsGEP);
        if (GEP->use_empty())
          GEP->eraseFromParent();
        continue;
      }
      U->set(generic(*U, Fs)); // the address escapes
    }
  }

private:
  // The FS base from the CPU plus Fs's offset, computed just before the use
  // (for a phi, at the end of the incoming block).
  Value *generic(Use &U, Value *Fs) {
    Instruction *At = cast<Instruction>(U.getUser());
    if (auto *Phi = dyn_cast<PHINode>(At))
      At = Phi->getIncomingBlock(U)->getTerminator();
    IRBuilder<> B(At);
    auto *Ptr = B.getPtrTy();
    FunctionCallee FsBase =
        M.getOrInsertFunction(FsBaseFunction, FunctionType::get(Ptr, false));
    cast<Function>(FsBase.getCallee())
        ->setVisibility(GlobalValue::HiddenVisibility);
    Value *Base = B.CreateCall(FsBase, {}, "fs.base");
    return B.CreateGEP(B.getInt8Ty(), Base,
                       B.CreatePtrToInt(Fs, B.getInt64Ty()), "tls.address");
  }

  Module &M;
};
} // namespace

const Value *fsRelativeOf(const Value *Ptr) {
  auto *GEP = dyn_cast<GetElementPtrInst>(Ptr);
  if (!GEP || GEP->getNumIndices() != 1 ||
      !GEP->getSourceElementType()->isIntegerTy(8))
    return nullptr;
  auto *Base = dyn_cast<CallInst>(GEP->getPointerOperand());
  auto *F = Base ? Base->getCalledFunction() : nullptr;
  auto *Fs = dyn_cast<PtrToIntInst>(GEP->idx_begin()->get());
  if (!F || F->getName() != FsBaseFunction || !Fs)
    return nullptr;
  return Fs->getPointerOperand();
}

const GlobalVariable *threadLocalAt(const Value *Ptr) {
  if (auto *II = dyn_cast<IntrinsicInst>(Ptr);
      II && II->getIntrinsicID() == Intrinsic::threadlocal_address)
    return dyn_cast<GlobalVariable>(II->getArgOperand(0)->stripPointerCasts());
  auto *Fs = dyn_cast<IntToPtrInst>(Ptr);
  auto *Offset = Fs ? dyn_cast<CallInst>(Fs->getOperand(0)) : nullptr;
  auto *Asm = Offset ? dyn_cast<InlineAsm>(Offset->getCalledOperand()) : nullptr;
  if (!Asm || Asm->getAsmString() != OffsetAsm)
    return nullptr;
  auto *GV = dyn_cast<GlobalVariable>(Offset->getArgOperand(0));
  return GV && GV->isThreadLocal() ? GV : nullptr;
}

void Instrumenter::rewriteOwnThreadLocals() {
  OwnTlsRewriter Rewriter(M);
  for (Function &F : M) {
    if (F.isDeclaration() || F.hasFnAttribute(WrapperAttr) ||
        domainOf(F).kind != Domain::Compartment)
      continue;
    SmallVector<IntrinsicInst *, 8> Addresses;
    for (BasicBlock &BB : F)
      for (Instruction &I : BB)
        if (auto *II = dyn_cast<IntrinsicInst>(&I);
            II && II->getIntrinsicID() == Intrinsic::threadlocal_address)
          Addresses.push_back(II);
    for (IntrinsicInst *II : Addresses) {
      auto *TL =
          dyn_cast<GlobalValue>(II->getArgOperand(0)->stripPointerCasts());
      if (!TL || !TL->isThreadLocal())
        continue;
      IRBuilder<> B(II);
      Value *Fs = B.CreateIntToPtr(
          offsetOf(B, *TL), PointerType::get(M.getContext(), FsAddressSpace),
          TL->getName() + ".fs");
      Rewriter.rewrite(II, Fs);
      if (II->use_empty())
        II->eraseFromParent();
    }
  }
}

} // namespace bulkhead
