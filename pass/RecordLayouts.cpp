// RecordLayouts.cpp - see RecordLayouts.h.
#include "RecordLayouts.h"
#include "Padding.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/BinaryFormat/Dwarf.h"
#include "llvm/IR/DataLayout.h"
#include "llvm/IR/DebugInfo.h"
#include "llvm/IR/DebugInfoMetadata.h"
#include "llvm/IR/DerivedTypes.h"
#include "llvm/IR/GlobalVariable.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/CommandLine.h"

using namespace llvm;

// What of the module's debug information bulkhead-clang asked for record
// layouts only, to drop once they are read: all of it (the user asked for
// none), or all but line tables (he asked for those only: -g1, -gmlt,
// -gline-tables-only; review 85b, attacks-rev85b-g-flags.c).
enum class AddedDebugInfo { None, All, Lines };
static cl::opt<AddedDebugInfo> LayoutDebugInfo(
    "bulkhead-layout-debug-info",
    cl::desc("The module's debug information was asked for by bulkhead-clang "
             "for record layouts: drop it once they are read"),
    cl::init(AddedDebugInfo::None), cl::ValueOptional,
    cl::values(clEnumValN(AddedDebugInfo::All, "all", "drop all of it"),
               clEnumValN(AddedDebugInfo::All, "", "drop all of it"),
               clEnumValN(AddedDebugInfo::Lines, "lines",
                          "keep its line tables only")));

