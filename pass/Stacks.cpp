// Stacks.cpp - -bulkhead-stacks: gated calls go through trampolines that
// run compartment code on per-thread, per-compartment stacks
// (runtime/stacks.c). See docs/design.md.
#include "../include/bulkhead/abi.h"
#include "AsmEmitter.h"
#include "ScrubRoutines.h"
#include "Diagnostics.h"
#include "Gate.h"
#include "Instrumenter.h"
#include "Padding.h"

#include "llvm/ADT/Statistic.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/DerivedTypes.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InlineAsm.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/Transforms/Utils/BasicBlockUtils.h"
#include "llvm/Transforms/Utils/ModuleUtils.h"

#include <string_view>

using namespace llvm;

#define DEBUG_TYPE "bulkhead"
STATISTIC(NumTrampolines, "Stack-switching trampolines made");
STATISTIC(NumAnyTrampolines, "Trampolines for a caller found at run time");

namespace bulkhead {

// On by default, as in the driver (-fpkey-compartment-stacks): the pass
// run on its own (opt, clang -fpass-plugin) builds what bulkhead-clang
// ships. -bulkhead-stacks=false is -fno-pkey-compartment-stacks.
cl::opt<bool> StackSwitching(
    "bulkhead-stacks",
    cl::desc("Run compartment code on per-thread, per-compartment stacks "
             "tagged with the compartment's key (the default; "
             "=false: -fno-pkey-compartment-stacks)"),
    cl::init(true));

// ------------------------------------------------------------------ stacks
//
// With -bulkhead-stacks a gated call goes through a trampoline that holds
// both gates and switches the stack: compartment code runs on a per-thread
// stack of its own compartment (runtime/stacks.c). Each domain has a TLS
// slot holding this thread's current top of its stack: the runtime fills a
// compartment's on first entry; a trampoline leaving domain S records where
// S's stack left off in S's slot, so that a call back into S continues
// below S's live frames. TLS is key-0 memory any domain can write, so a
// compartment's slot is checked against its arena (read-only descriptor)
// before each use, and so is a compartment's own stack pointer when control
// comes back to it.
//
// Three kinds of trampoline: getOrCreateTrampoline() for a call whose both ends
// the pass knows; getOrCreateIndirectTrampoline() for a compartment's pointer
// calls into wrappers, which leave through the default domain;
// getOrCreateAnyTrampoline() for a wrapper called with the rights of a
// compartment known only at run time.

// A compartment's stack slot is key-0 TLS, checked only to lie in its
// arena: a frame larger than the guard below a stack, allocated at once,
// reached past it into memory the default domain reads, or into the
// sharing records in the arena's leading guard (review 5,
// attacks-review5-stack-clash.c, attacks-review5-share-records-clash.c).
// Any function of the module may run on a compartment's stack (shared code
// too), so each one grows its frame a page at a time, touching each
// (clang's -fstack-clash-protection, always on): the first page past a
// stack is a guard, and the probe faults there.
void Instrumenter::probeStackFrames() {
  for (Function &F : M) {
    if (F.isDeclaration() || F.hasFnAttribute(Attribute::Naked))
      continue;
    if (!F.hasFnAttribute("probe-stack"))
      F.addFnAttr("probe-stack", "inline-asm");
    if (domainOf(F).kind != Domain::Default)
      boundDynamicAllocas(F, domainOf(F).kind == Domain::Compartment);
  }
}

// A dynamic allocation (any but a constant one in the entry block: an
// alloca in a loop or a branch is dynamic too, review 9) in code that may
// run on a compartment's stack (its own, and shared helpers). Three faults
// of LLVM's probes there:
// - they run only while rsp - size is below rsp: a size larger than rsp
//   wraps above the stack, past every probe, to where the caller chose
//   (review 6, attacks-review6-vla-wrap.c). Such a size traps first. A
//   compartment's own code runs on its stacks only, where nothing larger
//   than a stack can succeed: it traps above that. Shared code (a helper's
//   original) also runs on the default stack, which may be larger: only
//   the wrap traps there (review 8, review8-vla-shared-helper.c);
// - the probe loop touches [rsp] before each page it takes and leaves the
//   last page untouched: the next call pushes up to a page below the last
//   touch, past a stack's one-page guard, into the stack below (review 8,
//   attacks-review8-alloca-gap.c). A load of the allocation's first byte
//   touches its bottom, so the guard faults;
// - an alignment above a page is applied after the probes, rounding rsp
//   down past the guard unprobed (review 9, attacks-review9-aligned-*.c):
//   such an allocation takes its alignment's worth more at 16 and aligns
//   its pointer itself, inside what was probed.
// Default-domain functions run on the default stack only.
void Instrumenter::boundDynamicAllocas(Function &F, bool OnCompartmentStack) {
  SmallVector<AllocaInst *, 4> Dynamic;
  for (BasicBlock &BB : F)
    for (Instruction &I : BB)
      if (auto *AI = dyn_cast<AllocaInst>(&I))
        if (!AI->isStaticAlloca())
          Dynamic.push_back(AI);
  if (Dynamic.empty())
    return;
  // Splitting the entry block below would move the fixed-size allocations
  // after a dynamic one out of it, making them dynamic too: hoist them.
  BasicBlock &Entry = F.getEntryBlock();
  BasicBlock::iterator Front = Entry.getFirstInsertionPt();
  for (Instruction &I : make_early_inc_range(Entry))
    if (auto *AI = dyn_cast<AllocaInst>(&I))
      if (AI->isStaticAlloca() && AI != &*Front)
        AI->moveBefore(Entry, Front);
  const DataLayout &DL = M.getDataLayout();
  for (AllocaInst *AI : Dynamic) {
    uint64_t Elem =
        std::max<uint64_t>(1, DL.getTypeAllocSize(AI->getAllocatedType()));
    uint64_t Align = AI->getAlign().value();
    uint64_t Extra = Align > BH_PAGE ? Align - 1 : 0;
    IRBuilder<> B(AI);
    Type *I64 = B.getInt64Ty();
    // The element count is unsigned (codegen zero-extends it).
    Value *N = B.CreateZExtOrTrunc(AI->getArraySize(), I64);
    Value *Limit;
    if (OnCompartmentStack) {
      Limit = B.getInt64(BH_STACK_SIZE / Elem);
    } else {
      Value *SP = B.CreatePtrToInt(B.CreateStackSave(), I64);
      Value *Room = B.CreateSelect(B.CreateICmpUGT(SP, B.getInt64(Extra)),
                                   B.CreateSub(SP, B.getInt64(Extra)),
                                   B.getInt64(0));
      Limit = B.CreateUDiv(Room, B.getInt64(Elem));
    }
    Instruction *Trap = SplitBlockAndInsertIfThen(
        B.CreateICmpUGT(N, Limit), AI->getIterator(), true);
    IRBuilder<>(Trap).CreateIntrinsic(Intrinsic::trap, ArrayRef<Type *>(),
                                      ArrayRef<Value *>());
    IRBuilder<> At(AI);
    Value *Bottom = AI;
    if (Extra) {
      Value *Bytes = At.CreateAdd(At.CreateMul(N, At.getInt64(Elem)),
                                  At.getInt64(Extra));
      AllocaInst *Raw = At.CreateAlloca(At.getInt8Ty(), Bytes);
      Raw->setAlignment(llvm::Align(16));
      Value *Pad = At.CreateAnd(
          At.CreateNeg(At.CreatePtrToInt(Raw, I64)), At.getInt64(Extra));
      Value *Aligned = At.CreateGEP(At.getInt8Ty(), Raw, Pad);
      Aligned->takeName(AI);
      AI->replaceAllUsesWith(Aligned);
      AI->eraseFromParent();
      Bottom = Raw;
      At.SetInsertPoint(cast<Instruction>(Aligned)->getNextNode());
    } else {
      At.SetInsertPoint(AI->getNextNode());
    }
    At.CreateLoad(At.getInt8Ty(), Bottom, /*isVolatile=*/true);
  }
}

// The TLS slot of D's current stack top: one per domain, emitted wherever
// needed, merged by the linker. Initial-exec: compartments exist only in
// executables and in shared objects loaded with them at start-up, in the
// static TLS block. The default domain's slot is the executable's (the
// runtime's signal dispatch and spawn read it): a shared object's module
// (PIC, not PIE) only refers to it, and the executable exports its
// definition to the objects that do (docs/shared-objects.md).
GlobalVariable *Instrumenter::getOrCreateStackSlot(const Domain &D) {
  static_assert(std::string_view(BH_SYM_DEFAULT_STACK_SLOT) ==
                    std::string_view(BH_SYM_STACK_SLOT_PREFIX "0"),
                "the default domain's slot is named like a compartment's");
  std::string Name = (BH_SYM_STACK_SLOT_PREFIX +
                      (D.kind == Domain::Compartment ? D.name : StringRef("0")))
                         .str();
  if (GlobalVariable *GV = M.getGlobalVariable(Name, true))
    return GV;
  auto *Ptr = PointerType::getUnqual(M.getContext());
  bool Default = D.kind != Domain::Compartment;
  if (Default && M.getPICLevel() != PICLevel::NotPIC &&
      M.getPIELevel() == PIELevel::Default) {
    // Weak: an object without compartments loads into any program; only
    // paths a runtime enables (its caller index, not the stand-in's ud2)
    // reach it.
    auto *GV = new GlobalVariable(
        M, Ptr, false, GlobalValue::ExternalWeakLinkage, nullptr, Name, nullptr,
        GlobalValue::InitialExecTLSModel);
    appendToCompilerUsed(M, {GV}); // keeps the weak binding for the asm
    return GV;
  }
  auto *GV = new GlobalVariable(M, Ptr, false, GlobalValue::LinkOnceODRLinkage,
                                ConstantPointerNull::get(Ptr), Name, nullptr,
                                GlobalValue::InitialExecTLSModel);
  if (!Default) // the default slot stays exportable
    GV->setVisibility(GlobalValue::HiddenVisibility);
  GV->setComdat(M.getOrInsertComdat(Name));
  appendToCompilerUsed(M, {GV}); // referenced only from trampolines' asm
  return GV;
}

// The per-thread buffer that stack arguments out of a compartment pass
// through (see getOrCreateTrampoline()).
GlobalVariable *Instrumenter::getOrCreateArgBuffer() {
  const char *Name = BH_SYM_ARGBUF;
  if (GlobalVariable *GV = M.getGlobalVariable(Name, true))
    return GV;
  auto *Ty =
      ArrayType::get(Type::getInt8Ty(M.getContext()), BH_MAX_CALLOUT_ARGS);
  auto *GV = new GlobalVariable(M, Ty, false, GlobalValue::LinkOnceODRLinkage,
                                ConstantAggregateZero::get(Ty), Name, nullptr,
                                GlobalValue::InitialExecTLSModel);
  GV->setVisibility(GlobalValue::HiddenVisibility);
  GV->setComdat(M.getOrInsertComdat(Name));
  GV->setAlignment(Align(16));
  appendToCompilerUsed(M, {GV});
  return GV;
}

// Whether an argument or result of type T takes one SSE register: a
// float, double or half, or a vector of at most 16 bytes (clang passes a
// struct of two floats and a _Complex float as <2 x float>). Past the
// eighth such argument it takes a stack slot of 8 bytes, or of 16, aligned
// to 16, for a vector wider than 8 (sseStackSlot).
static bool inSSE(const DataLayout &DL, Type *T) {
  if (T->isFloatTy() || T->isDoubleTy() || T->isHalfTy())
    return true;
  return isa<FixedVectorType>(T) && DL.getTypeAllocSize(T) <= 16;
}
static uint64_t sseStackSlot(const DataLayout &DL, Type *T) {
  return DL.getTypeAllocSize(T) > 8 ? 16 : 8;
}

// Bytes the SysV x86-64 ABI passes on the stack for Call's arguments, or
// an explanation of why this signature is not classified here.
static std::optional<uint64_t> stackArgBytes(const CallBase &Call,
                                             std::string &Why) {
  const DataLayout &DL = Call.getModule()->getDataLayout();
  if (Call.getCallingConv() != CallingConv::C) {
    Why = "it does not use the C calling convention";
    return std::nullopt;
  }
  Type *Ret = Call.getType();
  // A long double comes back in st0, a _Complex long double ({x86_fp80,
  // x86_fp80}, 32 bytes) in st0 and st1: the way back keeps them.
  auto *RetST = dyn_cast<StructType>(Ret);
  bool InX87 = Ret->isX86_FP80Ty() ||
               (RetST && RetST->getNumElements() == 2 &&
                RetST->getElementType(0)->isX86_FP80Ty() &&
                RetST->getElementType(1)->isX86_FP80Ty());
  if (!Ret->isVoidTy() && !InX87 &&
      ((Ret->isVectorTy() && !inSSE(DL, Ret)) ||
       DL.getTypeAllocSize(Ret) > 16)) {
    Why = "its return type is returned in a way not classified here";
    return std::nullopt;
  }
  unsigned GPRs = 0, SSEs = 0;
  uint64_t Off = 0;
  for (unsigned I = 0; I < Call.arg_size(); ++I) {
    Type *T = Call.getArgOperand(I)->getType();
    std::string Arg = "argument " + std::to_string(I + 1);
    if (Call.paramHasAttr(I, Attribute::InAlloca) ||
        Call.paramHasAttr(I, Attribute::Preallocated) ||
        Call.paramHasAttr(I, Attribute::Nest)) {
      Why = Arg + " has an inalloca, preallocated or nest attribute";
      return std::nullopt;
    }
    if (Call.isByValArgument(I)) {
      Type *BT = Call.getParamByValType(I);
      uint64_t Size = DL.getTypeAllocSize(BT);
      uint64_t Al =
          std::max<uint64_t>(8, Call.getParamAlign(I).valueOrOne().value());
      if (Al > 16) {
        Why = Arg + " is passed by value with alignment above 16";
        return std::nullopt;
      }
      Off = alignTo(alignTo(Off, Al) + Size, 8);
    } else if (T->isPointerTy() ||
               (T->isIntegerTy() && T->getIntegerBitWidth() <= 64)) {
      if (GPRs < 6)
        ++GPRs;
      else
        Off += 8;
    } else if (inSSE(DL, T)) {
      if (SSEs < 8)
        ++SSEs;
      else
        Off = alignTo(Off, sseStackSlot(DL, T)) + sseStackSlot(DL, T);
    } else if (T->isX86_FP80Ty()) {
      Off = alignTo(Off, 16) + 16; // long double always goes in memory
    } else {
      Why = Arg + " has a type whose passing (registers or stack) is not "
                  "classified here (i128, a vector wider than 16 bytes, "
                  "__float128 or aggregate)";
      return std::nullopt;
    }
  }
  return alignTo(Off, 16);
}

// Whether T is or holds a long double.
static bool hasX87Part(Type *T) {
  return T->isX86_FP80Ty() || llvm::any_of(T->subtypes(), hasX87Part);
}

ResultRegs resultRegs(const Function &F) {
  ResultRegs R{0, 0};
  R.X87s = 0;
  bool Known = true;
  const DataLayout &DL = F.getParent()->getDataLayout();
  auto Add = [&](Type *T) {
    if (T->isPointerTy() || (T->isIntegerTy() && T->getIntegerBitWidth() <= 64)) {
      // As wide as the value, nothing defined above it: an aggregate of
      // 1-3 or 5-7 bytes comes back as i8-i24 or i40-i56 (review 81a,
      // attacks-rev81a-small-result-bits.c); a char, short or _Bool result
      // the caller extends itself, the callee leaves the rest as it was
      // (review 81b, attacks-rev81b-narrow-result.c).
      if (R.GPRs < 2 && T->isIntegerTy())
        R.GPRBytes[R.GPRs] =
            (unsigned char)((T->getIntegerBitWidth() + 7) / 8);
      ++R.GPRs;
    } else if (T->isIntegerTy(128))
      R.GPRs += 2;
    else if (T->isFloatTy() || T->isDoubleTy() || T->isHalfTy() ||
             T->isFP128Ty() || T->isVectorTy()) {
      if (R.SSEs < 8)
        R.SSEBytes[R.SSEs] = (unsigned char)std::min<uint64_t>(
            16, DL.getTypeStoreSize(T).getFixedValue());
      ++R.SSEs;
    } else if (T->isX86_FP80Ty()) // st0, then st1: kept by the scrub
      ++R.X87s;
    else
      Known = false;
  };
  Type *Ret = F.getReturnType();
  if (auto *ST = dyn_cast<StructType>(Ret))
    for (Type *E : ST->elements())
      Add(E);
  else if (!Ret->isVoidTy())
    Add(Ret);
  if (F.getAttributes().hasAttrSomewhere(Attribute::StructRet))
    R.GPRs = std::max(R.GPRs, 1u);
  if (!Known || R.GPRs > 2 || R.SSEs > 2 || R.X87s > 2) {
    // All may carry a part of it; st0 and st1 only if a part is a long
    // double.
    ResultRegs All;
    if (!hasX87Part(Ret))
      All.X87s = 0;
    return All;
  }
  return R;
}

// The argument registers a call of F uses: integer and pointer arguments in
// GPRs, those inSSE in SSE registers, each kept to its value's bytes;
// anything else (aggregates, byval, more than fit) counts as all of them.
// A vector or half counted as all of them too, and shared code running for
// a compartment handed a default-domain callback of a struct of two
// floats the register its vault's vector was in, other lanes and all
// (review 83a, attacks-rev83a-shared-callback-lanes.c).
static ResultRegs argRegs(const Function &F) {
  ResultRegs All{6, 8}, R{0, 0};
  All.X87s = R.X87s = 0; // no argument comes in an x87 register
  const DataLayout &DL = F.getParent()->getDataLayout();
  for (const Argument &Arg : F.args()) {
    Type *T = Arg.getType();
    if (Arg.hasByValAttr() || Arg.hasStructRetAttr())
      return All;
    if (T->isPointerTy() || (T->isIntegerTy() && T->getIntegerBitWidth() <= 64))
      ++R.GPRs;
    else if (inSSE(DL, T)) {
      if (R.SSEs < 8)
        R.SSEBytes[R.SSEs] = (unsigned char)DL.getTypeStoreSize(T);
      ++R.SSEs;
    } else
      return All;
  }
  if (R.GPRs > 6 || R.SSEs > 8 || F.isVarArg())
    return All;
  return R;
}

std::string widthSuffix(const ResultRegs &R) {
  bool Cut = false;
  for (unsigned I = 0; I < R.SSEs && I < 8; ++I)
    Cut |= R.SSEBytes[I] < 16;
  for (unsigned I = 0; I < R.GPRs && I < 2; ++I)
    Cut |= R.GPRBytes[I] < 8;
  if (!Cut)
    return "";
  std::string S = ".w";
  auto Add = [&](unsigned Bytes) {
    S += (S.size() > 2 ? "_" : "") + std::to_string(Bytes);
  };
  for (unsigned I = 0; I < R.GPRs && I < 2; ++I)
    Add(R.GPRBytes[I]);
  for (unsigned I = 0; I < R.SSEs && I < 8; ++I)
    Add(R.SSEBytes[I]);
  return S;
}

// Keeps result register I (rax, rdx) of R, read from From into To, as
// wide as its value (review 80b: the bits above an int result were the
// compartment's, attacks-rev80b-result-upper-half.c; review 81a: so were
// those above an aggregate of 1-3 or 5-7 bytes, returned as i8-i24 or
// i40-i56, attacks-rev81a-small-result-bits.c), or clears To where R has
// no such register. Clobbers the flags.
static void keepResultGPR(AsmEmitter &E, const ResultRegs &R, unsigned I,
                          const char *From, const char *From32,
                          const char *To, const char *To32) {
  std::string F = From, F32 = From32, T = To, T32 = To32;
  if (R.GPRs <= I) {
    E.line("xorl %" + T32 + ", %" + T32);
    return;
  }
  unsigned Bytes = R.GPRBytes[I];
  if (Bytes >= 8) {
    E.line("movq %" + F + ", %" + T);
    return;
  }
  if (Bytes <= 4) {
    E.line("movl %" + F32 + ", %" + T32);
    if (Bytes < 4)
      E.line("andl $$" + std::to_string((1u << (8 * Bytes)) - 1) + ", %" +
             T32);
    return;
  }
  std::string Shift = "$$" + std::to_string(64 - 8 * Bytes);
  E.line("movq %" + F + ", %" + T)
      .line("shlq " + Shift + ", %" + T)
      .line("shrq " + Shift + ", %" + T);
}

// Keeps the low Bytes of xmmI and clears the rest of it.
static void cutXmmTo(AsmEmitter &E, unsigned I, uint64_t Bytes) {
  std::string X = "%xmm" + std::to_string(I);
  if (Bytes == 8)
    E.line("movq " + X + ", " + X);
  else if (Bytes < 16) {
    std::string Shift = "$$" + std::to_string(16 - Bytes);
    E.line("pslldq " + Shift + ", " + X).line("psrldq " + Shift + ", " + X);
  }
}

// Clears the vector registers but those R keeps, and in those the bits
// above the value they carry: a double's register came back with whatever
// the compartment left in its upper 64 bits, which a default-domain
// variadic call then stored in key-0 memory (review 79a,
// runtime/attacks-rev79a-result-upper-lanes.c). Legacy SSE instructions,
// which leave the upper halves to the routine's vzeroupper. The x87
// registers but st0 (st1) of a long double (_Complex long double) result
// too: the vault's long double arithmetic left its operands in the others
// (runtime/attacks-x87-frame.c).
static void scrubVectorsKeeping(AsmEmitter &E, const ResultRegs &R) {
  unsigned Kept = std::min(R.SSEs, 8u);
  if (scrubLevel() == ScrubLevel::Vector)
    for (unsigned I = 0; I < Kept; ++I)
      cutXmmTo(E, I, R.SSEBytes[I]);
  E.scrubVectors(Kept, std::min(R.X87s, 2u));
}

// Clears the argument registers among rdx, rcx and rax (al: a variadic
// call's count of vector registers) that a call of Tr's type does not use;
// a call out of a compartment clears them (the gate keeps them for
// arguments).
static bool inGPR(Type *T, bool ByVal) {
  return !ByVal && (T->isPointerTy() ||
                    (T->isIntegerTy() && T->getIntegerBitWidth() <= 64));
}

// How many general registers the arguments of Call take, variadic ones
// included (at most 6).
static unsigned callGPRs(const CallBase &Call) {
  unsigned GPRs = 0;
  for (unsigned I = 0; I < Call.arg_size(); ++I)
    GPRs += inGPR(Call.getArgOperand(I)->getType(), Call.isByValArgument(I));
  return std::min(GPRs, 6u);
}

// The bytes of each 8-byte stack slot of a call's arguments (laid out as
// stackArgBytes does) that belong to a value: an int, float or half written
// to its slot with a narrower store, the 6 bytes after a long double's 10,
// the gaps before a 16-aligned argument and after a byval one fill no
// value and hold whatever the caller's stack held there before. Out of a
// compartment, that is its own dead frames (review 82a,
// attacks-rev82a-stack-arg-padding.c); so do a byval struct's padding bytes
// (review 84a, attacks-rev84a-sret-byval-padding.c) and a bit-field unit's
// unused bits (review 85b). As sixteen hex digits a slot, the mask of its
// bits that hold a value.
struct ArgShape {
  Type *T;
  Type *ByVal; // or null
  uint64_t Align;
};
static std::string stackSlotLive(const DataLayout &DL,
                                 ArrayRef<ArgShape> Args) {
  std::vector<bool> Live; // a bit each
  auto MarkBits = [&](uint64_t From, uint64_t N) {
    if (Live.size() < From + N)
      Live.resize(From + N, false);
    for (uint64_t I = From; I < From + N; ++I)
      Live[I] = true;
  };
  auto Mark = [&](uint64_t From, uint64_t N) { MarkBits(8 * From, 8 * N); };
  unsigned GPRs = 0, SSEs = 0;
  uint64_t Off = 0;
  for (const ArgShape &A : Args) {
    if (A.ByVal) {
      uint64_t Al = std::max<uint64_t>(8, A.Align);
      Off = alignTo(Off, Al);
      uint64_t Size = DL.getTypeAllocSize(A.ByVal);
      // Not its padding: the vault's bytes there (review 84a,
      // attacks-rev84a-sret-byval-padding.c), nor a bit-field unit's
      // unused bits (review 85b, attacks-rev85b-byval-bitfield.c).
      std::vector<bool> Pad = paddingBitsOf(DL, A.ByVal, 0, Size);
      for (uint64_t I = 0; I < 8 * Size; ++I)
        if (!Pad[I])
          MarkBits(8 * Off + I, 1);
      Off = alignTo(Off + Size, 8);
    } else if (inGPR(A.T, false)) {
      if (GPRs < 6)
        ++GPRs;
      else {
        Mark(Off, A.T->isIntegerTy() && A.T->getIntegerBitWidth() <= 32 ? 4
                                                                         : 8);
        Off += 8;
      }
    } else if (inSSE(DL, A.T)) {
      if (SSEs < 8)
        ++SSEs;
      else {
        Off = alignTo(Off, sseStackSlot(DL, A.T));
        Mark(Off, DL.getTypeStoreSize(A.T));
        Off += sseStackSlot(DL, A.T);
      }
    } else if (A.T->isX86_FP80Ty()) {
      Off = alignTo(Off, 16);
      Mark(Off, 10);
      Off += 16;
    } else {
      return ""; // not classified: stackArgBytes refused the call
    }
  }
  Live.resize(8 * alignTo(Off, 16), false);
  std::string S;
  for (size_t Slot = 0; Slot < Live.size(); Slot += 64) {
    uint64_t Mask = 0;
    for (unsigned I = 0; I < 64; ++I)
      Mask |= uint64_t(Live[Slot + I]) << I;
    for (int Digit = 15; Digit >= 0; --Digit)
      S += hexdigit(Mask >> (4 * Digit) & 15, /*LowerCase=*/true);
  }
  return S;
}

static std::string stackSlotLive(const CallBase &Call) {
  SmallVector<ArgShape, 8> Args;
  for (unsigned I = 0; I < Call.arg_size(); ++I)
    Args.push_back({Call.getArgOperand(I)->getType(),
                    Call.isByValArgument(I) ? Call.getParamByValType(I)
                                            : nullptr,
                    Call.getParamAlign(I).valueOrOne().value()});
  return stackSlotLive(Call.getModule()->getDataLayout(), Args);
}

// A variadic trampoline's, in this attribute (its type has the fixed
// arguments only); a non-variadic one's from its own parameters.
static const char *const StackLiveAttr = "bulkhead-stack-live";
static std::string stackSlotLive(const Function &Tr, bool Indirect) {
  if (Tr.isVarArg())
    return Tr.hasFnAttribute(StackLiveAttr)
               ? Tr.getFnAttribute(StackLiveAttr).getValueAsString().str()
               : "";
  SmallVector<ArgShape, 8> Args;
  for (const Argument &Arg : Tr.args()) {
    if (Indirect && Arg.getArgNo() == 0)
      continue; // the callee, in r10
    Args.push_back({Arg.getType(), Arg.getParamByValType(),
                    Arg.getParamAlign().valueOrOne().value()});
  }
  return stackSlotLive(Tr.getParent()->getDataLayout(), Args);
}

// A variadic trampoline's count of them (callGPRs), in its name and in
// this attribute: its type has the fixed arguments only.
static const char *const CallGPRsAttr = "bulkhead-call-gprs";

static void clearUnusedArgRegs(AsmEmitter &E, const Function &Tr,
                               bool Indirect) {
  unsigned GPRs = 0;
  for (const Argument &Arg : Tr.args()) {
    if (Indirect && Arg.getArgNo() == 0)
      continue; // the callee, in r10
    GPRs += inGPR(Arg.getType(), Arg.hasByValAttr());
  }
  // A variadic call's arguments past the fixed ones are in registers too:
  // counting only the fixed ones cleared rdx and rcx under a logger's
  // third and fourth arguments (review 82a). Without the call's count,
  // none is cleared (the call site's scrub ran before they were set).
  if (Tr.isVarArg()) {
    unsigned Call = 6;
    if (Tr.hasFnAttribute(CallGPRsAttr))
      Tr.getFnAttribute(CallGPRsAttr).getValueAsString().getAsInteger(10,
                                                                     Call);
    GPRs = std::max(GPRs, Call);
  }
  if (GPRs < 3)
    E.line("xorl %edx, %edx");
  if (GPRs < 4)
    E.line("xorl %ecx, %ecx");
  if (!Tr.isVarArg())
    E.line("xorl %eax, %eax");
}

// Cuts each fixed argument in an xmm register to its value's bytes (a half
// 2, a float 4, a vector its store size), as the way back cuts a result.
// The call site cuts them too (cutIntegerArgs), but instruction selection
// may rebuild a value after that cut: at -O0 a <2 x half> (a _Complex
// _Float16) was put together from its halves with punpcklwd, the other 12
// bytes from registers the compartment had used (review 83b,
// attacks-rev83b-vector-arg-lanes.c).
static void cutSSEArgs(AsmEmitter &E, const Function &Tr, bool Indirect) {
  const DataLayout &DL = Tr.getParent()->getDataLayout();
  unsigned SSEs = 0;
  for (const Argument &Arg : Tr.args()) {
    Type *T = Arg.getType();
    if ((Indirect && Arg.getArgNo() == 0) || Arg.hasByValAttr() ||
        !inSSE(DL, T))
      continue;
    if (SSEs == 8)
      return;
    cutXmmTo(E, SSEs++, DL.getTypeStoreSize(T));
  }
}

// The trampoline for calls of Callee (through type FT) from domain From to
// domain To with StackBytes bytes of stack arguments: a naked function with
// the callee's signature that enters To (allocating this thread's stack in
// To on first use), switches to To's stack, copies the stack arguments,
// calls Callee, and on the way back enters From and returns on From's
// stack, checked against From's arena if From is a compartment.
//
// Frame written at the top T of To's stack, above the copied arguments:
//   T-8: From's stack pointer   T-16: From's old slot   T-24: To's old slot
Function *Instrumenter::getOrCreateTrampoline(Function &Callee,
                                              FunctionType *FT,
                                              const Domain &From,
                                              const Domain &To,
                                              uint64_t StackBytes,
                                              unsigned CallGPRs,
                                              StringRef CallStackLive) {
  auto DomName = [](const Domain &D) {
    return D.kind == Domain::Compartment ? D.name : StringRef("0");
  };
  std::string Name = ("__bulkhead_tramp." + Callee.getName() + "." +
                      DomName(From) + "." + Twine(StackBytes))
                         .str();
  // A variadic one per count of general registers the call's arguments
  // take (clearUnusedArgRegs).
  bool OutOfCompartment = From.kind == Domain::Compartment;
  if (FT->isVarArg() && OutOfCompartment) {
    Name += ".g" + std::to_string(CallGPRs);
    if (StackBytes && !CallStackLive.empty())
      Name += ".s" + CallStackLive.str();
  }
  // One per call type too: calls of an unprototyped function may pass
  // different arguments, and the trampoline clears the registers that
  // carry none (clearUnusedArgRegs).
  Function *&Cached = Trampolines[{Name, FT}];
  if (Cached)
    return Cached;
  // The asm calls a callee defined here through an operand (which keeps it
  // alive), a direct call; one only declared here by name through the PLT,
  // which the linker makes a direct call when the executable defines it
  // (every instrumented function with a domain), else a PLT call (libc's
  // exit).
  if (!Callee.isDeclaration())
    Callee.setDSOLocal(true);
  // Internal, one copy per module: a comdat copy the linker discards would
  // leave its gates' manifest entries pointing into a discarded section,
  // which GNU ld rejects.
  Function *Tr = Function::Create(FT, GlobalValue::InternalLinkage, Name, M);
  if (FT->isVarArg() && OutOfCompartment && CallGPRs)
    Tr->addFnAttr(CallGPRsAttr, std::to_string(CallGPRs));
  if (FT->isVarArg() && OutOfCompartment && StackBytes &&
      !CallStackLive.empty())
    Tr->addFnAttr(StackLiveAttr, CallStackLive);
  // Parameter attributes (byval, sret) must match the callee's: callers lay
  // out the stack for the trampoline exactly as for the callee.
  AttributeList CA = Callee.getAttributes();
  for (unsigned I = 0; I < FT->getNumParams(); ++I)
    Tr->addParamAttrs(I, AttrBuilder(M.getContext(), CA.getParamAttrs(I)));
  Cached = finishTrampoline(Tr, &Callee, From, To, StackBytes);
  return Cached;
}

// The trampoline for pointer calls from compartment From to a function-
// pointer wrapper: it leaves From (its rights and its stack) for the
// default domain, and calls the pointer, passed in r10 (a `nest` argument),
// from there. A wrapper does not know which compartment calls it, and so
// could not switch back to that compartment's stack and rights; from the
// default domain it can (pass/CompartmentPass.cpp, getOrCreateWrapper()).
Function *Instrumenter::getOrCreateIndirectTrampoline(CallInst &Call,
                                                      const Domain &From,
                                                      uint64_t StackBytes) {
  FunctionType *FT = Call.getFunctionType();
  Function *&Tr = IndirectTrampolines[{FT, {From.name.str(), StackBytes}}];
  if (Tr)
    return Tr;
  LLVMContext &Ctx = M.getContext();
  SmallVector<Type *, 8> Params{PointerType::getUnqual(Ctx)};
  Params.append(FT->param_begin(), FT->param_end());
  auto *TFT = FunctionType::get(FT->getReturnType(), Params, false);
  Tr = Function::Create(
      TFT, GlobalValue::InternalLinkage,
      "__bulkhead_tramp_ind." + From.name + "." + Twine(StackBytes), M);
  Tr->addParamAttr(0, Attribute::Nest);
  for (unsigned I = 0; I < FT->getNumParams(); ++I)
    Tr->addParamAttrs(I + 1,
                      AttrBuilder(Ctx, Call.getAttributes().getParamAttrs(I)));
  return finishTrampoline(Tr, nullptr, From, DefaultDomain, StackBytes);
}

bool Instrumenter::leaveForPointerCall(CallInst &Call, const Domain &From) {
  std::string Why;
  std::optional<uint64_t> Bytes =
      switchableStackBytes(Call, From, DefaultDomain, Why);
  if (!Bytes || Call.getFunctionType()->isVarArg())
    return false; // no wrapper is variadic: such a call never reaches one
  LLVMContext &Ctx = M.getContext();
  auto Bound = [&](const char *N) {
    GlobalVariable *G = M.getGlobalVariable(N, true);
    if (!G) {
      G = new GlobalVariable(M, Type::getInt8Ty(Ctx), true,
                             GlobalValue::ExternalWeakLinkage, nullptr, N);
      G->setVisibility(GlobalValue::HiddenVisibility);
    }
    return G;
  };
  IRBuilder<> B(&Call);
  Value *P = Call.getCalledOperand();
  Value *IsWrapper =
      B.CreateAnd(B.CreateICmpUGE(P, Bound("__start_" BH_SECTION_WRAPPERS)),
                  B.CreateICmpULT(P, Bound("__stop_" BH_SECTION_WRAPPERS)));
  Instruction *ThenTerm, *ElseTerm;
  SplitBlockAndInsertIfThenElse(IsWrapper, Call.getIterator(), &ThenTerm,
                                &ElseTerm);
  SmallVector<Value *, 8> Args{P};
  Args.append(Call.arg_begin(), Call.arg_end());
  Function *Tr = getOrCreateIndirectTrampoline(Call, From, *Bytes);
  // As for a direct call out (switchStacks): the trampoline clears only the
  // argument registers the callee does not take, so everything else of
  // From, the vector registers above all, is cleared here, before the
  // arguments are set (review 79a: the vault's memmove left its key in
  // xmm1-3 for the default domain's callback to spill,
  // runtime/attacks-rev79a-pointer-callout-vectors.c).
  CallInst *Out = IRBuilder<>(ThenTerm).CreateCall(Tr, Args);
  insertScrub(Out);
  AttributeList CA = Call.getAttributes();
  for (unsigned I = 0; I < Call.arg_size(); ++I)
    for (Attribute At : CA.getParamAttrs(I))
      Out->addParamAttr(I + 1, At);
  Out->addParamAttr(0, Attribute::Nest);
  Out->setIsNoInline();
  auto *Plain = cast<CallInst>(IRBuilder<>(ElseTerm).Insert(Call.clone()));
  if (!Call.getType()->isVoidTy()) {
    B.SetInsertPoint(&Call);
    PHINode *Phi = B.CreatePHI(Call.getType(), 2);
    Phi->addIncoming(Out, Out->getParent());
    Phi->addIncoming(Plain, Plain->getParent());
    Call.replaceAllUsesWith(Phi);
  }
  Call.eraseFromParent();
  insertGateIfNeeded(Plain->getNextNode(), symbolFor(From), false,
                     /*CheckStack=*/true);
  return true;
}

Function *Instrumenter::finishTrampoline(Function *Tr, Function *CalleePtr,
                                         const Domain &From, const Domain &To,
                                         uint64_t StackBytes) {
  bool Indirect = !CalleePtr;
  assert(!(From == To) && "a trampoline crosses domains");
  assert((From.kind == Domain::Compartment || To.kind == Domain::Compartment) &&
         "one end is a compartment");
  assert(!(From.kind == Domain::Compartment && To.kind == Domain::Compartment &&
           StackBytes) &&
         "no stack arguments between two compartments (switchableStackBytes)");
  ++NumTrampolines;
  Tr->addFnAttr(Attribute::Naked);
  Tr->addFnAttr(Attribute::NoInline);
  Tr->setUWTableKind(UWTableKind::Async); // unwinding passes through it
  // Where the runtime's stack walks stop (runtime/unwind.c): its CFI leads
  // to the caller's stack, which the walker's rights may not read.
  Tr->setSection(BH_SECTION_TRAMPOLINES);
  Tr->addFnAttr(WrapperAttr);
  appendToCompilerUsed(M, {Tr}); // keeps IPO from touching its signature

  bool FromC = From.kind == Domain::Compartment;
  bool ToC = To.kind == Domain::Compartment;
  std::string FromD = symbolFor(From), ToD = symbolFor(To);
  std::string FromSlot =
      getOrCreateStackSlot(From)->getName().str() + "@gottpoff(%rip)";
  std::string ToSlot =
      getOrCreateStackSlot(To)->getName().str() + "@gottpoff(%rip)";
  // Stack arguments out of a compartment into the default domain: only the
  // compartment's rights can read them, and only the default domain's may
  // write the frame (the slot it is written at is key-0 memory anyone can
  // set). They go through a per-thread buffer, addressed through %fs.
  bool ViaBuffer = FromC && !ToC && StackBytes;
  std::string Buffer =
      ViaBuffer ? getOrCreateArgBuffer()->getName().str() + "@gottpoff(%rip)"
                : "";
  // The caller's stack pointer is Above bytes below the return address.
  unsigned Above = FromC ? BH_FRAME_CALLER_SAVED : 0;
  bool ByName = !Indirect && CalleePtr->isDeclaration();

  AsmEmitter E;
  AsmEmitter::Label Refused = E.newLabel();
  if (Indirect) // from r10 (nest), kept where no argument lives
    E.step("keep the callee").line("movq %r10, %xmm14");
  // Leaving a compartment: its values in callee-saved registers are kept on
  // its own stack (the callee gets zeros), under its cookie (runtime/
  // stacks.c), which the way back checks at the saved stack pointer.
  if (FromC) {
    E.saveCalleeSaved(/*WithCFI=*/true);
    if (scrubsRegisters())
      E.clearCalleeSaved();
    // The caller's mark (abi.h, BH_STACK_HEADER), kept on its own stack for
    // the way back; 0 off its arena (nothing enforced: the body runs on its
    // caller's stack).
    // r14 keeps the stack's last byte (0: off the arena) for the slot and
    // mark below.
    AsmEmitter::Label Off = E.newLabel();
    E.step("push the caller's mark")
        .line("pushq $$0")
        .line(".cfi_adjust_cfa_offset 8")
        .line("xorl %r14d, %r14d");
    E.jumpUnlessInArena(FromD, "%rsp", Off);
    E.lastByteOfStack(FromD, "%rsp", "%r14")
        .line("movq " + AsmEmitter::markOperand("%r14") + ", %r11")
        .line("movq %r11, (%rsp)")
        .bind(Off);
    E.pushMarkedCookie(FromD);
    // From's slot and mark move below here with From's own rights: a
    // callee that calls back into From, or a signal handler, continues
    // below, and no key-0 store can point the slot above (into the frames
    // From has live). The old slot waits in r12 for the frame.
    AsmEmitter::Label Outside = E.newLabel();
    E.step("the caller's stack continues below")
        .line("movq " + FromSlot + ", %r11")
        .line("movq %fs:(%r11), %r12")
        .line("testq %r14, %r14")
        .line("jz " + Outside.ahead())
        .line("movq %rsp, %r13")
        .line("andq $$-16, %r13")
        .line("movq %r13, " + AsmEmitter::markOperand("%r14"))
        .line("movq %r13, %fs:(%r11)")
        .bind(Outside)
        .line("xorl %r13d, %r13d")
        .line("xorl %r14d, %r14d")
        .line("xorl %r11d, %r11d");
  }
  if (ToC)
    E.firstEntry(
        ToSlot, ToD, FromC,
        [&](AsmEmitter &Back) {
          if (FromC)
            Back.checkedGate(FromD);
        },
        Refused);
  if (ViaBuffer) {
    // Only the bits of each slot that hold a value: the rest is the
    // compartment's dead stack or a struct's padding (stackSlotLive).
    std::string Live = stackSlotLive(*Tr, Indirect);
    if (Live.size() != 2 * StackBytes)
      Live.assign(2 * StackBytes, 'f');
    E.step("copy stack arguments to the buffer");
    for (uint64_t I = 0; I < StackBytes; I += 8) {
      std::string Src = (Twine(Above + 8 + I) + "(%rsp)").str();
      // The slot's bits that hold a value, the rest zeroed (and-ed with
      // their mask).
      uint64_t Bits = std::stoull(Live.substr(2 * I, 16), nullptr, 16);
      if (!Bits)
        E.line("xorl %r10d, %r10d");
      else
        E.line("movq " + Src + ", %r10");
      if (Bits && ~Bits)
        E.line("movabsq $$" + std::to_string(Bits) + ", %r11")
            .line("andq %r11, %r10");
      E.line("movq " + Buffer + ", %r11")
          .line("movq %r10, %fs:" + Twine(I) + "(%r11)");
    }
  }
  E.keepArgsAroundGate();
  E.checkedGate(ToD);
  if (ToC)
    E.refuseOwnStack(ToD, Refused);
  E.loadStackTop(ToSlot, ToD, ToC, Refused);
  if (!ToC) { // no default stack recorded (never left it): stay on this one
    AsmEmitter::Label Known = E.newLabel();
    E.line("testq %rax, %rax")
        .line("jnz " + Known.ahead())
        .line("movq %rsp, %rax")
        .line("andq $$-16, %rax")
        .bind(Known);
  }
  // To's slot moves below the frame before the frame is written: a signal
  // handler (runtime/signals.c) or a nested entry must not land on it.
  if (ToC)
    E.writeCompartmentFrameTop(StackBytes, ToSlot);
  else
    E.writeFrameTop(StackBytes);
  if (FromC) { // moved before the gate
    E.step("save the caller's slot")
        .line("movq %r12, " + AsmEmitter::frameField(BH_FRAME_FROM_OLD_SLOT))
        .line("xorl %r12d, %r12d");
  } else {
    E.step("save the caller's slot")
        .line("movq " + FromSlot + ", %rcx")
        .line("movq %fs:(%rcx), %rdx")
        .line("movq %rdx, " + AsmEmitter::frameField(BH_FRAME_FROM_OLD_SLOT));
    // The default stack continues below here if the callee calls back.
    E.step("the caller's stack continues below")
        .line("movq %rsp, %rdx")
        .line("andq $$-16, %rdx")
        .line("movq %rdx, %fs:(%rcx)");
  }
  // Stack arguments: read with To's rights from the default domain's key-0
  // stack, or from the buffer (the pass rejects them between two
  // compartments).
  if (StackBytes)
    E.step("copy stack arguments");
  for (uint64_t I = 0; I < StackBytes; I += 8) {
    if (ViaBuffer)
      E.line("movq " + Buffer + ", %rdx")
          .line("movq %fs:" + Twine(I) + "(%rdx), %rdx");
    else
      E.line("movq " + Twine(Above + 8 + I) + "(%rsp), %rdx");
    E.line("movq %rdx, -" + Twine(BH_FRAME_SIZE + StackBytes - I) + "(%rax)");
  }
  E.step("switch stack")
      .line("leaq -" + Twine(BH_FRAME_SIZE + StackBytes) + "(%rax), %rsp")
      .cfaFromSavedSp(BH_FRAME_FROM_SP + StackBytes, Above, FromC);
  E.restoreArgsAfterGate();
  if (FromC && scrubsRegisters()) { // the callee gets nothing else of From
    E.step("scrub unused argument registers");
    clearUnusedArgRegs(E, *Tr, Indirect);
    if (scrubLevel() == ScrubLevel::Vector)
      cutSSEArgs(E, *Tr, Indirect);
    E.line("xorps %xmm13, %xmm13").line("xorps %xmm15, %xmm15");
  }
  countCrossing(E, From, To);
  E.step("call");
  if (Indirect)
    E.line("movq %xmm14, %r11").line("callq *%r11");
  else if (ByName)
    E.line("callq " + CalleePtr->getName() + "@PLT");
  else
    E.line("callq ${0:P}");
  // Back on To's stack with To's rights; results in rax, rdx, xmm0-1, st0-1.
  // From's slot is put back only once its stack is: until then it marks
  // where a signal handler may run (runtime/signals.c).
  E.step("return: drop the stack arguments")
      .line("leaq " + Twine(StackBytes) + "(%rsp), %rsp")
      .cfaFromSavedSp(BH_FRAME_FROM_SP, Above, FromC);
  E.step("keep the results").line("movq %rax, %r10").line("movq %rdx, %r8");
  E.restoreSlotFromFrame(ToSlot, ToC ? StringRef(ToD) : StringRef());
  E.step("the caller's slot and stack pointer from the frame")
      .line("movq " BH_STR(BH_FRAME_FROM_OLD_SLOT) "(%rsp), %r9")
      .line("movq " BH_STR(BH_FRAME_FROM_SP) "(%rsp), %r11");
  bool Scrub = ToC && scrubsRegisters();
  ResultRegs Result = resultRegs(*Tr);
  if (Scrub) { // leaving a compartment: nothing of it in caller-saved registers
    E.step("scrub").line("xorl %esi, %esi").line("xorl %edi, %edi");
    scrubVectorsKeeping(E, Result);
  }
  E.checkedGate(FromD);
  E.step("back on the caller's stack")
      .line("movq %r11, %rsp")
      .line(".cfi_def_cfa %rsp, " + Twine(Above + 8));
  if (FromC) { // the saved pointer sat in memory other domains can write
    // Unless nothing is enforced (BULKHEAD_ALLOW_UNPROTECTED=1): then an
    // entry thunk finds the rights held and calls the body on its
    // caller's stack, outside the arena.
    AsmEmitter::Label Unenforced = E.newLabel();
    E.step("the caller's stack pointer in its arena")
        .line("cmpl $$0, " BH_SYM_ENFORCED "(%rip)")
        .line("je " + Unenforced.ahead());
    E.jumpUnlessInArena(FromD, "%rsp", Refused);
    E.lastByteOfStack(FromD, "%rsp", "%rcx");
    E.trapUnlessOwner("%rcx", "%rax", Refused);
    E.bind(Unenforced);
    E.popMarkedCookie(FromD, Refused);
    // The mark as it was (from the caller's own stack, under the cookie):
    // the slot goes back above the frames the callee had below it.
    AsmEmitter::Label Off = E.newLabel();
    E.step("restore the caller's mark").line("movq %rsp, %rcx");
    E.jumpUnlessInArena(FromD, "%rcx", Off);
    E.lastByteOfStack(FromD, "%rsp", "%rcx")
        .line("movq (%rsp), %rax")
        .line("movq %rax, " + AsmEmitter::markOperand("%rcx"))
        .bind(Off)
        .line("addq $$8, %rsp")
        .line(".cfi_adjust_cfa_offset -8");
    E.restoreCalleeSaved();
  }
  E.step("restore the caller's slot")
      .line("movq " + FromSlot + ", %rcx")
      .line("movq %r9, %fs:(%rcx)");
  // The result's registers; out of a compartment, only those.
  E.step("return");
  if (!Scrub)
    E.line("movq %r10, %rax").line("movq %r8, %rdx");
  else
  {
    keepResultGPR(E, Result, 0, "r10", "r10d", "rax", "eax");
    keepResultGPR(E, Result, 1, "r8", "r8d", "rdx", "edx");
  }
  if (Scrub)
    for (const char *R : {"ecx", "r8d", "r9d", "r10d", "r11d"})
      E.line(Twine("xorl %") + R + ", %" + R);
  E.line("retq");
  E.refusedTrap(Refused);

  defineScrubRoutines(M, E.scrubRoutines());
  LLVMContext &Ctx = M.getContext();
  IRBuilder<> B(BasicBlock::Create(Ctx, "", Tr));
  if (Indirect || ByName) {
    auto *AsmTy = FunctionType::get(B.getVoidTy(), false);
    B.CreateCall(InlineAsm::get(AsmTy, E.text(), "", /*hasSideEffects=*/true));
  } else {
    auto *AsmTy =
        FunctionType::get(B.getVoidTy(), {CalleePtr->getType()}, false);
    B.CreateCall(InlineAsm::get(AsmTy, E.text(), "i", /*hasSideEffects=*/true),
                 {CalleePtr});
  }
  B.CreateUnreachable();
  return Tr;
}

// The trampoline for a wrapper's call into domain To made with the rights
// of a compartment the pass could not know (shared code such as qsort
// running for it), one per (To, kind of result) and module. The callee is
// the r10-th entry of the trampoline's own table of this module's wrapper
// targets in To (read-only data, bounds-checked after the gate into To), so
// that even a jump to it picks only among functions a wrapper would have
// called (found in review: a callee address in a register let a jump to
// the trampoline run any code with To's rights). It finds the calling
// compartment, i, from the thread's PKRU at run time, keeps i's
// callee-saved registers and a record {i, i's old stack slot} on i's own
// stack, points i's slot below them, and enters To as a trampoline does.
// The way back is __bulkhead_return_to_index (runtime/enter.c): fixed
// gates, one per index, each followed by checks of i's stack pointer and
// record before anything uses i's stack. No stack arguments (the callee's
// rights could not read them, nor i's its stack). Its body is written once
// the table is complete (finishAnyTrampolines).
Instrumenter::AnyTrampoline &
Instrumenter::getOrCreateAnyTrampoline(const Domain &To, ResultRegs Result,
                                       ResultRegs Args) {
  std::string Key =
      ((To.kind == Domain::Compartment ? To.name : StringRef("0")) + ".g" +
       Twine(Result.GPRs) + "x" + Twine(Result.SSEs))
          .str() +
      widthSuffix(Result);
  if (Result.X87s) // the way back keeps st0 (st1) only for such a result
    Key += ".st" + std::to_string(Result.X87s);
  // Into the default domain, the caller may be a compartment: the argument
  // registers the callees do not take are cleared, so they share a type.
  if (To.kind != Domain::Compartment)
    Key += ".a" + std::to_string(Args.GPRs) + "v" + std::to_string(Args.SSEs) +
           widthSuffix(Args);
  AnyTrampoline &T = AnyTrampolines[Key];
  if (T.Tr)
    return T;
  auto *FT = FunctionType::get(Type::getVoidTy(M.getContext()), false);
  T.Tr = Function::Create(FT, GlobalValue::InternalLinkage,
                          "__bulkhead_tramp_any." + Key, M);
  T.Tr->addFnAttr(Attribute::Naked);
  T.Tr->addFnAttr(Attribute::NoInline);
  T.Tr->addFnAttr(WrapperAttr);
  appendToCompilerUsed(M, {T.Tr});
  ++NumAnyTrampolines;
  T.To = To;
  T.Result = Result;
  T.Args = Args;
  return T;
}

void Instrumenter::finishAnyTrampolines() {
  LLVMContext &Ctx = M.getContext();
  auto *I32 = Type::getInt32Ty(Ctx), *I64 = Type::getInt64Ty(Ctx);
  for (auto &[Key, T] : AnyTrampolines) {
    assert(!T.Targets.empty() && "made for a wrapper's call");
    // Entries relative to the table: constants, no relocation at run time.
    auto *TableTy = ArrayType::get(I32, T.Targets.size());
    auto *Table =
        new GlobalVariable(M, TableTy, true, GlobalValue::InternalLinkage,
                           nullptr, "__bulkhead_any_targets." + Key);
    SmallVector<Constant *, 16> Entries;
    for (Function *F : T.Targets)
      Entries.push_back(ConstantExpr::getTrunc(
          ConstantExpr::getSub(ConstantExpr::getPtrToInt(F, I64),
                               ConstantExpr::getPtrToInt(Table, I64)),
          I32));
    Table->setInitializer(ConstantArray::get(TableTy, Entries));

    bool ToC = T.To.kind == Domain::Compartment;
    std::string ToD = symbolFor(T.To);
    std::string ToSlot =
        getOrCreateStackSlot(T.To)->getName().str() + "@gottpoff(%rip)";
    AsmEmitter E;
    AsmEmitter::Label Refused = E.newLabel();
    // With CFI: a throw that unwinds through the call restores i's own
    // registers from here (review 55), at offsets from the checked CFA.
    E.saveCalleeSaved(/*WithCFI=*/true);
    // r13 keeps the callee's index: C code called below preserves it.
    E.step("keep the callee's index").line("movq %r10, %r13");
    E.step("clear callee-saved but r13");
    for (const char *R : {"ebx", "ebp", "r12d", "r14d", "r15d"})
      E.line(Twine("xorl %") + R + ", %" + R);
    E.step("find the caller")
        .line("callq " BH_SYM_CALLER_INDEX)
        .line("testq %r11, %r11")
        .line("js " + Refused.ahead())
        .line("leaq " BH_SYM_INDEX_TABLE
              "+" BH_STR(BH_INDEX_SLOT_TPOFF) "(%rip), %r10")
        .line("movq (%r10,%r11,8), %r10")
        .line("testq %r10, %r10")
        .line("jz " + Refused.ahead());
    // i's descriptor, from the runtime's table of compartments (the
    // reference is weak and hidden: a program or shared object without
    // compartments never gets here; i has a slot, so i < the count); r14
    // keeps the last byte of i's stack, 0 off i's arena (nothing enforced).
    AsmEmitter::Label Off = E.newLabel(), Known = E.newLabel(),
                      NoOldMark = E.newLabel(), NoMark = E.newLabel();
    E.step("the caller's descriptor and stack")
        .line(".weak " BH_SYM_DOMAIN_TABLE)
        .line(".hidden " BH_SYM_DOMAIN_TABLE) // no dynamic symbol in a DSO
        .line("movq " BH_SYM_DOMAIN_TABLE "@GOTPCREL(%rip), %rbx")
        .line("movq " BH_STR(BH_DOMAIN_TABLE_DOMAINS) "(%rbx,%r11,8), %rbx");
    E.jumpUnlessInArena("%rbx", "%rsp", Off);
    E.lastByteOfStack("%rbx", "%rsp", "%r14");
    E.line("jmp " + Known.ahead()).bind(Off).line("xorl %r14d, %r14d");
    E.bind(Known);
    // The record (BH_RECORD_*), pushed: padding, i's old mark, i's old
    // slot, i's cookie (runtime/stacks.c), i. Then, as a static call out
    // does, i's mark and slot point at it, with i's own rights.
    static_assert(BH_RECORD_OLD_MARK == 24 && BH_RECORD_OLD_SLOT == 16 &&
                      BH_RECORD_COOKIE == 8 && BH_RECORD_INDEX == 0 &&
                      BH_RECORD_SIZE == 40,
                  "pushed in this order");
    E.step("push the record")
        .line("pushq $$0")
        .line(".cfi_adjust_cfa_offset 8")
        .line("pushq $$0")
        .line(".cfi_adjust_cfa_offset 8")
        .line("testq %r14, %r14")
        .line("jz " + NoOldMark.ahead())
        .line("movq " + AsmEmitter::markOperand("%r14") + ", %r15")
        .line("movq %r15, (%rsp)")
        .bind(NoOldMark)
        .line("pushq %fs:(%r10)")
        .line(".cfi_adjust_cfa_offset 8")
        .line("movq " BH_STR(BH_DOMAIN_STACK_LO) "(%rbx), %rbx")
        .line("pushq -" BH_STR(BH_COOKIE_BELOW) "(%rbx)")
        .line(".cfi_adjust_cfa_offset 8")
        .line("pushq %r11")
        .line(".cfi_adjust_cfa_offset 8");
    E.step("the caller's stack continues below: its mark, then its slot")
        .line("testq %r14, %r14")
        .line("jz " + NoMark.ahead())
        .line("movq %rsp, " + AsmEmitter::markOperand("%r14"))
        .bind(NoMark)
        .line("movq %rsp, %fs:(%r10)")
        .line("xorl %ebx, %ebx")
        .line("xorl %r14d, %r14d")
        .line("xorl %r15d, %r15d")
        .line("movq %r11, %r12"); // pushed above; C keeps it
    if (ToC)
      E.firstEntry(
          ToSlot, ToD, /*FromCompartment=*/true,
          [](AsmEmitter &Back) {
            // back into caller i (r12) through the runtime's
            // gates, on the runtime stack
            Back.step("back into the caller's rights")
                .line("movl %r12d, %edi")
                .line("callq " BH_SYM_ENTER_INDEX);
          },
          Refused);
    E.keepArgsAroundGate();
    E.checkedGate(ToD);
    if (ToC)
      E.refuseOwnStack(ToD, Refused);
    E.loadStackTop(ToSlot, ToD, ToC, Refused);
    if (!ToC)
      E.line("testq %rax, %rax").line("jz " + Refused.ahead());
    if (ToC)
      E.writeCompartmentFrameTop(0, ToSlot);
    else
      E.writeFrameTop(0);
    E.step("the caller's index into the frame")
        .line("movq %r12, " + AsmEmitter::frameField(BH_FRAME_FROM_OLD_SLOT))
        .line("xorl %r12d, %r12d");
    // Marked as a record's (abi.h, BH_CFA_SAVED_SP_MARK): the saved
    // pointer sat on the callee's stack, and the runtime's copy of this
    // CFI checks it as the way back does; the registers' rules above are
    // relative to the CFA, so that check covers them.
    E.step("switch stack")
        .line("leaq -" BH_STR(BH_FRAME_SIZE) "(%rax), %rsp")
        .cfaFromSavedSp(BH_FRAME_FROM_SP,
                        BH_RECORD_SIZE + BH_CALLEE_SAVED_BYTES,
                        /*Marked=*/true, /*AtRecord=*/true);
    E.restoreArgsAfterGate();
    if (!ToC && scrubsRegisters()) { // the callee gets nothing else of i
      static const char *const ArgGPRs[] = {"edi", "esi", "edx",
                                            "ecx", "r8d", "r9d"};
      E.step("scrub unused argument registers");
      for (unsigned I = T.Args.GPRs; I < 6; ++I)
        E.line(Twine("xorl %") + ArgGPRs[I] + ", %" + ArgGPRs[I]);
      if (T.Args.SSEs < 8) // known not variadic: al counts nothing
        E.line("xorl %eax, %eax");
      E.line("xorps %xmm15, %xmm15");
      scrubVectorsKeeping(E, T.Args);
    }
    if (ToC) // the caller's calls out are not counted: it is known only here
      E.count(getOrCreateStats(T.To.name)->getName(), BH_STATS_ENTRIES);
    E.step("call: entry r13 of the table, checked")
        .line("cmpq $$" + Twine(T.Targets.size()) + ", %r13")
        .line("jae " + Refused.ahead())
        .line("leaq ${0:P}(%rip), %r10")
        .line("movslq (%r10,%r13,4), %r11")
        .line("addq %r10, %r11")
        .line("xorl %r13d, %r13d")
        .line("callq *%r11");
    // __bulkhead_return_to_index returns r10 in rax and r8 in rdx: out of
    // a compartment, only the result's registers.
    bool Scrub = ToC && scrubsRegisters();
    E.step("keep the results");
    if (!Scrub)
      E.line("movq %rax, %r10").line("movq %rdx, %r8");
    else
    {
      keepResultGPR(E, T.Result, 0, "rax", "eax", "r10", "r10d");
      keepResultGPR(E, T.Result, 1, "rdx", "edx", "r8", "r8d");
    }
    E.restoreSlotFromFrame(ToSlot, ToC ? StringRef(ToD) : StringRef());
    // To the way back's convention (include/bulkhead/abi.h): rdi = i,
    // r11 = i's saved stack pointer.
    E.step("return through the way back")
        .line("movq " BH_STR(BH_FRAME_FROM_SP) "(%rsp), %r11")
        .line("movq " BH_STR(BH_FRAME_FROM_OLD_SLOT) "(%rsp), %rdi");
    if (Scrub) {
      E.step("scrub").line("xorl %esi, %esi");
      scrubVectorsKeeping(E, T.Result);
    }
    E.line("jmp " BH_SYM_RETURN_TO_INDEX);
    E.refusedTrap(Refused);

    defineScrubRoutines(M, E.scrubRoutines());
    IRBuilder<> B(BasicBlock::Create(Ctx, "", T.Tr));
    auto *AsmTy = FunctionType::get(B.getVoidTy(), {Table->getType()}, false);
    B.CreateCall(InlineAsm::get(AsmTy, E.text(), "i", /*hasSideEffects=*/true),
                 {Table});
    B.CreateUnreachable();
  }
}

// Replaces Call (of a wrapper's target in domain To) by the same call
// through anyTrampoline, the target's index in its table passed in r10.
void Instrumenter::callThroughAny(CallInst &Call, const Domain &To) {
  Type *Ret = Call.getType();
  auto *Target = cast<Function>(Call.getCalledOperand());
  AnyTrampoline &T =
      getOrCreateAnyTrampoline(To, resultRegs(*Target), argRegs(*Target));
  auto It = llvm::find(T.Targets, Target);
  uint64_t Index = It - T.Targets.begin();
  if (It == T.Targets.end())
    T.Targets.push_back(Target);
  // `nest` (r10) takes a pointer: the index goes as one.
  auto *Ptr = PointerType::getUnqual(M.getContext());
  SmallVector<Type *, 8> Params{Ptr};
  SmallVector<Value *, 8> Args{ConstantExpr::getIntToPtr(
      ConstantInt::get(Type::getInt64Ty(M.getContext()), Index), Ptr)};
  for (Value *Arg : Call.args()) {
    Params.push_back(Arg->getType());
    Args.push_back(Arg);
  }
  auto *FT = FunctionType::get(Ret, Params, false);
  CallInst *Via = IRBuilder<>(&Call).CreateCall(FT, T.Tr, Args);
  AttributeList CA = Call.getAttributes();
  for (unsigned I = 0; I < Call.arg_size(); ++I)
    for (Attribute At : CA.getParamAttrs(I))
      Via->addParamAttr(I + 1, At);
  Via->addParamAttr(0, Attribute::Nest);
  Via->setIsNoInline();
  Via->setTailCallKind(CallInst::TCK_Tail); // it returns to our caller
  Call.replaceAllUsesWith(Via);
  Call.eraseFromParent();
}

// Saves this module's stack slots before a setjmp-like call and puts them
// back whenever it returns, after the gate that follows it (the gate comes
// first: a longjmp may arrive with rights that cannot touch this stack). A
// longjmp skips the trampolines that would have put them back; without
// this, each jump out of nested calls would leak stack until it ran out.
// The slots are read and written %fs-relative, with the caller's rights,
// never through a pointer kept in memory another domain could change.
void Instrumenter::keepStackSlots(CallBase &Call) {
  SmallVector<GlobalVariable *, 8> Slots;
  for (GlobalVariable &GV : M.globals())
    if (GV.isThreadLocal() &&
        GV.getName().starts_with(BH_SYM_STACK_SLOT_PREFIX))
      Slots.push_back(&GV);
  if (Slots.empty())
    return;
  auto *Ptr = PointerType::getUnqual(M.getContext());
  auto *BufTy = ArrayType::get(Ptr, Slots.size());
  Function &F = *Call.getFunction();
  IRBuilder<> Entry(&*F.getEntryBlock().getFirstInsertionPt());
  Value *Buf = Entry.CreateAlloca(BufTy, nullptr, "bulkhead.slots");
  IRBuilder<> B(&Call);
  for (unsigned I = 0; I < Slots.size(); ++I)
    B.CreateStore(B.CreateLoad(Ptr, Slots[I]),
                  B.CreateConstInBoundsGEP2_32(BufTy, Buf, 0, I));
  for (Instruction *Gate : afterCall(Call)) {
    IRBuilder<> A(Gate->getNextNode());
    for (unsigned I = 0; I < Slots.size(); ++I)
      A.CreateStore(
          A.CreateLoad(Ptr, A.CreateConstInBoundsGEP2_32(BufTy, Buf, 0, I)),
          Slots[I]);
  }
}

// Routes Call (from From into To) through its trampoline; false, with an
// error at the call, if its arguments cannot be passed that way.
// The bytes of stack arguments a trampoline from From to To copies for
// Call, or why no trampoline can pass them.
std::optional<uint64_t> switchableStackBytes(const CallBase &Call,
                                             const Domain &From,
                                             const Domain &To,
                                             std::string &Why) {
  std::optional<uint64_t> Bytes = stackArgBytes(Call, Why);
  if (!Bytes)
    return std::nullopt;
  if (*Bytes && From.kind == Domain::Compartment &&
      To.kind == Domain::Compartment) {
    Why = std::to_string(*Bytes) +
          " bytes of arguments are passed on the stack; between two "
          "compartments, neither's rights can both read the caller's stack "
          "and write the callee's (pass a pointer to a struct)";
    return std::nullopt;
  }
  if (*Bytes > BH_MAX_CALLOUT_ARGS && From.kind == Domain::Compartment) {
    Why = std::to_string(*Bytes) +
          " bytes of arguments are passed on the stack; out of a compartment "
          "at most " +
          std::to_string(BH_MAX_CALLOUT_ARGS) + " are supported";
    return std::nullopt;
  }
  if (*Bytes > BH_MAX_STACK_ARGS) {
    Why = std::to_string(*Bytes) +
          " bytes of arguments are passed on the stack; at most " +
          std::to_string(BH_MAX_STACK_ARGS) + " are supported";
    return std::nullopt;
  }
  return Bytes;
}

bool Instrumenter::switchStacks(CallBase &Call, Function &Callee,
                                const Domain &From, const Domain &To) {
  std::string Why;
  std::optional<uint64_t> Bytes = switchableStackBytes(Call, From, To, Why);
  if (!Bytes) {
    errorAtCall(Call, "-bulkhead-stacks: cannot switch stacks for the call "
                      "to '" +
                          sourceName(Callee) + "' from " + From.describe() +
                          " into " + To.describe() + " (in function '" +
                          sourceName(*Call.getFunction()) + "'): " + Why);
    return false;
  }
  if (From.kind == Domain::Compartment)
    insertScrub(&Call); // unused argument registers carry nothing of From
  Call.setCalledOperand(
      getOrCreateTrampoline(Callee, Call.getFunctionType(), From, To, *Bytes,
                            callGPRs(Call), stackSlotLive(Call)));
  return true;
}

} // namespace bulkhead
