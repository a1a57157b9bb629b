// GadgetBytes.cpp - see GadgetBytes.h.
#include "GadgetBytes.h"

using namespace llvm;

namespace bulkhead {

static bool isMemoryModRM(uint8_t ModRM, unsigned Reg) {
  return (ModRM >> 6) != 3 && ((ModRM >> 3) & 7) == Reg;
}

bool isGadget(uint8_t X, uint8_t Y) {
  return (X == 0x01 && Y == 0xEF) ||      // WRPKRU
         (X == 0xAE && isMemoryModRM(Y, 5)) || // XRSTOR (0F AE E8-EF: LFENCE)
         (X == 0xC7 && isMemoryModRM(Y, 3));   // XRSTORS
}

const char *gadgetName(uint8_t X, uint8_t Y) {
  if (!isGadget(X, Y))
    return "";
  return X == 0x01 ? "WRPKRU" : X == 0xAE ? "XRSTOR" : "XRSTORS";
}

size_t findGadget(ArrayRef<uint8_t> Bytes) {
  for (size_t I = 0; I + 2 < Bytes.size(); ++I)
    if (Bytes[I] == 0x0F && isGadget(Bytes[I + 1], Bytes[I + 2]))
      return I;
  return Bytes.size();
}

static bool isSecondByte(uint8_t X) {
  return X == 0x01 || X == 0xAE || X == 0xC7;
}

bool riskyField(ArrayRef<uint8_t> Bytes) {
  for (size_t I = 0; I + 1 < Bytes.size(); ++I)
    if (Bytes[I] == 0x0F && isSecondByte(Bytes[I + 1]))
      return true;
  return Bytes.size() >= 2 && isGadget(Bytes[0], Bytes[1]);
}

} // namespace bulkhead
