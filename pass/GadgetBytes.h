// GadgetBytes.h - which byte sequences can write PKRU when executed from any
// offset: WRPKRU (0F 01 EF), XRSTOR (0F AE /5, memory operand) and XRSTORS
// (0F C7 /3, memory operand), exactly as bulkhead-scan finds them
// (tools/scan/search.c, docs/scan.md).
#ifndef BULKHEAD_GADGET_BYTES_H
#define BULKHEAD_GADGET_BYTES_H

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>

namespace bulkhead {

// Whether 0F X Y is one of the three patterns.
bool isGadget(uint8_t X, uint8_t Y);

// "WRPKRU", "XRSTOR" or "XRSTORS" for the pattern 0F X Y, else "".
const char *gadgetName(uint8_t X, uint8_t Y);

// Where the first whole pattern in Bytes starts, or Bytes.size() if none.
size_t findGadget(llvm::ArrayRef<uint8_t> Bytes);

// Whether an immediate or displacement field holding the little-endian
// Bytes of a constant (or any prefix of them: x86 encodes small values in
// fewer bytes) could be, or could help form, a pattern with the bytes
// around it. That is when the bytes hold the first two bytes of a pattern
// (0F 01, 0F AE, 0F C7) anywhere: a whole pattern, or one the next
// instruction's first byte completes; or begin with the last two bytes of
// one (01 EF, AE /5, C7 /3), which a 0F just before the field (a ModRM, SIB
// or displacement byte) completes. A lone 0F at either end would need two
// given bytes from a neighbouring instruction: that is left to the
// link-time scan (docs/design.md, "Gadget-free code").
bool riskyField(llvm::ArrayRef<uint8_t> Bytes);

} // namespace bulkhead

#endif
