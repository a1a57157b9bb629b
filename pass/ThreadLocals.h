// ThreadLocals.h - see ThreadLocals.cpp: compartment code's thread-local
// variables, addressed %fs-relative.
#ifndef BULKHEAD_PASS_THREADLOCALS_H
#define BULKHEAD_PASS_THREADLOCALS_H

namespace llvm {
class GlobalVariable;
class Value;
} // namespace llvm

namespace bulkhead {

// The thread-local variable whose address Ptr is: clang's
// llvm.threadlocal.address of it, or in compartment code its %fs-relative
// rewrite (the inttoptr of its @gottpoff offset); null for anything else.
const llvm::GlobalVariable *threadLocalAt(const llvm::Value *Ptr);

// The %fs-relative address whose generic pointer Ptr is (the FS base plus
// it, as the rewrite makes one where an address escapes: a memcpy's
// source), null for anything else.
const llvm::Value *fsRelativeOf(const llvm::Value *Ptr);

} // namespace bulkhead

#endif
