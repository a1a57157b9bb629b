// GadgetConstants.cpp - see GadgetConstants.h.
//
// Ordinary C can put the bytes of a PKRU-writing instruction into an
// immediate or a displacement: `return 0xef010f;` compiles to
// `movl $0xef010f, %eax`, whose bytes B8 0F 01 EF 00 hold a WRPKRU that a
// jump to its second byte executes. ERIM (Vahldiek-Oberwagner et al., USENIX
// Security 2019, section 4.3 and its table of rewrite strategies) rewrites
// such instructions in the binary, case by case; here the compiler avoids
// them: every constant of the IR whose bytes are risky (GadgetBytes.h) is
// computed at run time instead, as
//
//   mov $A, %reg ; rol $k, %reg        A = the constant rotated right by k
//
// with A chosen to hold no 0F byte at all (and k != 15), so neither
// instruction holds, or helps form, a pattern, whatever comes before or
// after. The two instructions are one inline asm: nothing after this pass
// can fold them back into a constant. GEP offsets (displacements), switch
// cases, the source of a memcpy and the operands of a memcmp or bcmp from
// constant bytes are handled the same
// way. The pass runs last in the optimisation pipeline (Plugin.cpp), so the
// optimiser cannot fold a risky constant back in; what instruction
// selection creates later (folded address offsets, division by
// multiplication, relocations) is left to the link-time scan.
#include "GadgetConstants.h"
#include "GadgetBytes.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Analysis/LoopInfo.h"
#include "llvm/Analysis/ValueTracking.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/DataLayout.h"
#include "llvm/IR/GetElementPtrTypeIterator.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InlineAsm.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/CommandLine.h"

#include <map>
#include <optional>
#include <tuple>

using namespace llvm;

static cl::opt<bool> AvoidGadgets(
    "bulkhead-avoid-gadgets",
    cl::desc("Compute constants whose bytes could hold a WRPKRU, XRSTOR or "
             "XRSTORS pattern at run time (default on)"),
    cl::init(true));

