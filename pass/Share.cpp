// Share.cpp - -bulkhead-share=FILE (-fpkey-share=FILE): the sharing policy.
// Every allocation made while a function the policy names runs (its callees
// included) comes from the shared heap instead of its compartment's, for
// library APIs that make the caller write into memory the library
// allocated (libpng's png_struct holds the caller's jmp_buf). The pass
// brackets each such function's body with runtime calls; runtime/share.c
// keeps the brackets. See docs/heaps.md, "Sharing policy".
//
// The file has one entry per line, `FUNCTION [FILE]`, and `#` comments.
// FILE, if given, is the source file defining FUNCTION (a path suffix): it
// picks among static functions of one name, and lets the build check the
// entry, since only the module compiled from FILE can tell that FUNCTION is
// missing.
//
// `frame FUNCTION [FILE]` shares the function's address-taken locals
// instead: they live in a block of the shared heap while it runs, not on
// the compartment's own stack (libpng hands its callbacks a pointer to a
// local png_row_info).
#include "../include/bulkhead/abi.h"
#include "Diagnostics.h"
#include "Instrumenter.h"

#include "Compat.h"
#include "llvm/ADT/StringExtras.h"

#include "llvm/IR/DebugInfoMetadata.h"
#include "llvm/IR/DiagnosticInfo.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Transforms/Utils/ModuleUtils.h"

#include <set>

using namespace llvm;

static cl::opt<std::string> SharePolicy(
    "bulkhead-share",
    cl::desc("Sharing policy: allocations made while the functions this file "
             "names run come from the shared heap (-fpkey-share=FILE)"),
    cl::init(""));

