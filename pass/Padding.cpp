// Padding.cpp - see Padding.h. Runs before any optimization (the pass's
// pipeline-start callback), where clang's coerced loads still read the
// struct's own variable: a local's type says where its padding is. Later
// SROA would leave those bytes undefined, which the backend fills with
// whatever a register held: a vault that copied a key word into a struct
// returned the word's bytes in its padding (attacks-struct-padding.c).
#include "Padding.h"

#include "llvm/IR/DataLayout.h"
#include "llvm/IR/DerivedTypes.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/GlobalVariable.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Module.h"

#include <optional>
#include <vector>

using namespace llvm;

namespace bulkhead {

// Marks false in Pad (bytes [Lo, Lo + Pad.size()) of the object) each byte
// an element of type T at byte At holds data in. Padding: the gaps a
// struct's layout leaves between and after its elements, and a scalar's
// bytes past its store size (a long double's 6). Every byte of a union
// (clang: a struct named union.*, typed as one of its members) is data.
static void markData(const DataLayout &DL, Type *T, uint64_t At, uint64_t Lo,
                     std::vector<bool> &Pad) {
  uint64_t Hi = Lo + Pad.size(), Size = DL.getTypeAllocSize(T);
  if (At >= Hi || At + Size <= Lo)
    return;
  auto Data = [&](uint64_t From, uint64_t N) {
    for (uint64_t I = std::max(From, Lo); I < std::min(From + N, Hi); ++I)
      Pad[I - Lo] = false;
  };
  if (auto *ST = dyn_cast<StructType>(T)) {
    if (ST->hasName() && ST->getName().starts_with("union.")) {
      Data(At, Size);
      return;
    }
    const StructLayout *SL = DL.getStructLayout(ST);
    for (unsigned E = 0; E < ST->getNumElements(); ++E)
      markData(DL, ST->getElementType(E),
               At + SL->getElementOffset(E).getFixedValue(), Lo, Pad);
  } else if (auto *AT = dyn_cast<ArrayType>(T)) {
    uint64_t Stride = DL.getTypeAllocSize(AT->getElementType());
    if (!Stride)
      return;
    // Only the elements that meet the window.
    uint64_t First = At >= Lo ? 0 : (Lo - At) / Stride;
    for (uint64_t K = First; K < AT->getNumElements() && At + K * Stride < Hi;
         ++K)
      markData(DL, AT->getElementType(), At + K * Stride, Lo, Pad);
  } else {
    Data(At, DL.getTypeStoreSize(T));
  }
}

// The bytes of the N at Off in a variable of type T that are padding.
static std::vector<bool> paddingOf(const DataLayout &DL, Type *T, uint64_t Off,
                                   uint64_t N) {
  std::vector<bool> Pad(N, true);
  markData(DL, T, 0, Off, Pad);
  return Pad;
}

// The mask of an integer of type IT at byte Off of Pad that keeps its data
// bytes, or none if it has no padding byte.
static std::optional<APInt> dataMask(IntegerType *IT,
                                     const std::vector<bool> &Pad,
                                     uint64_t Off) {
  APInt Keep = APInt::getAllOnes(IT->getBitWidth());
  bool Any = false;
  for (unsigned Bit = 0; Bit < IT->getBitWidth(); ++Bit)
    if (Off + Bit / 8 < Pad.size() && Pad[Off + Bit / 8]) {
      Keep.clearBit(Bit);
      Any = true;
    }
  if (!Any)
    return std::nullopt;
  return Keep;
}

// The object Load reads: a local or global variable of a known type, the
// offset in it added to Off. A temporary that clang copied the struct into
// first (its coerced type is bigger than the struct: a 12-byte struct
// passed as {i64, i32}) stands for the struct it copies, bytes past the
// copy being padding (attacks-rev84b-padding-shapes.c).
struct Source {
  Type *Object = nullptr;
  uint64_t Copied = UINT64_MAX; // bytes of Object the load's memory holds
};
static Source sourceOf(const DataLayout &DL, LoadInst &Load, APInt &Off) {
  const Value *Base =
      Load.getPointerOperand()->stripAndAccumulateConstantOffsets(
          DL, Off, /*AllowNonInbounds=*/true);
  if (auto *GV = dyn_cast<GlobalVariable>(Base))
    return {GV->getValueType()};
  auto *AI = dyn_cast<AllocaInst>(Base);
  if (!AI)
    return {};
  // The last write before the load in its block, if it is a copy into AI.
  for (Instruction *I = Load.getPrevNode(); I; I = I->getPrevNode()) {
    if (!I->mayWriteToMemory())
      continue;
    auto *Copy = dyn_cast<MemCpyInst>(I);
    auto *Len = Copy ? dyn_cast<ConstantInt>(Copy->getLength()) : nullptr;
    if (!Len || Copy->getDest()->stripPointerCasts() != AI)
      break;
    APInt From(Off.getBitWidth(), 0);
    const Value *Src = Copy->getSource()->stripAndAccumulateConstantOffsets(
        DL, From, /*AllowNonInbounds=*/true);
    if (!isa<AllocaInst>(Src) && !isa<GlobalVariable>(Src))
      return {}; // from behind a pointer: the type is not known
    uint64_t Copied = Len->getZExtValue();
    Off += From;
    if (auto *SrcAI = dyn_cast<AllocaInst>(Src))
      return {SrcAI->getAllocatedType(), From.getZExtValue() + Copied};
    return {cast<GlobalVariable>(Src)->getValueType(),
            From.getZExtValue() + Copied};
  }
  return {AI->getAllocatedType()};
}

// The integer of a part of a loaded value's bytes: an integer itself, or
// a vector's (a struct of a _Float16 and a float is passed as <4 x half>).
static IntegerType *bitsOf(const DataLayout &DL, Type *T) {
  if (auto *IT = dyn_cast<IntegerType>(T))
    return IT;
  auto *VT = dyn_cast<FixedVectorType>(T);
  if (!VT || VT->getElementType()->isPointerTy() ||
      DL.getTypeSizeInBits(VT) != 8 * DL.getTypeStoreSize(VT))
    return nullptr;
  return IntegerType::get(T->getContext(), DL.getTypeSizeInBits(VT));
}

// V and-ed with Keep, as the integer IT of its bytes.
static Value *mask(IRBuilderBase &B, Value *V, IntegerType *IT,
                   const APInt &Keep) {
  if (V->getType() == IT)
    return B.CreateAnd(V, ConstantInt::get(IT, Keep));
  return B.CreateBitCast(
      B.CreateAnd(B.CreateBitCast(V, IT), ConstantInt::get(IT, Keep)),
      V->getType());
}

Value *clearPadding(IRBuilderBase &B, Value *V) {
  auto *Load = dyn_cast<LoadInst>(V);
  if (!Load || Load->isVolatile())
    return V;
  const DataLayout &DL = Load->getModule()->getDataLayout();
  APInt Off(DL.getIndexTypeSizeInBits(Load->getPointerOperandType()), 0);
  Source S = sourceOf(DL, *Load, Off);
  if (!S.Object || Off.isNegative())
    return V;
  uint64_t At = Off.getZExtValue(), N = DL.getTypeStoreSize(V->getType());
  std::vector<bool> Pad = paddingOf(DL, S.Object, At, N);
  for (uint64_t I = 0; I < N; ++I)
    if (At + I >= S.Copied)
      Pad[I] = true;
  if (IntegerType *IT = bitsOf(DL, V->getType())) {
    if (auto Keep = dataMask(IT, Pad, 0))
      return mask(B, V, IT, *Keep);
    return V;
  }
  auto *ST = dyn_cast<StructType>(V->getType());
  if (!ST)
    return V;
  // A struct of integers and others ({i64, i64}, {i64, double},
  // {<4 x half>, float}): each element at its place in the literal struct.
  const StructLayout *SL = DL.getStructLayout(ST);
  Value *Out = V;
  for (unsigned E = 0; E < ST->getNumElements(); ++E)
    if (IntegerType *IT = bitsOf(DL, ST->getElementType(E)))
      if (auto Keep =
              dataMask(IT, Pad, SL->getElementOffset(E).getFixedValue()))
        Out = B.CreateInsertValue(
            Out, mask(B, B.CreateExtractValue(Out, E), IT, *Keep), E);
  return Out;
}

void clearResultPadding(Function &F) {
  for (BasicBlock &BB : F)
    if (auto *Ret = dyn_cast<ReturnInst>(BB.getTerminator()))
      if (Value *V = Ret->getReturnValue()) {
        IRBuilder<> B(Ret);
        Ret->setOperand(0, clearPadding(B, V));
      }
}

} // namespace bulkhead
