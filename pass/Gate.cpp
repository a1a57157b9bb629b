// Gate.cpp - see Gate.h.
#include "Gate.h"
#include "../include/bulkhead/abi.h"
#include "AsmEmitter.h"
#include "Padding.h"
#include "ScrubRoutines.h"

#include "llvm/ADT/Statistic.h"
#include "llvm/IR/DerivedTypes.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InlineAsm.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Transforms/Utils/BasicBlockUtils.h"

using namespace llvm;

#define DEBUG_TYPE "bulkhead"
STATISTIC(NumGates, "Checked gates inserted into code");
STATISTIC(NumGatesIfNeeded, "Gates skipped when the rights are held");
STATISTIC(NumRightsChecks, "Checks that the rights are held (no gate)");

namespace bulkhead {

// The registers a scrubbing gate writes are clobbers: the compiler keeps
// live values (arguments, results) elsewhere across the gate.
static void insertAsm(Instruction *Before, AsmEmitter &Gate, bool Scrubbing) {
  // The memory clobber keeps loads and stores of compartment data on the
  // side of the gate where the code put them.
  std::string Clobbers =
      "~{eax},~{ecx},~{edx},~{memory},~{dirflag},~{fpsr},~{flags}";
  std::string Asm = Gate.text();
  if (Scrubbing) {
    AsmEmitter Scrub;
    Scrub.scrubGateRegisters(Clobbers);
    defineScrubRoutines(*Before->getModule(), Scrub.scrubRoutines());
    Asm = Scrub.text() + Asm;
  }
  auto *Ty = FunctionType::get(Type::getVoidTy(Before->getContext()), false);
  auto *IA = InlineAsm::get(Ty, Asm, Clobbers, /*hasSideEffects=*/true);
  IRBuilder<> B(Before);
  B.CreateCall(IA);
}

void insertScrub(Instruction *Before) {
  AsmEmitter Nothing;
  if (scrubsRegisters())
    insertAsm(Before, Nothing, /*Scrubbing=*/true);
}

void insertSteps(Instruction *Before, const AsmEmitter &Steps) {
  if (Steps.text().empty())
    return;
  auto *Ty = FunctionType::get(Type::getVoidTy(Before->getContext()), false);
  IRBuilder<>(Before).CreateCall(
      InlineAsm::get(Ty, Steps.text(), "~{memory},~{dirflag},~{fpsr},~{flags}",
                     /*hasSideEffects=*/true));
}

void insertGate(Instruction *Before, StringRef DomainSymbol, bool Scrubbing) {
  AsmEmitter Gate;
  Gate.checkedGate(DomainSymbol);
  insertAsm(Before, Gate, Scrubbing);
  ++NumGates;
}

void insertReenterDefault(Instruction *Before) {
  auto *Ty = FunctionType::get(Type::getVoidTy(Before->getContext()), false);
  IRBuilder<>(Before).CreateCall(InlineAsm::get(
      Ty, "callq " BH_SYM_REENTER_DEFAULT,
      "~{memory},~{dirflag},~{fpsr},~{flags}", /*hasSideEffects=*/true));
}

void insertGateIfNeeded(Instruction *Before, StringRef DomainSymbol,
                        bool Scrubbing, bool CheckStack) {
  AsmEmitter Gate;
  Gate.gateIfNeeded(DomainSymbol, CheckStack);
  insertAsm(Before, Gate, Scrubbing);
  ++NumGatesIfNeeded;
}

void insertRightsCheck(Instruction *Before, StringRef DomainSymbol,
                       bool CheckStack) {
  AsmEmitter Check;
  Check.trapUnlessHeld(DomainSymbol, CheckStack);
  insertAsm(Before, Check, /*Scrubbing=*/false);
  ++NumRightsChecks;
}

// After a setjmp-like call: a longjmp from another domain (a compartment's
// own, to a setjmp of the default domain's) arrives with that domain's
// registers, and the gate back skipped every scrub (review 79b,
// attacks-rev79b-longjmp-vectors.c: the vault's key in ymm registers, then
// in the default domain's signal frame). The caller-saved registers but
// the result are cleared first, in place: the rights are still the
// jumper's and the stack may be any domain's, so no call pushes a return
// address there. Whichever way setjmp returned: they are dead after it.
void insertGateIfNeededKeeping(CallBase &Call, StringRef DomainSymbol,
                               bool CheckStack) {
  Instruction *After = Call.getNextNode();
  std::string Clobbers =
      "~{eax},~{ecx},~{edx},~{memory},~{dirflag},~{fpsr},~{flags}";
  AsmEmitter Scrub;
  Scrub.scrubGateRegisters(Clobbers, /*InPlace=*/true);
  AsmEmitter Gate;
  Gate.gateIfNeeded(DomainSymbol, CheckStack);
  ++NumGatesIfNeeded;
  std::string Text = Scrub.text() + Gate.text();
  if (Call.getType()->isVoidTy()) {
    auto *Ty = FunctionType::get(Type::getVoidTy(Call.getContext()), false);
    IRBuilder<>(After).CreateCall(
        InlineAsm::get(Ty, Text, Clobbers, /*hasSideEffects=*/true));
    return;
  }
  auto *Ty = FunctionType::get(Call.getType(), {Call.getType()}, false);
  auto *IA = InlineAsm::get(Ty, Text, "=r,0," + Clobbers,
                            /*hasSideEffects=*/true);
  CallInst *Kept = IRBuilder<>(After).CreateCall(IA, {&Call});
  Call.replaceUsesWithIf(Kept, [&](Use &U) { return U.getUser() != Kept; });
}

// V, an integer narrower than 64 bits, cut to its width: zext (a 32-bit
// or narrower move, which clears the rest of the register), then an asm
// the optimizer cannot see through; the trunc after it costs nothing and
// every later copy is of the cut register.
static Value *cutToWidth(IRBuilder<> &B, Value *V) {
  Type *I64 = B.getInt64Ty();
  auto *IA = InlineAsm::get(FunctionType::get(I64, {I64}, false), "", "=r,0",
                            /*hasSideEffects=*/false);
  return B.CreateTrunc(B.CreateCall(IA, {B.CreateZExt(V, I64)}), V->getType());
}

static bool isNarrowInteger(Type *T) {
  return T->isIntegerTy() && T->getIntegerBitWidth() < 64;
}

// V, a result, with each narrow integer in it cut: V itself, or an element
// of a struct returned in two registers ({i64, i8}: a char after a long).
static Value *cutNarrowIntegers(IRBuilder<> &B, Value *V) {
  if (isNarrowInteger(V->getType()))
    return cutToWidth(B, V);
  auto *ST = cast<StructType>(V->getType());
  for (unsigned E = 0; E < ST->getNumElements(); ++E)
    if (isNarrowInteger(ST->getElementType(E)))
      V = B.CreateInsertValue(V, cutToWidth(B, B.CreateExtractValue(V, E)), E);
  return V;
}

void cutIntegerResult(CallBase &Call) {
  Type *T = Call.getType();
  auto *ST = dyn_cast<StructType>(T);
  if (!(isNarrowInteger(T) ||
        (ST && llvm::any_of(ST->elements(), isNarrowInteger))) ||
      !scrubsRegisters())
    return;
  Instruction *At = Call.getNextNode();
  if (auto *II = dyn_cast<InvokeInst>(&Call)) {
    // An invoke's result is defined on its normal edge only: cut at the
    // start of a block that only that edge reaches, before the gate back
    // at the start of the normal destination (afterCall). A destination
    // other edges reach gets a block of its own on this edge; in one only
    // this edge reaches, a phi of the result (one entry) goes, so that no
    // use of the uncut value stays above the cut. Before this, a C++ call
    // into a compartment that may throw kept the compartment's bits above
    // its result in the register the caller carried it in across its gate
    // (attacks-invoke-narrow-result.cpp).
    BasicBlock *Normal = II->getNormalDest();
    if (Normal->getSinglePredecessor())
      FoldSingleEntryPHINodes(Normal);
    else
      Normal = SplitCriticalEdge(II, 0);
    if (!Normal)
      report_fatal_error("bulkhead: cannot split an invoke's normal edge");
    At = &*Normal->getFirstInsertionPt();
  }
  SmallVector<Use *, 8> Uses;
  for (Use &U : Call.uses())
    Uses.push_back(&U);
  IRBuilder<> B(At);
  Value *Cut = cutNarrowIntegers(B, &Call);
  for (Use *U : Uses)
    U->set(Cut);
}

// The bytes of its xmm register that an argument of type T fills, if it
// leaves the rest: a float, double or half, or a vector narrower than 16
// bytes of lanes LLVM can view as integers of 8 to 64 bits (a struct of
// two floats or a _Complex float as <2 x float>, a float3 as
// <3 x float>, a _Complex _Float16 as <2 x half>). 0 for any other type.
static unsigned laneBytes(const DataLayout &DL, Type *T) {
  if (T->isHalfTy() || T->isFloatTy() || T->isDoubleTy())
    return DL.getTypeStoreSize(T);
  auto *VT = dyn_cast<FixedVectorType>(T);
  if (!VT || VT->getElementType()->isPointerTy())
    return 0;
  unsigned W = VT->getScalarSizeInBits(), Bytes = DL.getTypeStoreSize(VT);
  return W >= 8 && 128 % W == 0 && Bytes < 16 && DL.getTypeAllocSize(VT) <= 16
             ? Bytes
             : 0;
}

// An asm of type FT that keeps the low Bytes of its xmm operand and clears
// the rest, as the trampolines' way back does (scrubVectorsKeeping).
static InlineAsm *cutXmm(FunctionType *FT, unsigned Bytes) {
  std::string Shift = "$$" + std::to_string(16 - Bytes);
  return InlineAsm::get(FT,
                        Bytes == 8 ? "movq $0, $0"
                                   : "pslldq " + Shift + ", $0\n\tpsrldq " +
                                         Shift + ", $0",
                        "=x,0", /*hasSideEffects=*/false);
}

// V, of laneBytes' Bytes, with the rest of its xmm register cleared. LLVM
// has no register for an "x" operand of a half or of most narrow vector
// types, so the asm sees 16 bytes of integer lanes, V's first, and the
// value never passes through a general register (a half back from one
// comes with pinsrw, which keeps the other lanes of whatever register it
// lands in).
static Value *cutToLane(IRBuilder<> &B, Value *V, unsigned Bytes) {
  Type *T = V->getType();
  if (T->isFloatTy() || T->isDoubleTy())
    return B.CreateCall(cutXmm(FunctionType::get(T, {T}, false), Bytes), {V});
  unsigned W = T->getScalarSizeInBits();
  auto *Wide = FixedVectorType::get(B.getIntNTy(W), 128 / W);
  auto Cut = [&](Value *Lanes) {
    return B.CreateCall(cutXmm(FunctionType::get(Wide, {Wide}, false), Bytes),
                        {Lanes});
  };
  if (T->isHalfTy()) {
    auto *Halves = FixedVectorType::get(T, 8);
    Value *In = B.CreateInsertElement(PoisonValue::get(Halves), V,
                                      B.getInt64(0));
    return B.CreateExtractElement(
        B.CreateBitCast(Cut(B.CreateBitCast(In, Wide)), Halves), B.getInt64(0));
  }
  unsigned N = cast<FixedVectorType>(T)->getNumElements();
  SmallVector<int, 16> ToWide(128 / W, PoisonMaskElem), Back(N);
  for (unsigned I = 0; I < N; ++I)
    ToWide[I] = Back[I] = I;
  Value *Lanes = B.CreateBitCast(V, FixedVectorType::get(B.getIntNTy(W), N));
  return B.CreateBitCast(
      B.CreateShuffleVector(Cut(B.CreateShuffleVector(Lanes, ToWide)), Back),
      T);
}

void cutIntegerArgs(CallBase &Call) {
  if (!scrubsRegisters())
    return;
  const DataLayout &DL = Call.getModule()->getDataLayout();
  IRBuilder<> B(&Call);
  for (Use &Arg : Call.args()) {
    Type *T = Arg->getType();
    // A constant is materialized whole (a load or xorps of its own).
    if (isa<Constant>(Arg))
      continue;
    // A struct passed as integers loaded from its variable: not its
    // padding (attacks-struct-padding.c).
    Arg.set(clearArgumentPadding(B, Call, Call.getArgOperandNo(&Arg)));
    // A value in an xmm register keeps its bytes, the rest of the 128
    // bits cleared. The compiler passes the register it computed a vector
    // in when the value is one of its lanes, or reloads the whole 16
    // bytes it spilled across the call site's scrub: a vault's running
    // total passed as a double to a default-domain variadic logger carried
    // the vector's other lane, which the logger's prologue stored in its
    // register save area on the key-0 stack (review 82a,
    // attacks-rev82a-fp-arg-upper.c); a struct of two floats, the other
    // two lanes (attacks-vector-arg-upper.c); a half, the other seven
    // (attacks-half-arg-upper.c); a float3, the fourth (review 83a,
    // attacks-rev83a-vec3-arg-upper.c); a _Complex _Float16, the other 12
    // bytes (review 83b, attacks-rev83b-vector-arg-lanes.c). Only where the
    // vector registers are scrubbed.
    if (unsigned Bytes = laneBytes(DL, T)) {
      if (scrubLevel() == ScrubLevel::Vector)
        Arg.set(cutToLane(B, Arg, Bytes));
      continue;
    }
    auto *IT = dyn_cast<IntegerType>(T);
    if (!IT || IT->getBitWidth() >= 64)
      continue;
    Arg.set(cutToWidth(B, Arg));
  }
}

Value *holdsDomain(IRBuilderBase &B, StringRef DomainSymbol) {
  // The answer is the zero flag (an asm flag output), which the branch on
  // it uses directly.
  AsmEmitter Test;
  Test.holdsDomain(DomainSymbol);
  auto *Ty = FunctionType::get(B.getInt32Ty(), false);
  auto *IA = InlineAsm::get(Ty, Test.text(),
                            "={@ccz},~{eax},~{ecx},~{edx},~{dirflag},~{fpsr}",
                            /*hasSideEffects=*/true);
  return B.CreateCall(IA);
}

} // namespace bulkhead
