// OwnCode.h - lists every function of the module that has a personality
// routine in section BH_SECTION_OWN_CODE, so that the runtime can tell the
// landing pads Bulkhead built from those of code it did not build, even
// where both are linked into one object (runtime/unwind-find.c; review
// 65b, test/runtime/attacks-rev65b-exe-plain-catch.cpp).
#ifndef BULKHEAD_OWN_CODE_H
#define BULKHEAD_OWN_CODE_H

#include "llvm/IR/PassManager.h"

namespace bulkhead {

struct OwnCodePass : llvm::PassInfoMixin<OwnCodePass> {
  llvm::PreservedAnalyses run(llvm::Module &M, llvm::ModuleAnalysisManager &);
  static bool isRequired() { return true; } // also at -O0 and on optnone
};

} // namespace bulkhead

#endif
