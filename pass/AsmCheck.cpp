// AsmCheck.cpp - see AsmCheck.h. Runs at the start of the pipeline, before
// the compartment pass adds its gates; a gate's asm (which records its
// WRPKRU in the .bulkhead.gates manifest, where bulkhead-scan checks at link
// time that it is a real checked gate) is not user asm either way.
#include "AsmCheck.h"
#include "../include/bulkhead/abi.h"
#include "AsmAllowlist.h"
#include "AsmText.h"
#include "Diagnostics.h"

#include "llvm/IR/DebugInfoMetadata.h"
#include "llvm/IR/DiagnosticInfo.h"
#include "llvm/IR/InlineAsm.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/CommandLine.h"

using namespace llvm;

static cl::opt<std::string> AsmAllowFile(
    "bulkhead-asm-allow",
    cl::desc("File of inline assembly that may write PKRU, with reasons "
             "(-fpkey-asm-allow=FILE)"),
    cl::init(""));

namespace bulkhead {

static const char *const Advice =
    "; only Bulkhead's checked gates may (if this one must, list it with a "
    "reason in -fpkey-asm-allow=FILE)";

static void checkCall(const CallBase &Call, const AsmAllowlist &Allow) {
  StringRef Text = cast<InlineAsm>(Call.getCalledOperand())->getAsmString();
  if (Text.contains(BH_SECTION_GATES))
    return;
  std::vector<AsmWriter> Found = findPkruWriters(Text);
  if (Found.empty())
    return;
  const Function &F = *Call.getFunction();
  const Module &M = *F.getParent();
  StringRef File = M.getSourceFileName();
  unsigned Line = 0;
  if (const DILocation *Loc = Call.getDebugLoc()) {
    File = Loc->getFilename();
    Line = Loc->getLine();
  }
  if (Allow.lookup(F.getName(), File, Line))
    return;
  for (const AsmWriter &W : Found)
    errorAtAsmLine(Call, W.Line,
                   "inline assembly in '" + F.getName() +
                       "' writes PKRU: " + W.What + Advice);
}

static void checkModuleAsm(const Module &M, const AsmAllowlist &Allow) {
  std::vector<AsmWriter> Found = findPkruWriters(M.getModuleInlineAsm());
  StringRef File = M.getSourceFileName();
  if (Found.empty() || Allow.lookup("", File, 0))
    return;
  for (const AsmWriter &W : Found)
    M.getContext().diagnose(DiagnosticInfoInlineAsm(
        0,
        File + ": bulkhead: file-scope assembly writes PKRU: " + W.What +
            Advice,
        DS_Error));
}

PreservedAnalyses AsmCheckPass::run(Module &M, ModuleAnalysisManager &) {
  AsmAllowlist Allow;
  std::string Error;
  if (!AsmAllowFile.empty() && !Allow.load(AsmAllowFile, Error)) {
    M.getContext().diagnose(DiagnosticInfoInlineAsm(
        0, "bulkhead: asm allowlist: " + Error, DS_Error));
    return PreservedAnalyses::all();
  }
  for (Function &F : M)
    for (BasicBlock &BB : F)
      for (Instruction &I : BB)
        if (auto *Call = dyn_cast<CallBase>(&I); Call && Call->isInlineAsm())
          checkCall(*Call, Allow);
  checkModuleAsm(M, Allow);
  return PreservedAnalyses::all();
}

} // namespace bulkhead