namespace bulkhead {

// Per module run: the pass runs on one module at a time.
static DenseMap<StructType *, std::vector<bool>> Layouts;
static DenseMap<StructType *, bool> Disagreed;

// Layouts of larger records are not read (their loads into registers are
// parts; their copies through memory are masked byte by byte).
static const uint64_t MaxBits = 8 * 4096;

static const DIType *unqualified(const DIType *T) {
  while (auto *D = dyn_cast_or_null<DIDerivedType>(T)) {
    switch (D->getTag()) {
    case dwarf::DW_TAG_typedef:
    case dwarf::DW_TAG_const_type:
    case dwarf::DW_TAG_volatile_type:
    case dwarf::DW_TAG_restrict_type:
      T = D->getBaseType();
      continue;
    default:
      return T;
    }
  }
  return T;
}

static void markBits(std::vector<bool> &Data, uint64_t From, uint64_t N) {
  for (uint64_t I = From; I < From + N && I < Data.size(); ++I)
    Data[I] = true;
}

// Marks the bits an object of type T at bit At holds data in. False where
// the layout is not known here: a declaration, a virtual base (its offset
// is found at run time), an array of unknown length, a type out of Data.
static bool markData(const DIType *T, uint64_t At, std::vector<bool> &Data) {
  T = unqualified(T);
  if (!T || At + T->getSizeInBits() > Data.size())
    return false;
  auto *CT = dyn_cast<DICompositeType>(T);
  if (!CT) { // a scalar, a pointer, a reference, an atomic's whole size
    if (!T->getSizeInBits())
      return false;
    markBits(Data, At, T->getSizeInBits());
    return true;
  }
  if (CT->isForwardDecl())
    return false;
  switch (CT->getTag()) {
  case dwarf::DW_TAG_enumeration_type:
    markBits(Data, At, CT->getSizeInBits());
    return true;
  case dwarf::DW_TAG_array_type: {
    const DIType *E = unqualified(CT->getBaseType());
    uint64_t Stride = E ? E->getSizeInBits() : 0;
    if (!Stride || CT->getSizeInBits() % Stride)
      return false;
    for (uint64_t K = 0; K < CT->getSizeInBits() / Stride; ++K)
      if (!markData(E, At + K * Stride, Data))
        return false;
    return true;
  }
  case dwarf::DW_TAG_structure_type:
  case dwarf::DW_TAG_class_type:
  case dwarf::DW_TAG_union_type: // a union's padding: no member's data
    for (const DINode *N : CT->getElements()) {
      auto *M = dyn_cast<DIDerivedType>(N);
      if (!M || M->isStaticMember())
        continue; // methods, template parameters, static members
      if (M->getTag() == dwarf::DW_TAG_inheritance) {
        if (M->isVirtual() ||
            !markData(M->getBaseType(), At + M->getOffsetInBits(), Data))
          return false;
      } else if (M->getTag() == dwarf::DW_TAG_member) {
        if (M->isBitField())
          markBits(Data, At + M->getOffsetInBits(), M->getSizeInBits());
        else if (!markData(M->getBaseType(), At + M->getOffsetInBits(), Data))
          return false;
      }
    }
    return true;
  default:
    return false;
  }
}

// Relates the IR type T of an object to the debug type D its variable
// has: a struct's layout, or an array's elements'.
static void relate(const DataLayout &DL, Type *T, const DIType *D) {
  D = unqualified(D);
  if (auto *AT = dyn_cast<ArrayType>(T)) {
    if (auto *CT = dyn_cast_or_null<DICompositeType>(D))
      if (CT->getTag() == dwarf::DW_TAG_array_type)
        relate(DL, AT->getElementType(), CT->getBaseType());
    return;
  }
  auto *ST = dyn_cast<StructType>(T);
  if (!ST || ST->isOpaque() || Disagreed.count(ST))
    return;
  uint64_t Bits = 8 * DL.getTypeAllocSize(ST);
  std::vector<bool> Data(Bits, false);
  bool Known = D && D->getSizeInBits() == Bits && Bits <= MaxBits &&
               markData(D, 0, Data);
  // The gaps the IR's own layout leaves must be padding here too, or the
  // two do not describe one record.
  const StructLayout *SL = DL.getStructLayout(ST);
  uint64_t End = 0;
  for (unsigned E = 0; Known && E <= ST->getNumElements(); ++E) {
    uint64_t From = E < ST->getNumElements()
                        ? SL->getElementOffset(E).getFixedValue()
                        : DL.getTypeAllocSize(ST).getFixedValue();
    for (uint64_t Bit = 8 * End; Known && Bit < 8 * From; ++Bit)
      Known = !Data[Bit];
    if (E < ST->getNumElements())
      End = From + DL.getTypeStoreSize(ST->getElementType(E));
  }
  auto It = Layouts.find(ST);
  if (!Known || (It != Layouts.end() && It->second != Data)) {
    Layouts.erase(ST);
    Disagreed[ST] = true;
    return;
  }
  Layouts[ST] = std::move(Data);
}

// A struct F returns in registers: clang copies it into its return-value
// temporary, a variable of the struct's type that no debug variable
// describes, and loads it from there (or from its copy into a temporary
// of the integers it travels as). That type is the function's result
// type: `return *slot;` of a typedef'd anonymous struct, or of a second
// struct of one name (struct.tag.0), found no layout by name (review 85a,
// attacks-rev85a-unnamed-record.c).
static void relateReturned(const DataLayout &DL, Function &F,
                           const DIType *Result) {
  auto *CT = dyn_cast_or_null<DICompositeType>(unqualified(Result));
  if (!CT || (CT->getTag() != dwarf::DW_TAG_structure_type &&
              CT->getTag() != dwarf::DW_TAG_class_type &&
              CT->getTag() != dwarf::DW_TAG_union_type))
    return;
  for (BasicBlock &BB : F) {
    auto *Ret = dyn_cast<ReturnInst>(BB.getTerminator());
    auto *Load = Ret ? dyn_cast_or_null<LoadInst>(Ret->getReturnValue())
                     : nullptr;
    auto *ST = Load ? dyn_cast_or_null<StructType>(loadedObject(*Load))
                    : nullptr;
    // Only a whole object of the result's size: a field of a larger
    // variable is not the result's type, and must not unsettle its own.
    if (ST && !ST->isLiteral() && !ST->isOpaque() &&
        8 * DL.getTypeAllocSize(ST).getFixedValue() == CT->getSizeInBits())
      relate(DL, ST, CT);
  }
}

// A struct type named once in the debug information (struct.NAME,
// union.NAME, class.NAME with no scope or suffix), for types no variable
// of the module has: clang's temporaries of a call's or return's struct.
static void relateByName(Module &M) {
  DebugInfoFinder Finder;
  Finder.processModule(M);
  StringMap<const DICompositeType *> Named;
  StringMap<unsigned> Count;
  for (const DIType *T : Finder.types()) {
    // Clang names the type of an unnamed struct by its typedef
    // (typedef struct {...} flags_t: struct.flags_t), which its debug
    // information gives the typedef only (review 85b,
    // attacks-rev85b-unnamed-struct.c).
    StringRef Name = T->getName();
    if (auto *D = dyn_cast<DIDerivedType>(T)) {
      if (D->getTag() != dwarf::DW_TAG_typedef)
        continue;
      T = unqualified(D);
      if (!T || !T->getName().empty())
        continue;
    }
    auto *CT = dyn_cast_or_null<DICompositeType>(T);
    // Nor a record of a function's: clang names its IR type as a file's,
    // and a file-scope struct with no debug record of its own took a
    // local one's (known only through a pointer, the local struct had no
    // IR type) and lost data bits (review 86b). A local record that has an
    // IR type has a variable, or is a result, found above.
    if (CT && isa_and_nonnull<DILocalScope>(CT->getScope()))
      continue;
    if (!CT || CT->isForwardDecl() || Name.empty() ||
        (CT->getTag() != dwarf::DW_TAG_structure_type &&
         CT->getTag() != dwarf::DW_TAG_class_type &&
         CT->getTag() != dwarf::DW_TAG_union_type))
      continue;
    if (Named.lookup(Name) != CT)
      ++Count[Name];
    Named[Name] = CT;
  }
  // The record name of an IR struct type: struct.NAME, union.NAME or
  // class.NAME, less the .N the IR adds to a second type of one name
  // (struct.pt.0); empty for other types.
  auto RecordName = [](StructType *ST) -> StringRef {
    StringRef Name = ST->hasName() ? ST->getName() : StringRef();
    if (!Name.consume_front("struct.") && !Name.consume_front("union.") &&
        !Name.consume_front("class."))
      return StringRef();
    size_t Dot = Name.rfind('.');
    if (Dot != StringRef::npos && Dot + 1 < Name.size() &&
        Name.substr(Dot + 1).find_first_not_of("0123456789") ==
            StringRef::npos)
      Name = Name.take_front(Dot);
    return Name;
  };
  // A name one debug record has may still belong to two IR types: the
  // record of the other has no debug information (no variable, no
  // function of the module's names it), and the layout of one is not the
  // other's. A file-scope struct pt {int x; int y;} passed as a compound
  // literal took a function-local struct pt {char tag; int n;}'s, and the
  // pass masked bytes 1-3 of x (review 86b,
  // attacks-rev86b-layout-wrong-name.c). Only a name one IR type has.
  StringMap<unsigned> IRCount;
  for (StructType *ST : M.getIdentifiedStructTypes()) {
    StringRef Name = RecordName(ST);
    if (!Name.empty())
      ++IRCount[Name];
  }
  for (StructType *ST : M.getIdentifiedStructTypes()) {
    if (Layouts.count(ST) || Disagreed.count(ST) || !ST->hasName())
      continue;
    StringRef Name = ST->getName();
    if (!Name.consume_front("struct.") && !Name.consume_front("union.") &&
        !Name.consume_front("class."))
      continue;
    if (Name.contains('.') || Name.contains(':') || Count.lookup(Name) != 1 ||
        IRCount.lookup(Name) != 1)
      continue;
    relate(M.getDataLayout(), ST, Named.lookup(Name));
  }
}

void readRecordLayouts(Module &M) {
  Layouts.clear();
  Disagreed.clear();
  const DataLayout &DL = M.getDataLayout();
  SmallVector<DIGlobalVariableExpression *, 1> GVs;
  for (GlobalVariable &GV : M.globals()) {
    GVs.clear();
    GV.getDebugInfo(GVs);
    for (auto *GVE : GVs)
      relate(DL, GV.getValueType(), GVE->getVariable()->getType());
  }
  for (Function &F : M) {
    for (Instruction &I : instructions(F)) {
      auto *AI = dyn_cast<AllocaInst>(&I);
      if (!AI)
        continue;
      for (auto *DVR : findDVRDeclares(AI))
        relate(DL, AI->getAllocatedType(), DVR->getVariable()->getType());
#if LLVM_VERSION_MAJOR < 20
      for (auto *DDI : findDbgDeclares(AI))
        relate(DL, AI->getAllocatedType(), DDI->getVariable()->getType());
#endif
    }
    DISubprogram *SP = F.getSubprogram();
    if (!SP || !SP->getType() || !SP->getType()->getTypeArray().size())
      continue;
    const DIType *Result = SP->getType()->getTypeArray()[0];
    for (Argument &A : F.args())
      if (A.hasStructRetAttr())
        relate(DL, A.getParamStructRetType(), Result);
    relateReturned(DL, F, Result);
  }
  relateByName(M);
  if (LayoutDebugInfo == AddedDebugInfo::All)
    StripDebugInfo(M);
  else if (LayoutDebugInfo == AddedDebugInfo::Lines)
    stripNonLineTableDebugInfo(M);
}

const std::vector<bool> *recordDataBits(StructType *ST) {
  auto It = Layouts.find(ST);
  return It == Layouts.end() ? nullptr : &It->second;
}

} // namespace bulkhead
