// CallGates.cpp - the call ABI across domains: a gate (or, with
// -bulkhead-stacks, a trampoline) at every direct call that crosses
// domains, re-entry after pointer calls, landing pads and setjmp, and the
// markers by which a compartment finds default-domain code of other
// modules (docs/design.md, steps 7-9).
#include "../include/bulkhead/abi.h"
#include "Annotations.h"
#include "AsmEmitter.h"
#include "AsmText.h"
#include "Diagnostics.h"
#include "Gate.h"
#include "Instrumenter.h"
#include "RecordLayouts.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/Statistic.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
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
#include "llvm/Transforms/Utils/BasicBlockUtils.h"
#include "llvm/Transforms/Utils/Cloning.h"
#include "llvm/Transforms/Utils/ModuleUtils.h"
#include "llvm/Transforms/Utils/ValueMapper.h"

#include <map>

using namespace llvm;

#define DEBUG_TYPE "bulkhead"
STATISTIC(NumGatedCalls, "Direct calls gated between domains");

namespace bulkhead {

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

// At Before: the runtime's BH_SYM_EXCEPTION_ARRIVES with the landing
// pad's exception and the descriptor of its domain. Inline asm, so that no
// gate or check is put around it, and no stack slot of the pad's frame is
// read before it (the pad's rights are still the unwinder's). Not a call:
// the return point goes in r11 and the stub keeps it on the thrower's
// memory, since a return address on the pad's stack (another domain's
// maybe) could be rewritten while the hand-over runs with the thrower's
// rights (attacks-rev52-stub-return.cpp). It clobbers what a call does.
// ByStack (a helper's original a pointer may reach, with compartment
// stacks): the hand-over and the gate into DomainSymbol are skipped in a
// compartment's own activation (it called the original through a pointer,
// on its stack): what runs before that decision, maybe with a
// compartment's rights on a key-0 stack, reads registers and read-only
// tables only. In the same asm, so that nothing comes between.
static void exceptionArrives(Instruction *Before, LandingPadInst &LP,
                             StringRef DomainSymbol, bool ByStack) {
  IRBuilder<> B(Before);
  Value *Exc = B.CreateExtractValue(&LP, 0);
  auto *FT = FunctionType::get(Exc->getType(), {Exc->getType()}, false);
  std::string Text = ("leaq " + DomainSymbol +
                      "(%rip), %rsi\n\tleaq 1f(%rip), %r11\n\tjmp " +
                      BH_SYM_EXCEPTION_ARRIVES + "\n1:")
                         .str();
  if (ByStack) {
    AsmEmitter E;
    AsmEmitter::Label Own = E.newLabel();
    E.jumpIfOwnActivation(Own).line(Text).gateIfNeeded(DomainSymbol, false);
    Text = E.bind(Own).text();
  }
  // rdi is an input the stub clobbers: a tied output. The caller-saved
  // registers: rax to r11, the vector registers (xmm16-31 and the mask
  // registers are libc's too, with AVX-512).
  std::string Constraints = "={rdi},0,~{rax},~{rcx},~{rdx},~{rsi},~{r8},~{r9},"
                            "~{r10},~{r11}";
  for (int I = 0; I < 32; I++)
    Constraints += ",~{xmm" + std::to_string(I) + "}";
  for (int I = 0; I < 8; I++)
    Constraints += ",~{k" + std::to_string(I) + "}";
  Constraints += ",~{memory},~{dirflag},~{fpsr},~{flags}";
  B.CreateCall(InlineAsm::get(FT, Text, Constraints, /*hasSideEffects=*/true),
               {Exc});
}

// Before every gate at the start of each landing pad gateCalls saw (its
// own, and those after invokes into other domains, which without
// compartment stacks sit at the pad's start too), with the rights of the
// code that unwound there: a compartment's exception entering another
// domain is handed to it (runtime/exceptions.c).
void Instrumenter::insertExceptionArrivals() {
  for (auto &[BB, Symbol, ByStack] : LandingPads)
    exceptionArrives(&*BB->getFirstInsertionPt(), *BB->getLandingPadInst(),
                     Symbol, ByStack);
}

void Instrumenter::gateCalls(Function &F) {
  Domain Caller = domainOf(F);
  // Re-entering a compartment that runs on its own stacks: check the stack.
  bool CheckStack = StackSwitching && Caller.kind == Domain::Compartment;
  // An exception may arrive from any domain, through frames that have no
  // landing pad to restore rights: every landing pad re-enters its own
  // function's domain. But a compartment on its own stacks is reached at a
  // pad only with its own rights: another domain's rights cannot unwind
  // through its frames, on its stack (docs/design.md, "Exceptions"). Its
  // pads check the rights and grant nothing: a gate there gave them to a
  // jump into the pad (attacks-rev58b-pad-forged-exception.cpp).
  // A helper's original is the default domain's (compartments call their
  // own copies, HelperCopies.cpp): its pads too, or a compartment's
  // exception caught there kept the compartment's rights
  // (attacks-rev59b-helper-catch-rights.cpp). One a pointer may reach
  // (RunByAnyDomain) runs with its caller's rights, on its stack: with
  // compartment stacks, its pads get the same but skip it in a
  // compartment's own activation, found by the stack (ByStack,
  // attacks-rev59c-any-helper-catch-rights.cpp); without them, nothing.
  // With them, so does one another module may keep in place of this one:
  // the linker keeps one module's linkonce copy of an original for all,
  // and another module may take its address (review 62: the default
  // domain's pad in the vault's own activation faulted on its stack).
  Domain PadDomain = Caller;
  bool ByStack = false;
  bool MaybeAnyDomain = RunByAnyDomain.contains(&F);
  if (Caller.kind == Domain::Shared && StackSwitching && !F.hasLocalLinkage())
    MaybeAnyDomain = true;
  if (Caller.kind == Domain::Shared && !MaybeAnyDomain)
    PadDomain = DefaultDomain;
  else if (Caller.kind == Domain::Shared && StackSwitching) {
    PadDomain = DefaultDomain;
    ByStack = true;
  }
  if (PadDomain.kind != Domain::Shared)
    for (BasicBlock &BB : F)
      if (BB.isLandingPad()) {
        Instruction *At = &*BB.getFirstInsertionPt();
        if (CheckStack)
          insertRightsCheck(At, symbolFor(PadDomain), /*CheckStack=*/true);
        else if (!ByStack) // its gate comes with its hand-over
          insertGateIfNeeded(At, symbolFor(PadDomain), false, CheckStack);
        LandingPads.push_back({&BB, symbolFor(PadDomain), ByStack});
      }
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
    // compartment's stack and rights first (pass/Stacks.cpp). Either way it
    // may leave the compartment: its arguments are cut as a gated call's.
    if (!Callee && Caller.kind == Domain::Compartment)
      cutIntegerArgs(*Call);
    if (!Callee && StackSwitching && Caller.kind == Domain::Compartment &&
        isa<CallInst>(Call) &&
        leaveForPointerCall(*cast<CallInst>(Call), Caller))
      continue;
    if (!Callee || Call->hasFnAttr(Attribute::ReturnsTwice)) {
      if (StackSwitching && Call->hasFnAttr(Attribute::ReturnsTwice))
        SetjmpCalls.push_back(Call); // keepStackSlots, once all exist
      if (isa<CallInst>(Call) && Call->hasFnAttr(Attribute::ReturnsTwice)) {
        insertGateIfNeededKeeping(*Call, symbolFor(Caller), CheckStack);
        continue;
      }
      for (Instruction *At : afterCall(*Call))
        if (Caller.kind == Domain::Compartment) {
          // On its stacks, its pads have their check (above), no gate.
          if (!(CheckStack && At->getParent()->isLandingPad()))
            insertGateIfNeeded(At, symbolFor(Caller), false, CheckStack);
        } else
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
        Callee->isDeclaration()) {
      if (toCheckedSharedHeap(*Call, *Callee))
        continue;
      gateIfDefaultElsewhere(*Call, *Callee, Caller);
    }
    // A compartment's call of its own (or shared, or another compartment's)
    // code by a name another object may define: an override by
    // default-domain code is found at run time (attacks-review12-weak-
    // override.c); the plain call is handled as before.
    if (Caller.kind == Domain::Compartment && Target.kind != Domain::Default &&
        !Callee->isDeclaration())
      if (auto *Name = const_cast<GlobalValue *>(
              replaceableName(Call->getCalledOperand())))
        Call = gateIfReplaced(*Call, *Name, Caller);
    if (Target.kind == Domain::Shared || Target == Caller)
      continue;
    const Annotation *Ann = A.find(Callee);
    if (Ann && Ann->role == Role::Internal) {
      errorAtCall(*Call, "call to '" + sourceName(*Callee) +
                             "', internal to compartment '" + Ann->compartment +
                             "', from " + Caller.describe() + " (function '" +
                             sourceName(F) + "'); only code of compartment '" +
                             Ann->compartment + "' may call it");
      continue;
    }
    gate(*Call, Caller, Target);
  }
}

