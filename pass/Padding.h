// Padding.h - the padding bytes of a struct that crosses a compartment's
// boundary, cleared: clang passes and returns a small struct as integers
// loaded from its memory, padding included (issue 11, item 6), and a
// larger one through memory (sret, byval), copied whole.
#ifndef BULKHEAD_PASS_PADDING_H
#define BULKHEAD_PASS_PADDING_H

#include <cstdint>
#include <vector>

namespace llvm {
class CallBase;
class DataLayout;
class Function;
class IRBuilderBase;
class LoadInst;
class Type;
class Value;
} // namespace llvm

namespace bulkhead {

// Which bits of the N bytes at Off in an object of type T are padding
// (8 per byte, the lowest first): the gaps its structs' layouts leave, a
// scalar's bytes past its store size, bytes past its end, and where the
// front end's record layout is known the bits it gives no member
// (RecordLayouts.h); a union's bytes are all data unless its layout says
// otherwise.
std::vector<bool> paddingBitsOf(const llvm::DataLayout &DL, llvm::Type *T,
                                uint64_t Off, uint64_t N);

// V, with the bytes cleared that are padding in the object it was loaded
// from: V an integer, a vector, or a struct of those and others, loaded at
// a constant offset from a local or global variable of a known type, or
// from clang's copy of one (clang's coerced load of a struct argument or
// result). Any other V as it is.
llvm::Value *clearPadding(llvm::IRBuilderBase &B, llvm::Value *V);

// Call's argument ArgNo with the bytes cleared that are padding of the
// record its callee's parameter takes there (by debug type,
// RecordLayouts.h argumentPiece); where that is not known, clearPadding.
llvm::Value *clearArgumentPadding(llvm::IRBuilderBase &B, llvm::CallBase &Call,
                                  unsigned ArgNo);

// The type of the variable Load reads as clearPadding finds it (through
// clang's copy into a temporary), or null.
llvm::Type *loadedObject(const llvm::LoadInst &Load);

// Every value F returns, through clearPadding, just before its return, and
// the padding of a struct it returns through an sret pointer zeroed.
void clearResultPadding(llvm::Function &F);

} // namespace bulkhead

#endif
