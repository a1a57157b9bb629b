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
#include "Diagnostics.h"
#include "Instrumenter.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/IR/DebugInfoMetadata.h"
#include "llvm/IR/DiagnosticInfo.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/Support/MemoryBuffer.h"

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
        0, "bulkhead: cannot read share policy '" + SharePolicy +
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
    SmallVector<StringRef, 3> Words;
    SplitString(Text, Words);
    if (Words.size() > 2 || !isCIdentifier(Words[0])) {
      report(Ctx, I + 1,
             "malformed share policy entry '" + Text +
                 "': expected a function name and optionally the source "
                 "file defining it (FUNCTION [FILE])",
             DS_Error);
      return std::nullopt;
    }
    StringRef File = Words.size() == 2 ? Words[1] : "";
    File.consume_front("./");
    Out.push_back({Words[0].str(), File.str(), I + 1});
  }
  return Out;
}

// Whether Path names the file Want: equal, or ending in "/" + Want.
static bool sameFile(StringRef Path, StringRef Want) {
  return Path == Want || (Path.ends_with(Want) &&
                          Path.drop_back(Want.size()).ends_with("/"));
}

static bool definedIn(const Function &F, StringRef File) {
  if (sameFile(F.getParent()->getSourceFileName(), File))
    return true;
  const DISubprogram *SP = F.getSubprogram();
  return SP && (sameFile(SP->getFilename(), File) ||
                sameFile((SP->getDirectory() + "/" + SP->getFilename()).str(),
                         File));
}

// Opens a bracket at F's entry and closes it at each of its exits (a
// longjmp or an exception skips the close; the runtime copes).
static void bracket(Function &F, FunctionCallee Push, FunctionCallee Pop) {
  BasicBlock::iterator At = F.getEntryBlock().getFirstInsertionPt();
  while (isa<AllocaInst>(*At))
    ++At;
  IRBuilder<> B(&*At);
  Value *SP = B.CreateStackSave("bulkhead.share.sp");
  B.CreateCall(Push, {SP});
  for (BasicBlock &BB : F) {
    Instruction *Exit = BB.getTerminator();
    if (!isa<ReturnInst>(Exit) && !isa<ResumeInst>(Exit))
      continue;
    // Nothing may stand between a musttail call and its return.
    if (auto *Tail = dyn_cast_or_null<CallInst>(Exit->getPrevNode()))
      if (Tail->isMustTailCall())
        Exit = Tail;
    IRBuilder<>(Exit).CreateCall(Pop, {SP});
  }
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
  FunctionCallee Push = M.getOrInsertFunction("__bulkhead_share_push", FT);
  FunctionCallee Pop = M.getOrInsertFunction("__bulkhead_share_pop", FT);
  for (const Entry &E : *Policy) {
    bool Found = false;
    for (Function &F : M) {
      if (F.isDeclaration() || F.getName() != E.Function ||
          (!E.File.empty() && !definedIn(F, E.File)))
        continue;
      Found = true;
      if (domainOf(F).kind == Domain::Default) {
        warnAtFunction(F, "share policy entry '" + E.Function + "' (" +
                              SharePolicy + ":" + Twine(E.Line) +
                              ") names a default-domain function, which "
                              "allocates from the shared heap anyway; "
                              "ignored");
        continue;
      }
      bracket(F, Push, Pop); // compartment code, or a helper it runs
    }
    if (!Found && !E.File.empty() && sameFile(M.getSourceFileName(), E.File))
      report(Ctx, E.Line,
             "share policy entry '" + E.Function + "' names no function "
             "defined in " + E.File,
             DS_Warning);
  }
}

} // namespace bulkhead
