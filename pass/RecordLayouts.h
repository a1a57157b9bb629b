// RecordLayouts.h - which bits of a struct hold data, by the front end's
// record layout as its debug information describes it. Clang's IR type of
// a struct spells some padding as members ([N x i8] after a member with a
// larger alignment) and says nothing of the bits of a bit-field's storage
// that no field uses; Padding.cpp clears those too where a layout is known
// (attacks-rev84a-explicit-padding.c, attacks-rev84b-bitfield-bits.c).
// bulkhead-clang asks the front end for debug information when the user
// did not, and the pass drops it once read (-bulkhead-layout-debug-info).
#ifndef BULKHEAD_PASS_RECORDLAYOUTS_H
#define BULKHEAD_PASS_RECORDLAYOUTS_H

#include <vector>

#include <cstdint>

namespace llvm {
class CallBase;
class Function;
class Module;
class StructType;
class Value;
} // namespace llvm

namespace bulkhead {

// Reads M's debug information: the layout of each struct type that a
// variable, a global or a function's sret result has, or that one record
// of the debug information names alone. Then drops it if the driver added
// it for this.
void readRecordLayouts(llvm::Module &M);

// Whether every compile unit of the module readRecordLayouts read was C
// (false with none): the debug information may be gone after it.
bool moduleInC();

// The bits of an object of type ST that hold data (8 per byte of its
// allocation size), or null if its layout is not known or not agreed on.
const std::vector<bool> *recordDataBits(llvm::StructType *ST);

// The data bits of the record a pointer points to by its debug type (8 per
// byte of the record), where the pointer is kept in Storage (a variable's
// alloca, a global) or in a member at byte Off of a struct of type ST;
// null if the pointee's layout is not known. The same for the pointer a
// function of the module returns, by its debug result type. Level 1: of
// the record pointers that pointer points to (a `struct small **`, or a
// pointer to an array of record pointers); none past it.
constexpr unsigned PointerLevels = 2;
const std::vector<bool> *pointeeOfVariable(const llvm::Value *Storage,
                                           unsigned Level = 0);
const std::vector<bool> *pointeeOfMember(llvm::StructType *ST, uint64_t Off,
                                         unsigned Level = 0);
const std::vector<bool> *pointeeOfResult(const llvm::Function *F,
                                         unsigned Level = 0);

// Copy, a clone of Storage (a helper's copy's alloca), holds the pointer
// Storage does.
void copyPointerVariable(const llvm::Value *Storage, const llvm::Value *Copy);

// An IR argument's part of a record its callee takes by value: the
// record's data bits (8 per byte) and the byte of it the argument starts
// at; Record null if the argument carries no record, or it is not known.
struct ArgumentPiece {
  const std::vector<bool> *Record = nullptr;
  uint64_t Off = 0;
  // By the declared type of the function pointer called (which a cast at
  // the call may differ from), not by the callee's own.
  bool ThroughPointer = false;
};

// Argument ArgNo of Call's, by the debug type of its callee's parameters:
// a function of the module called directly, defined or (from -O1 on,
// where clang describes the callees of calls) declared; or called through
// a pointer kept in a variable or member whose debug type says the
// function's parameters.
ArgumentPiece argumentPiece(const llvm::CallBase &Call, unsigned ArgNo);

} // namespace bulkhead

#endif
