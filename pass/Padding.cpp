// Padding.cpp - see Padding.h. Runs before any optimization (the pass's
// pipeline-start callback), where clang's coerced loads still read the
// struct's own variable: a local's type says where its padding is. Later
// SROA would leave those bytes undefined, which the backend fills with
// whatever a register held: a vault that copied a key word into a struct
// returned the word's bytes in its padding (attacks-struct-padding.c).
#include "Padding.h"
#include "RecordLayouts.h"
#include "ThreadLocals.h"

#include "llvm/IR/DataLayout.h"
#include "llvm/IR/DerivedTypes.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/GlobalVariable.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Module.h"

#include <optional>
#include <vector>

using namespace llvm;

namespace bulkhead {

// Marks false in Pad (bits [8 * Lo, 8 * Lo + Pad.size()) of the object)
// each bit an element of type T at byte At holds data in. Padding: the
// gaps a struct's layout leaves between and after its elements, a scalar's
// bytes past its store size (a long double's 6), and where the front end's
// record layout is known (RecordLayouts.h) the bits it says hold no field.
// Every byte of a union (clang: a struct named union.*, typed as one of
// its members) is data unless its layout says otherwise.
static void markData(const DataLayout &DL, Type *T, uint64_t At, uint64_t Lo,
                     std::vector<bool> &Pad) {
  uint64_t Hi = Lo + Pad.size() / 8, Size = DL.getTypeAllocSize(T);
  if (At >= Hi || At + Size <= Lo)
    return;
  auto Data = [&](uint64_t From, uint64_t N) {
    for (uint64_t I = std::max(From, Lo); I < std::min(From + N, Hi); ++I)
      for (unsigned Bit = 0; Bit < 8; ++Bit)
        Pad[8 * (I - Lo) + Bit] = false;
  };
  if (auto *ST = dyn_cast<StructType>(T)) {
    if (ST->hasName() && ST->getName().starts_with("union."))
      Data(At, Size);
    else {
      const StructLayout *SL = DL.getStructLayout(ST);
      for (unsigned E = 0; E < ST->getNumElements(); ++E)
        markData(DL, ST->getElementType(E),
                 At + SL->getElementOffset(E).getFixedValue(), Lo, Pad);
    }
    if (const std::vector<bool> *Layout = recordDataBits(ST))
      for (uint64_t Bit = 8 * (std::max(At, Lo) - At);
           Bit < std::min<uint64_t>(Layout->size(), 8 * (Hi - At)); ++Bit)
        if (!(*Layout)[Bit])
          Pad[8 * At + Bit - 8 * Lo] = true; // Bit >= 8 * (Lo - At)
  } else if (auto *AT = dyn_cast<ArrayType>(T)) {
    uint64_t Stride = DL.getTypeAllocSize(AT->getElementType());
    if (!Stride)
      return;
    // Only the elements that meet the window.
    uint64_t First = At >= Lo ? 0 : (Lo - At) / Stride;
    for (uint64_t K = First; K < AT->getNumElements() && At + K * Stride < Hi;
         ++K)
      markData(DL, AT->getElementType(), At + K * Stride, Lo, Pad);
  } else {
    Data(At, DL.getTypeStoreSize(T));
  }
}

std::vector<bool> paddingBitsOf(const DataLayout &DL, Type *T, uint64_t Off,
                                uint64_t N) {
  std::vector<bool> Pad(8 * N, true);
  markData(DL, T, 0, Off, Pad);
  return Pad;
}

// The mask of an integer of type IT at byte Off of Pad (bits) that keeps
// its data bits, or none if it has no padding bit.
static std::optional<APInt> dataMask(IntegerType *IT,
                                     const std::vector<bool> &Pad,
                                     uint64_t Off) {
  APInt Keep = APInt::getAllOnes(IT->getBitWidth());
  bool Any = false;
  for (unsigned Bit = 0; Bit < IT->getBitWidth(); ++Bit)
    if (8 * Off + Bit < Pad.size() && Pad[8 * Off + Bit]) {
      Keep.clearBit(Bit);
      Any = true;
    }
  if (!Any)
    return std::nullopt;
  return Keep;
}

// The integer of a part of a loaded value's bytes: an integer itself, or
// a vector's (a struct of a _Float16 and a float is passed as <4 x half>:
// review 84b, attacks-rev84b-padding-shapes.c).
static IntegerType *bitsOf(const DataLayout &DL, Type *T) {
  if (auto *IT = dyn_cast<IntegerType>(T))
    return IT;
  auto *VT = dyn_cast<FixedVectorType>(T);
  if (!VT || VT->getElementType()->isPointerTy() ||
      DL.getTypeSizeInBits(VT) != 8 * DL.getTypeStoreSize(VT))
    return nullptr;
  return IntegerType::get(T->getContext(), DL.getTypeSizeInBits(VT));
}

// V and-ed with Keep, as the integer IT of its bytes.
static Value *mask(IRBuilderBase &B, Value *V, IntegerType *IT,
                   const APInt &Keep) {
  if (V->getType() == IT)
    return B.CreateAnd(V, ConstantInt::get(IT, Keep));
  return B.CreateBitCast(
      B.CreateAnd(B.CreateBitCast(V, IT), ConstantInt::get(IT, Keep)),
      V->getType());
}

// The one memcpy that fills a temporary clang made to pass or return a
// struct: one of 3, 5-7 or 9-15 bytes travels as integers wider than it
// ({i64, i32}, i48), which clang loads from a temporary of their type that
// it copies the struct into first (attacks-rev84a-coerced-temp-padding.c).
// Null if Temp is not such a temporary.
static const MemCpyInst *copyIntoTemporary(const AllocaInst &Temp) {
  auto *ST = dyn_cast<StructType>(Temp.getAllocatedType());
  if (ST && !ST->isLiteral())
    return nullptr; // a variable of a struct type of its own
  const MemCpyInst *Copy = nullptr;
  for (const User *U : Temp.users()) {
    auto *M = dyn_cast<MemCpyInst>(U);
    if (isa<StoreInst>(U) || (M && (M->getRawDest() != &Temp || Copy ||
                                    !isa<ConstantInt>(M->getLength()))))
      return nullptr;
    if (M)
      Copy = M;
  }
  return Copy;
}

// What a load reads from: the IR type of the object, or where only the
// debug information knows it (a record behind a pointer), its data bits;
// or clang's temporary that a copy of the object fills.
struct Object {
  Type *T = nullptr;
  const std::vector<bool> *Data = nullptr;
  const MemCpyInst *Copy = nullptr;
};

// A type a GEP says its pointer points to: a struct of the program's (not
// clang's literal {i64, i32} of a coerced copy) or an array.
static bool isObjectType(Type *T) {
  auto *ST = dyn_cast<StructType>(T);
  return (ST && !ST->isLiteral() && !ST->isOpaque()) || isa<ArrayType>(T);
}

// Whether byte Off of struct type T is past the end of an array T ends
// with: a flexible array member's element, or one past a trailing array's
// bound, that T's tail padding holds.
static bool pastTrailingArray(const DataLayout &DL, Type *T,
                              const APInt &Off) {
  auto *ST = dyn_cast<StructType>(T);
  if (!ST || !ST->getNumElements() ||
      !isa<ArrayType>(ST->getElementType(ST->getNumElements() - 1)))
    return false;
  unsigned Last = ST->getNumElements() - 1;
  uint64_t End = DL.getStructLayout(ST)->getElementOffset(Last) +
                 DL.getTypeAllocSize(ST->getElementType(Last));
  return Off.uge(End);
}

// The struct or scalar an object of type T holds at byte Off (of a read
// of Extent bytes), and Off into it: an array's element (of a constant
// index past its end too: a trailing array, `[0 x %struct.small]`), null
// where T's own bytes do not hold the read (a struct's flexible array
// member or trailing array of one, read past the struct's end), and where
// Inner, the type an outer GEP says the read is of, is an element past
// the end of the array T ends with, in T's tail padding: `struct hdr
// { long count; char kind; struct cs items[]; }` is 16 bytes, and its
// layout, no member at 10, cleared all of `h->items[0]` (review 91a,
// padding-rev91a-tail-array.c).
static Type *objectIn(const DataLayout &DL, Type *T, APInt &Off,
                      uint64_t Extent, Type *Inner) {
  while (auto *AT = dyn_cast<ArrayType>(T)) {
    T = AT->getElementType();
    uint64_t Stride = DL.getTypeAllocSize(T);
    if (!Stride)
      return nullptr;
    APInt S(Off.getBitWidth(), Stride);
    Off = Off.srem(S);
    if (Off.isNegative())
      Off += S;
  }
  uint64_t Size = DL.getTypeAllocSize(T);
  if (Off.isNegative() || Off.getZExtValue() + Extent > Size ||
      (Inner && pastTrailingArray(DL, T, Off)))
    return nullptr;
  return T;
}

// Ptr's root: the value it is a constant offset Off from (through GEPs
// and casts). Typed: the type the outermost GEP on the way says its
// pointer points to, or a GEP of a variable index its result, where the
// root is no variable (*p, p[i], p->in); TypedOff Ptr's offset into it,
// where that type's own bytes hold the Extent bytes read at Ptr: the
// element of an array, a GEP's first index the object p[k] of p (`p[-1]`
// too), and none past a struct's end: `h->items[1]` of a flexible array
// member took `struct hdr`'s layout at 8 modulo its size, the element's
// padding data and its `n` padding (review 90b,
// attacks-rev90b-trailing-array.c).
static const Value *rootOf(const DataLayout &DL, const Value *Ptr, APInt &Off,
                           Type *&Typed, APInt &TypedOff, uint64_t Extent) {
  Typed = nullptr;
  auto Take = [&](Type *T, APInt In) {
    if (Type *Inner = objectIn(DL, T, In, Extent, Typed)) {
      Typed = Inner;
      TypedOff = In;
    }
  };
  while (true) {
    if (const Value *Fs = fsRelativeOf(Ptr)) {
      // The FS base plus an %fs-relative address (a GEP of i8 by it), where
      // one escapes: the memcpy of a thread-local struct of 9-15 bytes into
      // clang's {i64, i32} temporary found no variable (review 91b,
      // attacks-rev91b-tls-struct.c).
      Ptr = Fs;
    } else if (auto *GEP = dyn_cast<GEPOperator>(Ptr)) {
      APInt Step(Off.getBitWidth(), 0);
      if (!GEP->accumulateConstantOffset(DL, Step)) {
        if (isObjectType(GEP->getResultElementType()))
          Take(GEP->getResultElementType(), Off);
        return Ptr;
      }
      // The first index steps over whole objects of the source type (a
      // vector GEP's splat is no ConstantInt: taken as none).
      APInt In = Off + Step;
      if (auto *First = GEP->getNumIndices()
                            ? dyn_cast<ConstantInt>(GEP->idx_begin()->get())
                            : nullptr)
        In -= First->getValue().sextOrTrunc(Off.getBitWidth()) *
              DL.getTypeAllocSize(GEP->getSourceElementType());
      Off += Step;
      if (isObjectType(GEP->getSourceElementType()))
        Take(GEP->getSourceElementType(), In);
      Ptr = GEP->getPointerOperand();
    } else if (auto *Cast = dyn_cast<Operator>(Ptr);
               Cast && (Cast->getOpcode() == Instruction::BitCast ||
                        Cast->getOpcode() == Instruction::AddrSpaceCast)) {
      Ptr = Cast->getOperand(0);
    } else if (const GlobalVariable *TL = threadLocalAt(Ptr)) {
      // A thread-local variable's address, or its %fs-relative rewrite: a
      // pointer kept in one found no record (review 90a,
      // attacks-rev90a-thread-local-pointer.c).
      Ptr = TL;
    } else {
      return Ptr;
    }
  }
}

// Whether T is an array of pointers (of arrays of them).
static bool isPointerArray(Type *T) {
  if (!isa<ArrayType>(T))
    return false;
  while (auto *AT = dyn_cast<ArrayType>(T))
    T = AT->getElementType();
  return T->isPointerTy();
}

// The record a pointer loaded by Load points to, by the debug type of the
// variable or member it was loaded from. Any element of an array of
// pointers points to what its first does: `*q->s[i]` (a variable index:
// no constant offset), `rows[1]` of an array variable and `t->rows[1]` of
// a flexible array member (past its struct's end) found no record (review
// 91a, attacks-rev91a-pointer-array-index.c). So does any pointer p + i
// steps to from one (a GEP over pointers), and a pointer read through a
// pointer that was itself loaded or returned, `*p[i]` of a `struct small
// **p` (a local, a parameter, a member: the commonest dynamic array),
// `**(rows + i)`, `(*pa)[i]`, points to the record that pointer's debug
// type says at Level + 1: they found none (review 92a,
// attacks-rev92a-pointer-to-pointer.c).
static const std::vector<bool> *pointeeOf(const DataLayout &DL,
                                          const LoadInst &Load,
                                          unsigned Level = 0) {
  if (Level >= PointerLevels)
    return nullptr;
  const Value *Ptr = Load.getPointerOperand();
  uint64_t Extent = DL.getTypeStoreSize(Load.getType());
  while (auto *GEP = dyn_cast<GEPOperator>(Ptr)) {
    // Over pointers (p + i) or arrays of them by any first index: a
    // row of an array of arrays, `(*(m + i))[j]`, found none (review 92a).
    bool OverPointers = GEP->getSourceElementType()->isPointerTy() &&
                        GEP->getNumIndices() == 1;
    if (!OverPointers && !isPointerArray(GEP->getSourceElementType()))
      break;
    Ptr = GEP->getPointerOperand();
    Extent = 0; // the array's start: a flexible one has no size
  }
  APInt Off(DL.getIndexTypeSizeInBits(Ptr->getType()), 0), TypedOff;
  Type *Typed;
  const Value *Slot = rootOf(DL, Ptr, Off, Typed, TypedOff, Extent);
  if (!Typed && Off.isZero() && Slot->getType()->isPointerTy()) {
    if (auto *Inner = dyn_cast<LoadInst>(Slot))
      return pointeeOf(DL, *Inner, Level + 1);
    if (auto *Call = dyn_cast<CallBase>(Slot))
      return Call->getCalledFunction()
                 ? pointeeOfResult(Call->getCalledFunction(), Level + 1)
                 : nullptr;
  }
  Type *SlotType = nullptr;
  if (auto *AI = dyn_cast<AllocaInst>(Slot))
    SlotType = AI->getAllocatedType();
  else if (auto *GV = dyn_cast<GlobalVariable>(Slot))
    SlotType = GV->getValueType();
  if (!SlotType) {
    auto *ST = dyn_cast_or_null<StructType>(Typed);
    return ST ? pointeeOfMember(ST, TypedOff.getZExtValue(), Level) : nullptr;
  }
  // A variable or global: a pointer (an array's element), or a member of
  // the struct it is (or an array's element is). No GEP on the way may say
  // it is of another type. A global's member at offset 0 has none (clang
  // folds `getelementptr (%struct.h, ptr @g, 0, 0)` to @g), nor a union's:
  // they found no pointee (review 89b, attacks-rev89b-member-at-zero.c).
  APInt At = Off;
  Type *In = objectIn(DL, SlotType, At, Extent, nullptr);
  if (In && In->isPointerTy())
    return At.isZero() ? pointeeOfVariable(Slot, Level) : nullptr;
  auto *ST = dyn_cast_or_null<StructType>(In);
  if (!ST || (Typed && Typed != ST))
    return nullptr;
  return pointeeOfMember(ST, At.getZExtValue(), Level);
}

// The values a phi or a select chooses from; none for another value.
static SmallVector<const Value *, 4> choices(const Value *V) {
  if (auto *Phi = dyn_cast<PHINode>(V))
    return SmallVector<const Value *, 4>(Phi->incoming_values());
  if (auto *Select = dyn_cast<SelectInst>(V))
    return {Select->getTrueValue(), Select->getFalseValue()};
  return {};
}

// The record the pointer P points to by debug types: one loaded from a
// variable or member, one a function of the module returns, or the one
// every value of a phi or select points to at its start
// (`keep(*(c ? p : q))`); null if unknown. Depth bounds a phi's cycles.
static const std::vector<bool> *recordAt(const DataLayout &DL, const Value *P,
                                         unsigned Depth) {
  if (auto *Load = dyn_cast<LoadInst>(P))
    return pointeeOf(DL, *Load);
  if (auto *Call = dyn_cast<CallBase>(P))
    return Call->getCalledFunction()
               ? pointeeOfResult(Call->getCalledFunction())
               : nullptr;
  const std::vector<bool> *Found = nullptr;
  for (const Value *V : choices(P)) {
    APInt Off(DL.getIndexTypeSizeInBits(P->getType()), 0), TypedOff;
    Type *Typed;
    const Value *Root = rootOf(DL, V, Off, Typed, TypedOff, 0);
    const std::vector<bool> *Record =
        Off.isZero() && !Typed && Depth < 4 ? recordAt(DL, Root, Depth + 1)
                                            : nullptr;
    if (!Record || (Found && Found != Record))
      return nullptr;
    Found = Record;
  }
  return Found;
}

// The object of the Extent bytes at Ptr, and Ptr's offset into it (Off,
// from zero; Depth bounds a phi's cycles).
static Object objectAt(const DataLayout &DL, const Value *Ptr, APInt &Off,
                       uint64_t Extent, unsigned Depth = 0) {
  APInt TypedOff;
  Type *Typed;
  const Value *Root = rootOf(DL, Ptr, Off, Typed, TypedOff, Extent);
  // A phi or select of objects of one type at one offset, `*(c ? &a : &b)`
  // of two variables or elements: no pointer of a debug type is there
  // (recordAt), and their padding went out (review 91b,
  // attacks-rev91b-chosen-object.c).
  SmallVector<const Value *, 4> Values = choices(Root);
  if (!Typed && !Values.empty() && Depth < 4) {
    Object Found;
    APInt FoundOff;
    for (const Value *V : Values) {
      APInt At = Off;
      Object O = objectAt(DL, V, At, Extent, Depth + 1);
      if (!O.T || O.Copy || (Found.T && (Found.T != O.T || FoundOff != At))) {
        Found = {};
        break;
      }
      Found = O;
      FoundOff = At;
    }
    if (Found.T) {
      Off = FoundOff;
      return Found;
    }
  }
  if (auto *AI = dyn_cast<AllocaInst>(Root)) {
    if (const MemCpyInst *Copy = copyIntoTemporary(*AI))
      return {nullptr, nullptr, Copy};
    return {AI->getAllocatedType()};
  }
  if (auto *GV = dyn_cast<GlobalVariable>(Root))
    return {GV->getValueType()};
  if (Typed) { // p[k] of a constant k is p[0]'s type again
    Off = TypedOff;
    return {Typed};
  }
  return {nullptr, recordAt(DL, Root, 0)};
}

// The object Load reads, through clang's copy of it into a temporary,
// with the offset it reads at and how far the copy goes (UINT64_MAX: no
// copy). A variable, a global, what a GEP says a pointer points to, or the
// record a pointer variable or member points to by its debug type:
// `keep(*p)` of a struct loads it from p itself (8 bytes: `load i64`) or
// copies it from p into a temporary ({i64, i32}), and its padding went out
// (attacks-pointee-padding.c). A record known by a pointer's debug type
// counts only for a copy of all of it: `*(struct other *)p` copies
// another struct's size.
static Object objectOf(const LoadInst &Load, APInt &Off, uint64_t &Copied) {
  const DataLayout &DL = Load.getModule()->getDataLayout();
  Off = APInt(DL.getIndexTypeSizeInBits(Load.getPointerOperandType()), 0);
  Copied = UINT64_MAX;
  Object O = objectAt(DL, Load.getPointerOperand(), Off,
                      DL.getTypeStoreSize(Load.getType()));
  // A temporary filled from a struct stands for it; its bytes past the
  // copy hold nothing (padding).
  if (const MemCpyInst *Copy = O.Copy) {
    APInt From(Off.getBitWidth(), 0);
    uint64_t Length = cast<ConstantInt>(Copy->getLength())->getZExtValue();
    O = objectAt(DL, Copy->getRawSource(), From, Length);
    if (From.isNegative() || (O.Data && (!From.isZero() ||
                                         8 * Length != O.Data->size())))
      return {};
    Off += From;
    Copied = From.getZExtValue() + Length;
  }
  return Off.isNegative() || O.Copy ? Object() : O;
}

Type *loadedObject(const LoadInst &Load) {
  APInt Off;
  uint64_t Copied;
  return objectOf(Load, Off, Copied).T;
}

// Whether a load of N bytes at At, from a copy of Copied bytes or from the
// object itself (UINT64_MAX), reads the record of data bits Data as clang
// passes it: a copy of all of it, or a load of all of it (1, 2, 4 or 8
// bytes) or from the start of a half of 16 bytes ({i64, i64}, {i8, i64}). A read through a pointer cast to a
// smaller struct's type, `*(struct four *)p`, had p's record's padding
// cleared in its data (padding-pointee-cast.c).
static bool wholeRecord(const std::vector<bool> &Data, uint64_t At, uint64_t N,
                        uint64_t Copied) {
  uint64_t Size = Data.size() / 8;
  if (Copied != UINT64_MAX)
    return At + N <= Size; // objectOf: a copy of Size bytes
  return (At == 0 && N == Size) || (Size == 16 && At % 8 == 0 && N <= 8);
}

// V with the bits Pad (8 per byte of V) says are padding cleared, where V
// is an integer, a vector of them, or a struct of those and others.
static Value *clearBits(IRBuilderBase &B, Value *V,
                        const std::vector<bool> &Pad) {
  const DataLayout &DL = B.GetInsertBlock()->getModule()->getDataLayout();
  if (IntegerType *IT = bitsOf(DL, V->getType())) {
    if (auto Keep = dataMask(IT, Pad, 0))
      return mask(B, V, IT, *Keep);
    return V;
  }
  auto *ST = dyn_cast<StructType>(V->getType());
  if (!ST)
    return V;
  // A struct of integers and others ({i64, i64}, {i64, double},
  // {<4 x half>, float}): each element at its place in the literal struct.
  const StructLayout *SL = DL.getStructLayout(ST);
  Value *Out = V;
  for (unsigned E = 0; E < ST->getNumElements(); ++E)
    if (IntegerType *IT = bitsOf(DL, ST->getElementType(E)))
      if (auto Keep =
              dataMask(IT, Pad, SL->getElementOffset(E).getFixedValue()))
        Out = B.CreateInsertValue(
            Out, mask(B, B.CreateExtractValue(Out, E), IT, *Keep), E);
  return Out;
}

// The padding bits (8 per byte) of V where the object it is loaded from
// says (clearPadding); false where it says nothing.
static bool objectPadding(Value *V, std::vector<bool> &Pad) {
  auto *Load = dyn_cast<LoadInst>(V);
  if (!Load || Load->isVolatile())
    return false;
  const DataLayout &DL = Load->getModule()->getDataLayout();
  APInt Off;
  uint64_t Copied;
  Object O = objectOf(*Load, Off, Copied);
  if (!O.T && !O.Data)
    return false;
  uint64_t At = Off.getZExtValue(), N = DL.getTypeStoreSize(V->getType());
  Pad.assign(8 * N, true);
  if (O.T)
    Pad = paddingBitsOf(DL, O.T, At, N);
  else if (wholeRecord(*O.Data, At, N, Copied))
    for (uint64_t I = 0; I < 8 * N; ++I)
      Pad[I] = !(*O.Data)[8 * At + I];
  else
    return false;
  for (uint64_t I = 0; I < 8 * N; ++I)
    if (At + I / 8 >= Copied)
      Pad[I] = true;
  return true;
}

Value *clearPadding(IRBuilderBase &B, Value *V) {
  std::vector<bool> Pad;
  return objectPadding(V, Pad) ? clearBits(B, V, Pad) : V;
}

Value *clearArgumentPadding(IRBuilderBase &B, CallBase &Call, unsigned ArgNo) {
  Value *V = Call.getArgOperand(ArgNo);
  ArgumentPiece Piece = argumentPiece(Call, ArgNo);
  if (!Piece.Record)
    return clearPadding(B, V);
  // Through a pointer, its declared type may not be the call's (C lets a
  // pointer converted to another function type be converted back at the
  // call): an object whose type has padding there says it first.
  std::vector<bool> Pad;
  if (Piece.ThroughPointer && objectPadding(V, Pad) &&
      is_contained(Pad, true))
    return clearBits(B, V, Pad);
  // The callee's parameter says which record the argument is part of: a
  // union's member, `keep(u.s)`, is loaded through the union's address,
  // whose every byte a wider member makes data (review 91b,
  // attacks-rev91b-union-member.c), and a record behind a pointer of no
  // known type finds none (review 90b, attacks-rev90b-unknown-pointee.c).
  // So does a function pointer's declared type (review 93b,
  // attacks-rev93b-pointer-callee.c).
  const DataLayout &DL = Call.getModule()->getDataLayout();
  uint64_t N = DL.getTypeStoreSize(V->getType());
  Pad.assign(8 * N, true);
  for (uint64_t I = 0; I < 8 * N && 8 * Piece.Off + I < Piece.Record->size();
       ++I)
    Pad[I] = !(*Piece.Record)[8 * Piece.Off + I];
  return clearBits(B, V, Pad);
}

// Zeroes the padding bytes of the struct F returns through Sret: the
// caller's memory (its key-0 stack or data) gets it as F left it
// (attacks-rev84a-sret-byval-padding.c).
static void clearSretPadding(IRBuilderBase &B, Argument &Sret) {
  const DataLayout &DL = Sret.getParent()->getDataLayout();
  Type *T = Sret.getParamStructRetType();
  uint64_t Size = DL.getTypeAllocSize(T);
  std::vector<bool> Bits = paddingBitsOf(DL, T, 0, Size);
  // Byte I's data bits: none, the byte is zeroed; some, they are kept.
  auto Keep = [&](uint64_t I) {
    unsigned K = 0;
    for (unsigned Bit = 0; Bit < 8; ++Bit)
      K |= !Bits[8 * I + Bit] << Bit;
    return K;
  };
  for (uint64_t I = 0, J; I < Size; I = J) {
    unsigned K = Keep(I);
    for (J = I + 1; J < Size && K == 0 && Keep(J) == 0;)
      ++J;
    if (K == 0xff)
      continue;
    Value *At = B.CreateInBoundsPtrAdd(&Sret, B.getInt64(I));
    if (K == 0)
      B.CreateMemSet(At, B.getInt8(0), J - I, Align(1));
    else // a bit-field's unused bits
      B.CreateStore(B.CreateAnd(B.CreateLoad(B.getInt8Ty(), At), K), At);
  }
}

void clearResultPadding(Function &F) {
  Argument *Sret = nullptr;
  for (Argument &A : F.args())
    if (A.hasStructRetAttr())
      Sret = &A;
  for (BasicBlock &BB : F)
    if (auto *Ret = dyn_cast<ReturnInst>(BB.getTerminator())) {
      IRBuilder<> B(Ret);
      if (Value *V = Ret->getReturnValue())
        Ret->setOperand(0, clearPadding(B, V));
      if (Sret)
        clearSretPadding(B, *Sret);
    }
}

} // namespace bulkhead
