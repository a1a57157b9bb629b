// Padding.h - the padding bytes of a struct that crosses a compartment's
// boundary in a register, cleared: clang passes and returns a small struct
// as integers loaded from its memory, padding included (issue 11, item 6).
#ifndef BULKHEAD_PASS_PADDING_H
#define BULKHEAD_PASS_PADDING_H

namespace llvm {
class Function;
class IRBuilderBase;
class Value;
} // namespace llvm

namespace bulkhead {

// V, with the bytes cleared that are padding in the object it was loaded
// from: V an integer, a vector, or a struct of those and others, loaded at
// a constant offset from a local or global variable of a known type, or
// from clang's copy of one (clang's coerced load of a struct argument or
// result). Any other V as it is.
llvm::Value *clearPadding(llvm::IRBuilderBase &B, llvm::Value *V);

// Every value F returns, through clearPadding, just before its return.
void clearResultPadding(llvm::Function &F);

} // namespace bulkhead

#endif