// Switches to the callee's rights before the call and back to the caller's
// after it. Both values are fixed for the call site: the caller's domain is
// known here, so the way back never trusts anything the callee left behind.
// A struct result that a default-domain callee returns through memory
// (sret) was written where the compartment's caller keeps its temporary,
// on the compartment's own stack, which the callee cannot write: the call
// died of a protection-key fault (stacks-sret-call-out.c). The callee
// writes into a block of the shared heap instead, and the caller, back
// with its rights, copies the result over and frees the block. The result
// is the default domain's data either way; a failed allocation leaves a
// null pointer, and the callee's write faults. An invoke keeps its
// temporary (open).
// Only in C, where a struct is its bytes: a C++ class may point into
// itself (a short std::string's data pointer), and the bytes copied over
// kept pointing into the freed block, key-0 memory, where the vault's
// string then kept what it appended (review 94a,
// attacks-rev94a-sret-self-pointer.cpp). The IR does not say which classes
// may be copied bytewise; a C++ module keeps its temporary (and faults).
// The language is the compile units' (the driver always asks for debug
// information; readRecordLayouts read it): none, or any other, is not C.
static void resultThroughSharedHeap(CallBase &Call) {
  auto *CI = dyn_cast<CallInst>(&Call);
  if (!CI)
    return;
  Module &M = *CI->getModule();
  if (!moduleInC())
    return;
  const DataLayout &DL = M.getDataLayout();
  for (unsigned I = 0; I < CI->arg_size(); ++I) {
    if (!CI->paramHasAttr(I, Attribute::StructRet))
      continue;
    IRBuilder<> B(CI);
    PointerType *Ptr = B.getPtrTy();
    FunctionCallee Malloc = M.getOrInsertFunction("bulkhead_shared_malloc",
                                                  Ptr, B.getInt64Ty());
    FunctionCallee Free = M.getOrInsertFunction("free", B.getVoidTy(), Ptr);
    uint64_t Size = DL.getTypeAllocSize(CI->getParamStructRetType(I));
    Value *Dest = CI->getArgOperand(I);
    Value *Block = B.CreateCall(Malloc, {B.getInt64(Size)});
    CI->setArgOperand(I, Block);
    B.SetInsertPoint(CI->getNextNode());
    B.CreateMemCpy(Dest, CI->getParamAlign(I).valueOrOne(), Block, Align(16),
                   Size);
    B.CreateCall(Free, {Block});
  }
}

