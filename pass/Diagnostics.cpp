// Diagnostics.cpp - see Diagnostics.h.
#include "Diagnostics.h"
#include "../include/bulkhead/abi.h"

#include "llvm/IR/Constants.h"
#include "llvm/IR/DebugInfoMetadata.h"
#include "llvm/IR/DiagnosticInfo.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/GlobalVariable.h"
#include "llvm/IR/InstrTypes.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Metadata.h"
#include "llvm/IR/Module.h"

using namespace llvm;

namespace bulkhead {

static uint64_t srcLocCookie(const CallBase &Call) {
  const MDNode *MD = Call.getMetadata("srcloc");
  if (!MD || MD->getNumOperands() == 0)
    return 0;
  if (auto *C = mdconst::dyn_extract<ConstantInt>(MD->getOperand(0)))
    return C->getZExtValue();
  return 0;
}

// The function clang knows the source location of, for a function the pass
// renamed (an entry's body, a compartment's copy of a helper): clang finds
// a function's declaration by its name.
static const Function &namedInSource(const Function &F) {
  StringRef Name = F.getName();
  if (!Name.consume_front(BH_SYM_BODY_PREFIX))
    Name = Name.split(".bulkhead.").first;
  const Function *Original = F.getParent()->getFunction(Name);
  return Original ? *Original : F;
}

void errorAtCall(const CallBase &Call, const Twine &Msg) {
  LLVMContext &Ctx = Call.getContext();
  std::string Text = ("bulkhead: " + Msg).str();
  const Function &Caller = namedInSource(*Call.getFunction());
  if (!Call.getDebugLoc()) {
    if (uint64_t Cookie = srcLocCookie(Call)) {
      // Clang maps a location cookie back to file:line:col with a caret.
      Ctx.diagnose(DiagnosticInfoInlineAsm(Cookie, Text, DS_Error));
      return;
    }
  }
  Ctx.diagnose(DiagnosticInfoUnsupported(Caller, Text, Call.getDebugLoc()));
}

void errorAtAsmLine(const CallBase &Call, unsigned Line, const Twine &Msg) {
  const MDNode *MD = Call.getMetadata("srcloc");
  if (MD && MD->getNumOperands() > 0) {
    unsigned Op = Line < MD->getNumOperands() ? Line : 0;
    if (auto *C = mdconst::dyn_extract<ConstantInt>(MD->getOperand(Op)))
      if (uint64_t Cookie = C->getZExtValue()) {
        Call.getContext().diagnose(
            DiagnosticInfoInlineAsm(Cookie, "bulkhead: " + Msg, DS_Error));
        return;
      }
  }
  errorAtCall(Call, Msg);
}

void errorAtGlobal(const GlobalValue &GV, StringRef File, unsigned Line,
                   const Twine &Msg) {
  if (auto *F = dyn_cast<Function>(&GV)) {
    // Clang points at the function's declaration, with a caret.
    GV.getContext().diagnose(DiagnosticInfoUnsupported(*F, "bulkhead: " + Msg));
    return;
  }
  // A variable has no function for clang to point at: the message names the
  // annotation's file:line, and a cookie of 0 prints it as a plain error.
  std::string Text;
  if (!File.empty())
    Text = (Line ? File + ":" + Twine(Line) + ": " : File + ": ").str();
  Text += ("bulkhead: " + Msg).str();
  GV.getContext().diagnose(DiagnosticInfoInlineAsm(0, Text, DS_Error));
}

void errorAtInstruction(const Instruction &I, const Twine &Msg) {
  if (auto *Call = dyn_cast<CallBase>(&I))
    return errorAtCall(*Call, Msg);
  I.getContext().diagnose(DiagnosticInfoUnsupported(
      namedInSource(*I.getFunction()), "bulkhead: " + Msg, I.getDebugLoc()));
}

void errorAtVariable(const GlobalVariable &GV, const Twine &Msg,
                     bool FileWithoutDebugInfo) {
  SmallVector<DIGlobalVariableExpression *, 1> Debug;
  GV.getDebugInfo(Debug);
  if (!Debug.empty())
    if (DIGlobalVariable *Var = Debug.front()->getVariable())
      return errorAtGlobal(GV, Var->getFilename(), Var->getLine(), Msg);
  errorAtGlobal(GV,
                FileWithoutDebugInfo ? GV.getParent()->getSourceFileName() : "",
                0, Msg);
}

void warnAtFunction(const Function &F, const Twine &Msg) {
  F.getContext().diagnose(DiagnosticInfoUnsupported(
      F, "bulkhead: " + Msg, DiagnosticLocation(), DS_Warning));
}

} // namespace bulkhead
