// Plugin.cpp - registers the Bulkhead pass with the new pass manager: at the
// start of every clang pipeline (-O0 to -O3, and the pre-link half of -flto),
// and as `-passes=bulkhead` for opt.
#include "CompartmentPass.h"
#include "Compat.h"

#include "llvm/Passes/PassBuilder.h"

using namespace llvm;

extern "C" LLVM_ATTRIBUTE_WEAK PassPluginLibraryInfo llvmGetPassPluginInfo() {
  return {LLVM_PLUGIN_API_VERSION, "Bulkhead", LLVM_VERSION_STRING,
          [](PassBuilder &PB) {
            PB.registerPipelineStartEPCallback(
                [](ModulePassManager &MPM, OptimizationLevel) {
                  MPM.addPass(bulkhead::CompartmentPass());
                });
            PB.registerPipelineParsingCallback(
                [](StringRef Name, ModulePassManager &MPM,
                   ArrayRef<PassBuilder::PipelineElement>) {
                  if (Name != "bulkhead")
                    return false;
                  MPM.addPass(bulkhead::CompartmentPass());
                  return true;
                });
          }};
}