namespace bulkhead {

static SmallVector<uint8_t, 8> bytesOf(const APInt &V) {
  SmallVector<uint8_t, 8> Bytes;
  unsigned Bits = V.getBitWidth();
  for (unsigned At = 0; At < Bits; At += 8)
    Bytes.push_back(
        (uint8_t)V.extractBitsAsZExtValue(std::min(8u, Bits - At), At));
  return Bytes;
}

// The bits of a constant that would be encoded as an immediate, when they
// are risky: integers of 9 to 64 bits, float and double (stored or moved
// through integer registers as immediates), and integers cast to pointers.
// Wider integers and vectors are left to the link-time scan.
static std::optional<APInt> riskyBits(const Value *V) {
  if (V->getType()->isVectorTy())
    return std::nullopt;
  APInt Bits;
  if (auto *CI = dyn_cast<ConstantInt>(V))
    Bits = CI->getValue();
  else if (auto *CF = dyn_cast<ConstantFP>(V)) {
    if (!CF->getType()->isFloatTy() && !CF->getType()->isDoubleTy())
      return std::nullopt;
    Bits = CF->getValueAPF().bitcastToAPInt();
  } else if (auto *CE = dyn_cast<ConstantExpr>(V)) {
    if (CE->getOpcode() != Instruction::IntToPtr)
      return std::nullopt;
    auto *CI = dyn_cast<ConstantInt>(CE->getOperand(0));
    if (!CI)
      return std::nullopt;
    Bits = CI->getValue();
  } else {
    return std::nullopt;
  }
  if (Bits.getBitWidth() <= 8 || Bits.getBitWidth() > 64 ||
      !riskyConstant(bytesOf(Bits)))
    return std::nullopt;
  return Bits;
}

static bool hasByte0F(const APInt &V) {
  for (uint8_t B : bytesOf(V))
    if (B == 0x0F)
      return true;
  return false;
}

// V (of 9 to 64 bits) computed at run time as `mov $A, r; rol $k, r`, then
// cast to Ty: with 32-bit instructions when V fits in 32 bits (they clear
// the upper half of a 64-bit register), else 64-bit ones. A = V rotated
// right by k must hold no 0F byte. Some k in [1, W) other than 15 always
// works: a 0F byte of a rotation is an 8-bit window 00001111 of V at bit
// offset 8j+k (mod W); two such windows lie at least 8 bits apart, so V has
// at most W/8 of them, and their offsets cannot cover all eight residues
// mod 8 that the k in [1, W) other than 15 reach.
static Value *materialize(IRBuilderBase &B, const APInt &V, Type *Ty) {
  bool Short = V.getActiveBits() <= 32;
  unsigned Width = Short ? 32 : 64;
  APInt Wide = V.zextOrTrunc(Width);
  unsigned K = 1;
  while (K < Width && (K == 0x0F || hasByte0F(Wide.rotr(K))))
    ++K;
  if (K == Width)
    report_fatal_error("bulkhead: no gadget-free rotation of a constant");
  Type *AsmTy = B.getIntNTy(V.getBitWidth() <= 32 ? 32 : 64);
  // The 32-bit name of a 64-bit result register: ${0:k}.
  std::string Reg = Short && V.getBitWidth() > 32 ? "${0:k}" : "$0";
  std::string Asm = std::string(Short ? "movl" : "movabsq") + " $$0x" +
                    StringRef(toString(Wide.rotr(K), 16, false)).lower() +
                    ", " + Reg + "\n\t" + (Short ? "roll" : "rolq") + " $$" +
                    std::to_string(K) + ", " + Reg;
  auto *IA = InlineAsm::get(FunctionType::get(AsmTy, false), Asm, "=r,~{flags}",
                            /*hasSideEffects=*/false);
  Value *R = B.CreateCall(IA, {}, "bulkhead.const");
  if (AsmTy->getIntegerBitWidth() != V.getBitWidth())
    R = B.CreateTrunc(R, B.getIntNTy(V.getBitWidth()));
  if (Ty->isPointerTy())
    return B.CreateIntToPtr(R, Ty);
  if (Ty->isFloatingPointTy())
    return B.CreateBitCast(R, Ty);
  return R;
}

// Operands that must stay constants, or that are not code: intrinsics'
// immediate arguments, operand bundles, and intrinsics that only carry
// information to the optimiser.
static bool mustStayConstant(const Instruction &I, unsigned OpNo) {
  if (isa<AllocaInst>(I) || I.isEHPad() || isa<CallBrInst>(I) ||
      isa<GetElementPtrInst>(I) || isa<SwitchInst>(I) || isa<PHINode>(I))
    return true;
  auto *Call = dyn_cast<CallBase>(&I);
  if (!Call)
    return false;
  if (Call->isInlineAsm() || Call->isCallee(&I.getOperandUse(OpNo)) ||
      Call->isBundleOperand(OpNo))
    return true;
  auto *II = dyn_cast<IntrinsicInst>(Call);
  if (!II)
    return false;
  if (II->isAssumeLikeIntrinsic() || isa<DbgInfoIntrinsic>(II) ||
      II->paramHasAttr(OpNo, Attribute::ImmArg))
    return true;
  switch (II->getIntrinsicID()) {
  case Intrinsic::expect:
  case Intrinsic::expect_with_probability:
  case Intrinsic::is_constant:
  case Intrinsic::objectsize:
    return true;
  default:
    return false;
  }
}

namespace {

class Rewriter {
public:
  Rewriter(Function &F, LoopInfo &LI)
      : F(F), DL(F.getParent()->getDataLayout()), LI(LI) {}
  bool run();

private:
  Value *constantFor(Instruction *User, const APInt &V, Type *Ty);
  void operands(Instruction &I);
  void phi(PHINode &PN);
  void gep(GetElementPtrInst &GEP);
  void switchCases(SwitchInst &SI);
  void constantBytes(llvm::CallBase &Call, unsigned Arg);

