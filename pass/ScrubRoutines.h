// ScrubRoutines.h - the module's routines that clear the vector and x87
// registers when control leaves a compartment (BH_SCRUB_VECTORS_ST,
// include/bulkhead/abi.h): one per count of vector registers and of x87
// registers kept for arguments or results, called from the gates' and
// trampolines' text (AsmEmitter::scrubVectors).
#ifndef BULKHEAD_PASS_SCRUBROUTINES_H
#define BULKHEAD_PASS_SCRUBROUTINES_H

#include <string>

namespace llvm {
class Module;
} // namespace llvm

namespace bulkhead {

// At most this many vector registers (xmm0-7) and x87 registers (st0-1)
// are kept.
constexpr unsigned MaxKeptVectors = 8, MaxKeptX87 = 2;

// The bit of the routine that keeps Kept vector and KeptX87 x87 registers
// in a set of routines (AsmEmitter::scrubRoutines()), and its name.
inline unsigned scrubRoutineBit(unsigned Kept, unsigned KeptX87) {
  return KeptX87 * (MaxKeptVectors + 1) + Kept;
}
std::string scrubRoutineName(unsigned Kept, unsigned KeptX87);

// Defines, once per module, the routine of each bit set in Used.
void defineScrubRoutines(llvm::Module &M, unsigned Used);

} // namespace bulkhead

#endif
