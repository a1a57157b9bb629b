// Plugin.cpp - registers the Bulkhead passes with the new pass manager: at
// the start of every clang pipeline (-O0 to -O3, and the pre-link half of
// -flto) the inline-asm check and the compartment pass; at its end (and at
// the end of an LTO link) the gadget-free constants and the list of the
// module's landing pads; and as `-passes=bulkhead`, `bulkhead-asm-check`,
// `bulkhead-gadget-constants` and `bulkhead-own-code` for opt, and the
// domain analysis's printer, `print<bulkhead-domains>`.
#include "AsmCheck.h"
#include "CompartmentPass.h"
#include "Compat.h"
#include "DomainAnalysis.h"
#include "GadgetConstants.h"
#include "OwnCode.h"

#include "llvm/Passes/PassBuilder.h"

using namespace llvm;

extern "C" LLVM_ATTRIBUTE_WEAK PassPluginLibraryInfo llvmGetPassPluginInfo() {
  return {LLVM_PLUGIN_API_VERSION, "Bulkhead", LLVM_VERSION_STRING,
          [](PassBuilder &PB) {
            PB.registerPipelineStartEPCallback(
                [](ModulePassManager &MPM, OptimizationLevel) {
                  MPM.addPass(bulkhead::AsmCheckPass());
                  MPM.addPass(bulkhead::CompartmentPass());
                });
            // Last, so that no later optimisation folds a constant back in
            // (LLVM 20 added an LTO-phase argument: auto... takes either).
            PB.registerOptimizerLastEPCallback(
                [](ModulePassManager &MPM, OptimizationLevel, auto...) {
                  MPM.addPass(bulkhead::GadgetConstantsPass());
                  MPM.addPass(bulkhead::OwnCodePass());
                });
            PB.registerFullLinkTimeOptimizationLastEPCallback(
                [](ModulePassManager &MPM, OptimizationLevel) {
                  MPM.addPass(bulkhead::GadgetConstantsPass());
                  MPM.addPass(bulkhead::OwnCodePass());
                });
            PB.registerPipelineParsingCallback(
                [](StringRef Name, ModulePassManager &MPM,
                   ArrayRef<PassBuilder::PipelineElement>) {
                  if (Name == "bulkhead")
                    MPM.addPass(bulkhead::CompartmentPass());
                  else if (Name == "print<bulkhead-domains>")
                    MPM.addPass(bulkhead::PrintDomainsPass());
                  else if (Name == "bulkhead-asm-check")
                    MPM.addPass(bulkhead::AsmCheckPass());
                  else if (Name == "bulkhead-gadget-constants")
                    MPM.addPass(bulkhead::GadgetConstantsPass());
                  else if (Name == "bulkhead-own-code")
                    MPM.addPass(bulkhead::OwnCodePass());
                  else
                    return false;
                  return true;
                });
          }};
}
