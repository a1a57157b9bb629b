// Diagnostics.h - errors reported through clang's diagnostic engine, so they
// print as `file:line:col: error: ...` and make the compile fail.
#ifndef BULKHEAD_DIAGNOSTICS_H
#define BULKHEAD_DIAGNOSTICS_H

#include "llvm/ADT/Twine.h"

namespace llvm {
class CallBase;
class Function;
class GlobalValue;
class GlobalVariable;
class Instruction;
} // namespace llvm

namespace bulkhead {

// An error at a call site: at its exact source location when clang recorded
// one (every call of an annotated function has a !srcloc, see bulkhead.h) or
// debug info has one, else at the calling function.
void errorAtCall(const llvm::CallBase &Call, const llvm::Twine &Msg);

// An error at line Line (0-based) of an inline asm call's text: clang
// records where each line of an asm string is (!srcloc).
void errorAtAsmLine(const llvm::CallBase &Call, unsigned Line,
                    const llvm::Twine &Msg);

// An error about a global: at the function, or for a variable at the
// annotation's file:line when known.
void errorAtGlobal(const llvm::GlobalValue &GV, llvm::StringRef File,
                   unsigned Line, const llvm::Twine &Msg);

// An error at an instruction: at its debug location if it has one, else at
// its function.
void errorAtInstruction(const llvm::Instruction &I, const llvm::Twine &Msg);

// An error about a variable: at its declaration when debug info has it;
// else, with FileWithoutDebugInfo, naming the module's source file.
void errorAtVariable(const llvm::GlobalVariable &GV, const llvm::Twine &Msg,
                     bool FileWithoutDebugInfo = false);

// A warning at a function's declaration.
void warnAtFunction(const llvm::Function &F, const llvm::Twine &Msg);

} // namespace bulkhead

#endif
