// AsmCheck.h - inline assembly that writes PKRU (wrpkru, xrstor, xrstors,
// or their bytes in data directives) is an error where it is written,
// unless the asm allowlist names it with a reason (AsmAllowlist.h).
#ifndef BULKHEAD_ASM_CHECK_H
#define BULKHEAD_ASM_CHECK_H

#include "llvm/IR/PassManager.h"

namespace bulkhead {

struct AsmCheckPass : llvm::PassInfoMixin<AsmCheckPass> {
  llvm::PreservedAnalyses run(llvm::Module &M, llvm::ModuleAnalysisManager &);
  static bool isRequired() { return true; }
};

} // namespace bulkhead

#endif
