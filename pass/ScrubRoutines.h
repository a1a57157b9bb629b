// ScrubRoutines.h - the module's routines that clear the vector registers
// when control leaves a compartment (BH_SCRUB_VECTORS, include/bulkhead/
// abi.h): one per count of registers kept for arguments or results, called
// from the gates' and trampolines' text (AsmEmitter::scrubVectors).
#ifndef BULKHEAD_PASS_SCRUBROUTINES_H
#define BULKHEAD_PASS_SCRUBROUTINES_H

namespace llvm {
class Module;
} // namespace llvm

namespace bulkhead {

// Defines, once per module, the routine of each count whose bit is set in
// Used (AsmEmitter::scrubRoutines()).
void defineScrubRoutines(llvm::Module &M, unsigned Used);

} // namespace bulkhead

#endif
