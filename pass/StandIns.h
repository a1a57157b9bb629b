// StandIns.h - weak stand-ins for the runtime's symbols in every module.
#ifndef BULKHEAD_STANDINS_H
#define BULKHEAD_STANDINS_H

#include "llvm/IR/Module.h"

namespace bulkhead {

// Defines, as weak hidden symbols in comdats, a stand-in for every runtime
// symbol that instrumented code refers to. A link that lacks the runtime
// (a shared object; a build system that drops -fpkey-compartments from its
// link commands) then still links, and its gates call straight through:
// the default descriptor's stand-in says nothing is enforced. The runtime,
// linked whole into every executable by the driver, defines each of them
// strongly, which overrides the stand-ins.
void defineStandIns(llvm::Module &M);

// A reference that only the runtime satisfies, for modules that describe a
// compartment: without the runtime their link fails, naming it, instead of
// running the compartment unprotected.
llvm::Constant *runtimeRequirement(llvm::Module &M, llvm::GlobalVariable *From);

} // namespace bulkhead

#endif
