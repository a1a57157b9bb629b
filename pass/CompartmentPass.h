// CompartmentPass.h - the Bulkhead module pass: places compartment data on
// pages of their own, emits one descriptor per compartment for the runtime,
// and puts a checked gate around every direct call that crosses domains.
#ifndef BULKHEAD_COMPARTMENT_PASS_H
#define BULKHEAD_COMPARTMENT_PASS_H

#include "llvm/IR/PassManager.h"

namespace bulkhead {

struct CompartmentPass : llvm::PassInfoMixin<CompartmentPass> {
  llvm::PreservedAnalyses run(llvm::Module &M, llvm::ModuleAnalysisManager &);
  static bool isRequired() { return true; } // also at -O0 and on optnone
};

} // namespace bulkhead

#endif