  Function &F;
  const DataLayout &DL;
  LoopInfo &LI;
  bool Changed = false;
  // Constants computed in loop preheaders, one per value and type.
  std::map<std::tuple<BasicBlock *, Type *, unsigned, uint64_t>, Value *>
      Hoisted;
};

} // namespace

// V as a value of type Ty for User, computed just before it or, when User
// is in a loop, once in the preheader of the outermost loop that has one:
// the asm is opaque, so nothing after this pass would hoist it. (The CFG
// changes switchCases makes leave every preheader a preheader.)
Value *Rewriter::constantFor(Instruction *User, const APInt &V, Type *Ty) {
  BasicBlock *Preheader = nullptr;
  for (Loop *L = LI.getLoopFor(User->getParent()); L; L = L->getParentLoop())
    if (BasicBlock *P = L->getLoopPreheader())
      Preheader = P;
  if (!Preheader) {
    IRBuilder<> B(User);
    return materialize(B, V, Ty);
  }
  Value *&Made = Hoisted[{Preheader, Ty, V.getBitWidth(), V.getZExtValue()}];
  if (!Made) {
    IRBuilder<> B(Preheader->getTerminator());
    Made = materialize(B, V, Ty);
  }
  return Made;
}

// Every operand: the constant is computed before its use.
void Rewriter::operands(Instruction &I) {
  for (unsigned Op = 0; Op < I.getNumOperands(); ++Op) {
    std::optional<APInt> Bits = riskyBits(I.getOperand(Op));
    if (!Bits || mustStayConstant(I, Op))
      continue;
    I.setOperand(Op, constantFor(&I, *Bits, I.getOperand(Op)->getType()));
    Changed = true;
  }
}

// A PHI's constant is materialised on its edge: at the end of the incoming
// block, once per block.
void Rewriter::phi(PHINode &PN) {
  DenseMap<BasicBlock *, Value *> Made;
  for (unsigned In = 0; In < PN.getNumIncomingValues(); ++In) {
    std::optional<APInt> Bits = riskyBits(PN.getIncomingValue(In));
    BasicBlock *Pred = PN.getIncomingBlock(In);
    if (!Bits || Pred->getTerminator()->isEHPad())
      continue;
    Value *&V = Made[Pred];
    if (!V)
      V = constantFor(Pred->getTerminator(), *Bits, PN.getType());
    PN.setIncomingValue(In, V);
    Changed = true;
  }
}

// The constant part of an address (struct fields, constant indices times
// their element size) becomes the displacement of the access: when risky,
// the address is rebuilt as base + variable parts + the offset computed at
// run time.
void Rewriter::gep(GetElementPtrInst &GEP) {
  if (GEP.getType()->isVectorTy())
    return;
  unsigned Bits = DL.getIndexTypeSizeInBits(GEP.getType());
  APInt Offset(Bits, 0);
  SmallVector<std::pair<Value *, APInt>, 4> Variable;
  for (auto GTI = gep_type_begin(GEP), E = gep_type_end(GEP); GTI != E; ++GTI) {
    Value *Index = GTI.getOperand();
    if (StructType *ST = GTI.getStructTypeOrNull()) {
      unsigned Field = cast<ConstantInt>(Index)->getZExtValue();
      Offset += DL.getStructLayout(ST)->getElementOffset(Field).getFixedValue();
      continue;
    }
    TypeSize Stride = GTI.getSequentialElementStride(DL);
    if (Stride.isScalable() || Index->getType()->isVectorTy())
      return;
    APInt Scale(Bits, Stride.getFixedValue());
    if (auto *CI = dyn_cast<ConstantInt>(Index))
      Offset += CI->getValue().sextOrTrunc(Bits) * Scale;
    else
      Variable.push_back({Index, Scale});
  }
  if (!riskyConstant(bytesOf(Offset)))
    return;
  IRBuilder<> B(&GEP);
  Type *IntTy = B.getIntNTy(Bits);
  Value *Off = constantFor(&GEP, Offset, IntTy);
  for (auto &[Index, Scale] : Variable)
    Off = B.CreateAdd(Off, B.CreateMul(B.CreateSExtOrTrunc(Index, IntTy),
                                       ConstantInt::get(IntTy, Scale)));
  Value *New = B.CreateGEP(B.getInt8Ty(), GEP.getPointerOperand(), Off);
  New->takeName(&GEP);
  GEP.replaceAllUsesWith(New);
  GEP.eraseFromParent();
  Changed = true;
}

// Risky case values leave the switch (which would compare against them, or
// subtract them for a jump table) for a chain of compares against values
// computed at run time, on the switch's default path: the other cases keep
// their speed.
void Rewriter::switchCases(SwitchInst &SI) {
  BasicBlock *From = SI.getParent(), *Default = SI.getDefaultDest();
  SmallVector<std::pair<APInt, BasicBlock *>, 4> Moved;
  SmallVector<ConstantInt *, 4> Remove;
  for (auto Case : SI.cases())
    if (riskyConstant(bytesOf(Case.getCaseValue()->getValue()))) {
      Remove.push_back(Case.getCaseValue());
      // A case that goes where the default goes needs no compare.
      if (Case.getCaseSuccessor() != Default)
        Moved.push_back(
            {Case.getCaseValue()->getValue(), Case.getCaseSuccessor()});
    }
  if (Remove.empty())
    return;
  for (ConstantInt *V : Remove) {
    BasicBlock *Dest = SI.findCaseValue(V)->getCaseSuccessor();
    SI.removeCase(SI.findCaseValue(V));
    if (Dest == Default) // one edge from From to Default less
      Dest->removePredecessor(From, /*KeepOneInputPHIs=*/true);
  }
  Changed = true;
  if (Moved.empty())
    return;
  LLVMContext &Ctx = F.getContext();
  Value *Cond = SI.getCondition();
  BasicBlock *Insert = Default;
  // Built back to front: each compare falls through to the next one, the
  // last to the old default. Each moved edge From -> Dest is now
  // Check -> Dest, and the default edge is Last -> Default.
  BasicBlock *Next = Default;
  for (auto It = Moved.rbegin(); It != Moved.rend(); ++It) {
    BasicBlock *Check = BasicBlock::Create(Ctx, "bulkhead.case", &F, Insert);
    IRBuilder<> B(Check);
    Value *Is =
        B.CreateICmpEQ(Cond, materialize(B, It->first, Cond->getType()));
    B.CreateCondBr(Is, It->second, Next);
    for (PHINode &PN : It->second->phis())
      PN.setIncomingBlock(PN.getBasicBlockIndex(From), Check);
    if (Next == Default)
      for (PHINode &PN : Default->phis())
        PN.setIncomingBlock(PN.getBasicBlockIndex(From), Check);
    Next = Insert = Check;
  }
  SI.setDefaultDest(Next);
}

// A memcpy from constant bytes may be expanded into moves of those bytes as
// immediates, and a memcmp or bcmp with them into compares with immediates;
// hiding where the bytes are makes the code read them from memory instead.
void Rewriter::constantBytes(CallBase &Call, unsigned Arg) {
  Value *P = Call.getArgOperand(Arg);
  auto *GV = dyn_cast<GlobalVariable>(getUnderlyingObject(P));
  if (!GV || !GV->isConstant() || !GV->hasDefinitiveInitializer())
    return;
  auto *Data = dyn_cast<ConstantDataSequential>(GV->getInitializer());
  if (!Data)
    return;
  StringRef Raw = Data->getRawDataValues();
  ArrayRef<uint8_t> Bytes(reinterpret_cast<const uint8_t *>(Raw.data()),
                          Raw.size());
  // The copy is split into pieces at any offset: a piece may begin or end
  // anywhere.
  bool Risky = false;
  for (size_t At = 0; At + 1 < Bytes.size() && !Risky; ++At)
    Risky = riskyField(Bytes.slice(At, 2));
  if (!Risky)
    return;
  IRBuilder<> B(&Call);
  Type *Ptr = P->getType();
  auto *IA = InlineAsm::get(FunctionType::get(Ptr, {Ptr}, false), "", "=r,0",
                            /*hasSideEffects=*/false);
  Call.setArgOperand(Arg, B.CreateCall(IA, {P}, "bulkhead.bytes"));
  Changed = true;
}

static bool isMemCompare(const CallBase &Call) {
  const Function *F = Call.getCalledFunction();
  return F && F->isDeclaration() &&
         (F->getName() == "memcmp" || F->getName() == "bcmp") &&
         Call.arg_size() == 3;
}

bool Rewriter::run() {
  SmallVector<Instruction *, 64> Work;
  for (BasicBlock &BB : F)
    for (Instruction &I : BB)
      Work.push_back(&I);
  for (Instruction *I : Work) {
    if (auto *PN = dyn_cast<PHINode>(I))
      phi(*PN);
    else if (auto *GEP = dyn_cast<GetElementPtrInst>(I))
      gep(*GEP);
    else if (auto *SI = dyn_cast<SwitchInst>(I))
      switchCases(*SI);
    else {
      if (auto *MT = dyn_cast<MemTransferInst>(I))
        constantBytes(*MT, 1); // the source
      else if (auto *Call = dyn_cast<CallBase>(I); Call && isMemCompare(*Call))
        for (unsigned Arg : {0u, 1u})
          constantBytes(*Call, Arg);
      operands(*I);
    }
  }
  return Changed;
}

PreservedAnalyses GadgetConstantsPass::run(Module &M,
                                           ModuleAnalysisManager &MAM) {
  if (!AvoidGadgets)
    return PreservedAnalyses::all();
  FunctionAnalysisManager &FAM =
      MAM.getResult<FunctionAnalysisManagerModuleProxy>(M).getManager();
  bool Changed = false;
  for (Function &F : M) {
    // A naked function's body is its asm: nothing may be added to it.
    if (F.isDeclaration() || F.hasFnAttribute(Attribute::Naked))
      continue;
    if (Rewriter(F, FAM.getResult<LoopAnalysis>(F)).run()) {
      FAM.invalidate(F, PreservedAnalyses::none());
      Changed = true;
    }
  }
  return Changed ? PreservedAnalyses::none() : PreservedAnalyses::all();
}

} // namespace bulkhead
