// GadgetConstants.h - rewrites constants whose immediate or displacement
// bytes could hold a WRPKRU/XRSTOR/XRSTORS pattern into values computed at
// run time by instructions that hold none (docs/design.md, "Gadget-free
// code").
#ifndef BULKHEAD_GADGET_CONSTANTS_H
#define BULKHEAD_GADGET_CONSTANTS_H

#include "llvm/IR/PassManager.h"

namespace bulkhead {

struct GadgetConstantsPass : llvm::PassInfoMixin<GadgetConstantsPass> {
  llvm::PreservedAnalyses run(llvm::Module &M, llvm::ModuleAnalysisManager &);
  static bool isRequired() { return true; } // also at -O0 and on optnone
};

} // namespace bulkhead

#endif