void Instrumenter::gate(CallBase &Call, const Domain &Caller,
                        const Domain &Callee) {
  assert(!(Caller == Callee) && Callee.kind != Domain::Shared &&
         "a gate changes domains");
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
  if (Caller.kind == Domain::Compartment && Callee.kind == Domain::Default &&
      StackSwitching)
    resultThroughSharedHeap(Call);
  if (Caller.kind == Domain::Compartment)
    cutIntegerArgs(Call);
  ++NumGatedCalls;
  LLVM_DEBUG(dbgs() << "bulkhead: gate " << Caller.describe() << " -> "
                    << Callee.describe() << " at a call in '"
                    << Call.getFunction()->getName() << "'\n");
  if (StackSwitching) {
    auto *Target =
        cast<Function>(Call.getCalledOperand()->stripPointerCastsAndAliases());
    switchStacks(Call, *Target, Caller, Callee);
    return;
  }
  AsmEmitter Count;
  countCrossing(Count, Caller, Callee);
  insertSteps(&Call, Count);
  insertGate(&Call, symbolFor(Callee), Caller.kind == Domain::Compartment);
  for (Instruction *At : afterCall(Call))
    insertGate(At, symbolFor(Caller), Callee.kind == Domain::Compartment);
  if (Callee.kind == Domain::Compartment)
    cutIntegerResult(Call);
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

// The function an alias's name runs, through aliases of aliases; none for
// an alias of data or into the middle of something.
static const Function *aliasedFunction(const GlobalAlias &GA) {
  return dyn_cast<Function>(GA.getAliasee()->stripPointerCastsAndAliases());
}

void Instrumenter::markDefaultFunctions() {
  LLVMContext &Ctx = M.getContext();
  auto *I8 = Type::getInt8Ty(Ctx);
  auto Mark = [&](StringRef Name) {
    auto *Marker = new GlobalVariable(M, I8, true, GlobalValue::ExternalLinkage,
                                      ConstantInt::get(I8, 0),
                                      defaultMarkerName(Name));
    Marker->setVisibility(GlobalValue::HiddenVisibility);
    // The name too, for the registration of shared objects, which cannot
    // see this (hidden) marker from another object.
    auto *Listed = new GlobalVariable(
        M, ArrayType::get(I8, Name.size() + 1), true,
        GlobalValue::PrivateLinkage, ConstantDataArray::getString(Ctx, Name),
        "__bulkhead_default_name");
    Listed->setSection(BH_SECTION_DEFAULTS);
    Listed->setAlignment(Align(1));
    appendToUsed(M, {Marker, Listed});
  };
  // Code of Linkage, under a name callers elsewhere may declare, that runs
  // in the default domain: default-domain code, or an external inline
  // function's copy here (compartments elsewhere must reach it through
  // gates too).
  auto IsDefault = [&](const Function &F, GlobalValue::LinkageTypes Linkage) {
    Domain::Kind K = domainOf(F).kind;
    return !F.isDeclaration() && !F.hasFnAttribute(WrapperAttr) &&
           !GlobalValue::isLocalLinkage(Linkage) &&
           (K == Domain::Default ||
            (K == Domain::Shared && GlobalValue::isExternalLinkage(Linkage)));
  };
  for (Function &F : M)
    if (IsDefault(F, F.getLinkage()))
      Mark(F.getName());
  // A caller elsewhere cannot tell an alias (glibc's weak_alias, C++'s
  // complete-object constructors) or an ifunc from a function: each runs
  // its target's code, and gets its marker. An alias of a compartment's
  // code (an entry's body) stays that code. An ifunc runs the pointer its
  // resolver returns, wrapped (step 6) to enter its own domain: it counts
  // as the resolver's code. A linkonce alias (of a helper) may be in
  // several modules, which cannot all define its marker.
  for (GlobalAlias &GA : M.aliases())
    if (const Function *F = aliasedFunction(GA);
        F && !GA.hasLinkOnceLinkage() && IsDefault(*F, GA.getLinkage()))
      Mark(GA.getName());
  for (GlobalIFunc &GI : M.ifuncs()) {
    if (const Function *R = GI.getResolverFunction();
        R && !GI.hasLinkOnceLinkage() && IsDefault(*R, GI.getLinkage()))
      Mark(GI.getName());
    // Every ifunc the pass saw, for the link check, which refuses others:
    // their resolvers may pick default-domain code (review 13a).
    if (!GI.hasLocalLinkage()) {
      auto *Seen = new GlobalVariable(
          M, I8, true, GlobalValue::WeakAnyLinkage, ConstantInt::get(I8, 0),
          (BH_SYM_IFUNC_MARK_PREFIX + GI.getName()).str());
      Seen->setVisibility(GlobalValue::HiddenVisibility);
      appendToUsed(M, {Seen});
    }
  }
  // An alias the IR never sees: a global `.set A, f` (or .equ, .equiv, .eqv,
  // `A = f`) of default-domain code in module-level assembly
  // (attacks-review12-asm-alias.c).
  // The rule is decided on what the IR defines: a declaration of the name
  // (its header, included where it is made) is only a use
  // (attacks-review12d-asm-alias-declared.c).
  AsmAliases Asm = readAsmAliases(M.getModuleInlineAsm());
  for (const auto &[Name, Value] : Asm.Equates) {
    const GlobalValue *Known = M.getNamedValue(Name);
    if (!Asm.Globals.contains(Name) || (Known && !Known->isDeclaration()))
      continue;
    const GlobalValue *GV = M.getNamedValue(Asm.finalTarget(Name));
    const Function *F = dyn_cast_or_null<Function>(GV);
    if (auto *GA = dyn_cast_or_null<GlobalAlias>(GV))
      F = aliasedFunction(*GA);
    if (F && IsDefault(*F, GlobalValue::ExternalLinkage))
      Mark(Name);
  }
}

// The runtime's allocators choose the heap by the caller's rights
// (runtime/heap.c, cxx.c): gated into the default domain, a compartment's
// allocation would come from the shared heap, where the default domain
// reads what the compartment then stores. They get no import: no list
// may turn their byte on (test/dso/allocator-imports.test).
static bool choosesHeapByRights(StringRef Name) {
  static const StringRef Names[] = {
      "malloc",        "calloc",         "realloc",         "reallocarray",
      "reallocf",      "reallocarr",     "free",            "cfree",
      "vfree",         "posix_memalign", "aligned_alloc",   "memalign",
      "valloc",        "pvalloc",        "_aligned_malloc", "strdup",
      "strndup",       "__strdup",       "wcsdup",          "malloc_usable_size",
      "malloc_size",   "malloc_good_size"};
  Name.consume_front("__libc_");
  return is_contained(Names, Name) || Name.starts_with("_Znw") ||
         Name.starts_with("_Zna") || Name.starts_with("_ZdlPv") ||
         Name.starts_with("_ZdaPv");
}

// NAME's import (include/bulkhead/abi.h, BH_SYM_IMPORT_PREFIX): a pointer
// to the name and a byte the program's runtime sets at registration when
// NAME is default-domain code, on a page it then makes read-only. Every
// module has them, the executable's too: the markers it tests cannot see
// default-domain code of another object (hidden), whether the module ends
// in that object or calls it from the program.
GlobalVariable *Instrumenter::importOf(StringRef Function) {
  std::string Name = (BH_SYM_IMPORT_PREFIX + Function).str();
  if (GlobalVariable *G = M.getGlobalVariable(Name, true))
    return G;
  LLVMContext &Ctx = M.getContext();
  // The module's part of the imports ends with a page of its own, after
  // them in any link (a subsection comes after the section's globals): the
  // imports are whole pages that the runtime can make read-only, whatever
  // order the linker puts the parts in (an LTO object goes last).
  static const char EndPage[] =
      "# bulkhead: the imports' last page\n"
      ".pushsection " BH_SECTION_IMPORTS ",\"aw\",@progbits\n"
      ".subsection 1\n"
      ".p2align " BH_STR(BH_PAGE_SHIFT) "\n"
      ".zero " BH_STR(BH_PAGE) "\n"
      ".popsection\n";
  if (!StringRef(M.getModuleInlineAsm()).contains(EndPage))
    M.appendModuleInlineAsm(EndPage);
  auto *Str = new GlobalVariable(
      M, ArrayType::get(Type::getInt8Ty(Ctx), Function.size() + 1), true,
      GlobalValue::PrivateLinkage, ConstantDataArray::getString(Ctx, Function),
      "__bulkhead_import_name");
  Str->setAlignment(Align(1));
  auto *I64 = Type::getInt64Ty(Ctx);
  auto *Ty = StructType::get(PointerType::getUnqual(Ctx), I64);
  // The module's own (no comdat): a comdat's import would be a section of
  // its own, which the end page cannot follow.
  auto *G = new GlobalVariable(
      M, Ty, false, GlobalValue::InternalLinkage,
      ConstantStruct::get(Ty, Str, ConstantInt::get(I64, 0)), Name);
  G->setSection(BH_SECTION_IMPORTS);
  G->setAlignment(Align(8));
  const StructLayout *SL = M.getDataLayout().getStructLayout(Ty);
  if (SL->getSizeInBytes() != BH_IMPORT_SIZE ||
      SL->getElementOffset(1) != BH_IMPORT_ON)
    report_fatal_error("bulkhead: an import's layout differs from abi.h");
  return G;
}

// libmimalloc's API is the default domain's (runtime/mimalloc-api.c), and
// what it returns comes from key-0 bookkeeping: a compartment's call of
// one of these goes to the runtime's way to the same heap, which checks
// that the block lies outside every compartment for the size asked
// (runtime/shared-heap.c; attacks-review7b-mi-malloc.test).
bool Instrumenter::toCheckedSharedHeap(CallBase &Call, Function &Callee) {
  static const std::pair<StringRef, StringRef> Checked[] = {
      {"mi_malloc", "bulkhead_shared_malloc"},
      {"mi_calloc", "bulkhead_shared_calloc"},
      {"mi_realloc", "bulkhead_shared_realloc"},
      {"mi_strdup", "bulkhead_shared_strdup"},
      {"mi_usable_size", "malloc_usable_size"},
  };
  for (const auto &[From, To] : Checked)
    if (Callee.getName() == From) {
      FunctionCallee F = M.getOrInsertFunction(To, Call.getFunctionType());
      Call.setCalledFunction(F);
      return true;
    }
  return false;
}

// Whether the name Callee is default-domain code of another module or of a
// registered object, at run time: its marker or its import.
Value *Instrumenter::isDefaultElsewhere(IRBuilderBase &B, GlobalValue &Callee) {
  std::string Name = defaultMarkerName(Callee.getName());
  GlobalVariable *Marker = M.getGlobalVariable(Name, true);
  if (!Marker) {
    Marker =
        new GlobalVariable(M, Type::getInt8Ty(M.getContext()), true,
                           GlobalValue::ExternalWeakLinkage, nullptr, Name);
    Marker->setVisibility(GlobalValue::HiddenVisibility);
  }
  Value *IsDefault = B.CreateIsNotNull(Marker);
  if (!choosesHeapByRights(Callee.getName())) {
    // Volatile: set by the runtime before any of this code runs.
    GlobalVariable *Import = importOf(Callee.getName());
    Value *On =
        B.CreateConstInBoundsGEP1_64(B.getInt8Ty(), Import, BH_IMPORT_ON);
    LoadInst *Byte = B.CreateLoad(B.getInt8Ty(), On, /*isVolatile=*/true);
    IsDefault = B.CreateOr(IsDefault, B.CreateIsNotNull(Byte));
  }
  return IsDefault;
}

// Splits CI on IsDefault into a copy gated into the default domain and a
// plain copy, which it returns.
static std::pair<CallInst *, CallInst *> splitOn(CallInst *CI,
                                                 Value *IsDefault) {
  Instruction *ThenTerm, *ElseTerm;
  SplitBlockAndInsertIfThenElse(IsDefault, CI->getIterator(), &ThenTerm,
                                &ElseTerm);
  auto *Gated = cast<CallInst>(IRBuilder<>(ThenTerm).Insert(CI->clone()));
  auto *Plain = cast<CallInst>(IRBuilder<>(ElseTerm).Insert(CI->clone()));
  if (!CI->getType()->isVoidTy()) {
    IRBuilder<> B(CI);
    PHINode *Phi = B.CreatePHI(CI->getType(), 2);
    Phi->addIncoming(Gated, Gated->getParent());
    Phi->addIncoming(Plain, Plain->getParent());
    CI->replaceAllUsesWith(Phi);
  }
  CI->eraseFromParent();
  return {Gated, Plain};
}

void Instrumenter::gateIfDefaultElsewhere(CallBase &Call, Function &Callee,
                                          const Domain &Caller) {
  auto *CI = dyn_cast<CallInst>(&Call);
  if (!CI || CI->isMustTailCall() || Callee.isIntrinsic() ||
      Callee.getName().starts_with("__bulkhead"))
    return; // invokes and musttail calls stay as they are (see threat model)
  IRBuilder<> B(CI);
  Value *IsDefault = isDefaultElsewhere(B, Callee);
  gateIntoDefault(*splitOn(CI, IsDefault).first, sourceName(Callee), Caller);
}

// Gates a compartment's call of Name (default-domain code elsewhere) into
// the default domain and back.
void Instrumenter::gateIntoDefault(CallInst &Gated, StringRef Name,
                                   const Domain &Caller) {
  std::string Why;
  if (StackSwitching &&
      !switchableStackBytes(Gated, Caller, DefaultDomain, Why)) {
    // Most such calls are of libc or of the compartment's own code in
    // another file: no error for a path that never runs, but a clear stop
    // if it does.
    std::string Msg =
        ("bulkhead: error: compartment '" + Caller.name +
         "' called default-domain function '" + Name + "' (from '" +
         sourceName(*Gated.getFunction()) +
         "'), whose arguments cannot be passed across the "
         "stack switch: " +
         Why)
            .str();
    stopWithError(&Gated, Msg);
    return;
  }
  gate(Gated, Caller, DefaultDomain);
}

const GlobalValue *replaceableName(const Value *V) {
  auto *GV = dyn_cast<GlobalValue>(V->stripPointerCasts());
  // Another definition of an ODR name is the same code (C++'s inline
  // functions and their constructor aliases): it runs as a helper does.
  while (GV && !GV->hasLocalLinkage() && !GV->isDeclaration() &&
         !GV->hasLinkOnceODRLinkage() && !GV->hasWeakODRLinkage()) {
    if (GV->isInterposable() || !GV->isDSOLocal())
      return GV;
    auto *GA = dyn_cast<GlobalAlias>(GV);
    GV = GA ? dyn_cast<GlobalValue>(GA->getAliasee()->stripPointerCasts())
            : nullptr;
  }
  return nullptr;
}

// A local function that calls Name by its name, wherever the linker or the
// loader resolved it; what gates a call of an overridden name runs.
Function *Instrumenter::getOrCreateByName(GlobalValue &Name, CallBase &Like) {
  std::string FName = ("__bulkhead_by_name." + Name.getName()).str();
  Function *&Slot = Wrappers[FName];
  if (Slot)
    return Slot;
  FunctionType *FT = Like.getFunctionType();
  Slot = Function::Create(FT, GlobalValue::InternalLinkage, FName, M);
  // Parameter attributes (byval, sret) as the call passes them.
  AttributeList CA = Like.getAttributes();
  for (unsigned I = 0; I < FT->getNumParams(); ++I)
    Slot->addParamAttrs(I, AttrBuilder(M.getContext(), CA.getParamAttrs(I)));
  Slot->addFnAttr(Attribute::NoInline);
  Slot->addFnAttr(WrapperAttr);
  Info.record(*Slot, DefaultDomain);
  SmallVector<Value *, 8> Args;
  for (Argument &Arg : Slot->args())
    Args.push_back(&Arg);
  IRBuilder<> B(BasicBlock::Create(M.getContext(), "", Slot));
  CallInst *Call = B.CreateCall(FT, &Name, Args);
  Call->setCallingConv(Like.getCallingConv());
  Call->setAttributes(Slot->getAttributes().removeFnAttributes(M.getContext()));
  Call->setTailCallKind(CallInst::TCK_Tail);
  Slot->setCallingConv(Like.getCallingConv());
  if (FT->getReturnType()->isVoidTy())
    B.CreateRetVoid();
  else
    B.CreateRet(Call);
  return Slot;
}

// A compartment's call of Name, whose definition here is not default-domain
// code but may be replaced by another object's (a weak function or alias,
// a library's overridable hook): when Name is default-domain code at run
// time (its marker or import), the call is gated into the default domain
// and reaches Name by its name; otherwise it stays as it was. Returns that
// plain call.
CallBase *Instrumenter::gateIfReplaced(CallBase &Call, GlobalValue &Name,
                                       const Domain &Caller) {
  auto *CI = dyn_cast<CallInst>(&Call);
  if (!CI || CI->isMustTailCall() || Name.getName().starts_with("__bulkhead"))
    return &Call; // invokes and musttail calls: see the threat model
  Function *ByName = getOrCreateByName(Name, *CI);
  IRBuilder<> B(CI);
  Value *IsDefault = isDefaultElsewhere(B, Name);
  auto [Gated, Plain] = splitOn(CI, IsDefault);
  Gated->setCalledFunction(ByName);
  gateIntoDefault(*Gated, Name.getName(), Caller);
  return Plain;
}

} // namespace bulkhead