namespace bulkhead {

namespace {
struct Entry {
  std::string Function, File;
  unsigned Line;
  bool Frame; // `frame FUNCTION`: its locals, not its allocations
};
} // namespace

static void report(LLVMContext &Ctx, unsigned Line, const Twine &Msg,
                   DiagnosticSeverity Severity) {
  // A cookie of 0: clang prints the text as it is, as an error or warning.
  Ctx.diagnose(DiagnosticInfoInlineAsm(
      0, SharePolicy + ":" + Twine(Line) + ": bulkhead: " + Msg, Severity));
}

// The policy's entries, or nothing after one error naming file:line.
static std::optional<std::vector<Entry>> readPolicy(LLVMContext &Ctx) {
  auto Buf = MemoryBuffer::getFile(SharePolicy, /*IsText=*/true);
  if (!Buf) {
    Ctx.diagnose(DiagnosticInfoInlineAsm(
        0,
        "bulkhead: cannot read share policy '" + SharePolicy +
            "': " + Buf.getError().message(),
        DS_Error));
    return std::nullopt;
  }
  std::vector<Entry> Out;
  SmallVector<StringRef, 16> Lines;
  (*Buf)->getBuffer().split(Lines, '\n');
  for (unsigned I = 0; I < Lines.size(); ++I) {
    StringRef Text = Lines[I].split('#').first.trim();
    if (Text.empty())
      continue;
    SmallVector<StringRef, 4> Words;
    SplitString(Text, Words);
    // `frame` followed by a name starts a frame entry; otherwise it is
    // just a function's name.
    bool Frame =
        Words.size() >= 2 && Words[0] == "frame" && isCIdentifier(Words[1]);
    if (Frame)
      Words.erase(Words.begin());
    if (Words.size() > 2 || !isCIdentifier(Words[0])) {
      report(Ctx, I + 1,
             "malformed share policy entry '" + Text +
                 "': expected a function name and optionally the source "
                 "file defining it ([frame] FUNCTION [FILE])",
             DS_Error);
      return std::nullopt;
    }
    StringRef File = Words.size() == 2 ? Words[1] : "";
    File.consume_front("./");
    Out.push_back({Words[0].str(), File.str(), I + 1, Frame});
  }
  return Out;
}

// Whether Path names the file Want: equal, or ending in "/" + Want.
static bool sameFile(StringRef Path, StringRef Want) {
  return Path == Want ||
         (Path.ends_with(Want) && Path.drop_back(Want.size()).ends_with("/"));
}

static bool definedIn(const Function &F, StringRef File) {
  if (sameFile(F.getParent()->getSourceFileName(), File))
    return true;
  const DISubprogram *SP = F.getSubprogram();
  return SP &&
         (sameFile(SP->getFilename(), File) ||
          sameFile((SP->getDirectory() + "/" + SP->getFilename()).str(), File));
}

// The points where F returns or unwinds out of itself; before a musttail
// call, as nothing may stand between it and its return.
static SmallVector<Instruction *, 4> exits(Function &F) {
  SmallVector<Instruction *, 4> Out;
  for (BasicBlock &BB : F) {
    Instruction *Exit = BB.getTerminator();
    if (!isa<ReturnInst>(Exit) && !isa<ResumeInst>(Exit))
      continue;
    if (auto *Tail = dyn_cast_or_null<CallInst>(Exit->getPrevNode()))
      if (Tail->isMustTailCall())
        Exit = Tail;
    Out.push_back(Exit);
  }
  return Out;
}

// The first point of F's entry block after its allocas.
static Instruction *afterAllocas(Function &F) {
  BasicBlock::iterator At = F.getEntryBlock().getFirstInsertionPt();
  while (isa<AllocaInst>(*At))
    ++At;
  return &*At;
}

// Moves F's address-taken locals into one block of the shared heap,
// allocated at entry and freed at every exit (a longjmp out of F leaks it).
// Why not: the text of a warning.
static std::optional<std::string> shareFrame(Function &F, FunctionCallee Alloc,
                                             FunctionCallee Free) {
  const DataLayout &DL = F.getParent()->getDataLayout();
  SmallVector<AllocaInst *, 8> Locals;
  SmallVector<uint64_t, 8> Offsets;
  uint64_t Size = 0;
  for (Instruction &I : F.getEntryBlock()) {
    auto *AI = dyn_cast<AllocaInst>(&I);
    if (!AI || !AI->isStaticAlloca() || !mayBeCaptured(AI))
      continue;
    if (AI->getAlign() > Align(16))
      return "a local is aligned to more than 16 bytes";
    Size = alignTo(Size, AI->getAlign());
    Offsets.push_back(Size);
    Size += AI->getAllocationSize(DL)->getFixedValue();
    Locals.push_back(AI);
  }
  if (Locals.empty())
    return "it has no address-taken locals";
  IRBuilder<> B(afterAllocas(F));
  Value *Block = B.CreateCall(Alloc, {B.getInt64(Size)}, "bulkhead.frame");
  for (unsigned I = 0; I < Locals.size(); ++I) {
    AllocaInst *AI = Locals[I];
    // Lifetime markers take allocas only; the block lives as long as F.
    for (User *U : make_early_inc_range(AI->users()))
      if (auto *II = dyn_cast<IntrinsicInst>(U);
          II && II->isLifetimeStartOrEnd())
        II->eraseFromParent();
    Value *At =
        B.CreateInBoundsGEP(B.getInt8Ty(), Block, B.getInt64(Offsets[I]),
                            AI->getName() + ".shared");
    AI->replaceAllUsesWith(At);
    AI->eraseFromParent();
  }
  for (Instruction *Exit : exits(F))
    IRBuilder<>(Exit).CreateCall(Free, {Block});
  return std::nullopt;
}

// Opens a bracket at F's entry and closes it at each of its exits (a
// longjmp or an exception skips the close; the runtime copes).
static void bracket(Function &F, FunctionCallee Push, FunctionCallee Pop) {
  IRBuilder<> B(afterAllocas(F));
  Value *SP = B.CreateStackSave("bulkhead.share.sp");
  B.CreateCall(Push, {SP});
  for (Instruction *Exit : exits(F))
    IRBuilder<>(Exit).CreateCall(Pop, {SP});
}

void Instrumenter::shareAllocations() {
  if (SharePolicy.empty())
    return;
  LLVMContext &Ctx = M.getContext();
  std::optional<std::vector<Entry>> Policy = readPolicy(Ctx);
  if (!Policy)
    return;
  auto *Ptr = PointerType::getUnqual(Ctx);
  auto *FT = FunctionType::get(Type::getVoidTy(Ctx), {Ptr}, false);
  FunctionCallee Push = M.getOrInsertFunction(BH_SYM_SHARE_PUSH, FT);
  FunctionCallee Pop = M.getOrInsertFunction(BH_SYM_SHARE_POP, FT);
  FunctionCallee FrameAlloc =
      M.getOrInsertFunction(BH_SYM_FRAME_ALLOC, Ptr, Type::getInt64Ty(Ctx));
  FunctionCallee FrameFree = M.getOrInsertFunction(BH_SYM_FRAME_FREE, FT);
  std::set<std::string> Bracketed;
  for (const Entry &E : *Policy) {
    bool Found = false;
    for (Function &F : M) {
      if (F.isDeclaration() || F.getName() != E.Function ||
          (!E.File.empty() && !definedIn(F, E.File)))
        continue;
      Found = true;
      std::string Where = ("share policy entry '" + E.Function + "' (" +
                           SharePolicy + ":" + Twine(E.Line) + ")")
                              .str();
      if (domainOf(F).kind == Domain::Default) {
        warnAtFunction(F, Where + " names a default-domain function, whose " +
                              (E.Frame ? "locals are" : "allocations are") +
                              " shared anyway; ignored");
        continue;
      }
      // Compartment code, or a helper it runs.
      if (!E.Frame) {
        bracket(F, Push, Pop);
        Domain D = domainOf(F);
        if (D.kind == Domain::Compartment)
          Bracketed.insert(D.name.str());
        else // a helper: any compartment of this module may run it
          for (const auto &Ann : A.all())
            Bracketed.insert(Ann.second.compartment);
      } else if (std::optional<std::string> Why =
                     shareFrame(F, FrameAlloc, FrameFree))
        warnAtFunction(F, Where + ": nothing shared, " + *Why);
    }
    if (!Found && !E.File.empty() && sameFile(M.getSourceFileName(), E.File))
      report(Ctx, E.Line,
             "share policy entry '" + E.Function +
                 "' names no function "
                 "defined in " +
                 E.File,
             DS_Warning);
  }
  for (const std::string &C : Bracketed)
    recordSharingCompartment(C);
}

// Tells the runtime that compartment C has a sharing policy: only then does
// it honour C's brackets, which are key-0 memory (runtime/share.c). An
// entry of a read-only section, relative to C's descriptor: nothing to
// relocate at run time, so nothing that any domain can write.
void Instrumenter::recordSharingCompartment(StringRef C) {
  LLVMContext &Ctx = M.getContext();
  auto *I32 = Type::getInt32Ty(Ctx), *I64 = Type::getInt64Ty(Ctx);
  auto *GV = new GlobalVariable(M, I32, true, GlobalValue::PrivateLinkage,
                                nullptr, "__bulkhead_share_policy." + C);
  GV->setInitializer(ConstantExpr::getTrunc(
      ConstantExpr::getSub(
          ConstantExpr::getPtrToInt(getOrCreateDescriptor(C), I64),
          ConstantExpr::getPtrToInt(GV, I64)),
      I32));
  GV->setSection(BH_SECTION_SHARE);
  GV->setAlignment(Align(4));
  appendToUsed(M, {GV});
}

} // namespace bulkhead
