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

// Whether an immediate or displacement field whose bytes are Field could
// be, or could help form, a pattern with the bytes around it: when it holds
// a whole pattern, ends with the first two bytes of one (0F 01, 0F AE,
// 0F C7), which the next instruction's first byte would complete, or starts
// with the last two bytes of one (01 EF, AE /5, C7 /3), which a 0F just
// before it (a ModRM, SIB or displacement byte) would complete. A lone 0F
// at either end would need two given bytes from a neighbouring instruction:
// that is left to the link-time scan (docs/design.md, "Gadget-free code").
bool riskyField(llvm::ArrayRef<uint8_t> Field);

// Whether a constant with these little-endian bytes (2, 4 or 8 of them, or
// another number for odd integer widths) could be encoded as a risky field:
// x86 encodes a value as its first 4 bytes (imm32, disp32) or all 8
// (movabs), and a 64-bit store may be split into two 32-bit halves. Odd
// widths, split in ways not modelled here, are risky when any two
// neighbouring bytes could start or end a pattern.
bool riskyConstant(llvm::ArrayRef<uint8_t> Bytes);

} // namespace bulkhead

#endif
