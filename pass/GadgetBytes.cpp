// GadgetBytes.cpp - see GadgetBytes.h.
#include "GadgetBytes.h"

using namespace llvm;

namespace bulkhead {

static bool isMemoryModRM(uint8_t ModRM, unsigned Reg) {
  return (ModRM >> 6) != 3 && ((ModRM >> 3) & 7) == Reg;
}

bool isGadget(uint8_t X, uint8_t Y) {
  return (X == 0x01 && Y == 0xEF) ||           // WRPKRU
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

static bool startsPattern(uint8_t A, uint8_t B) {
  return A == 0x0F && isSecondByte(B);
}

bool riskyField(ArrayRef<uint8_t> Field) {
  size_t N = Field.size();
  return findGadget(Field) != N ||
         (N >= 2 && (startsPattern(Field[N - 2], Field[N - 1]) ||
                     isGadget(Field[0], Field[1])));
}

bool riskyConstant(ArrayRef<uint8_t> Bytes) {
  switch (Bytes.size()) {
  case 2:
  case 4:
    return riskyField(Bytes);
  case 8:
    return riskyField(Bytes) || riskyField(Bytes.take_front(4)) ||
           riskyField(Bytes.drop_front(4));
  default:
    for (size_t I = 0; I + 1 < Bytes.size(); ++I)
      if (startsPattern(Bytes[I], Bytes[I + 1]) ||
          isGadget(Bytes[I], Bytes[I + 1]))
        return true;
    return false;
  }
}

} // namespace bulkhead
