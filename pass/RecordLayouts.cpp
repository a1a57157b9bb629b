// RecordLayouts.cpp - see RecordLayouts.h.
#include "RecordLayouts.h"
#include "Padding.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
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
#include "llvm/TargetParser/Triple.h"

using namespace llvm;

// What of the module's debug information bulkhead-clang asked for record
// layouts only, to drop once they are read: all of it (the user asked for
// none), or all but line tables (he asked for those only: -g1, -gmlt,
// -gline-tables-only; review 85b, attacks-rev84b-bitfield-bits.c).
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
static DenseSet<StructType *> Disagreed; // layouts that did not agree

// Layouts of larger records are not read: the IR type's padding alone is
// cleared in them (their sret and byval copies), a bound on the pass's
// work per record.
static const uint64_t MaxBits = 8 * 4096;

// T less its typedefs and qualifiers. An _Atomic's debug type has no size
// of its own: its layout is its base type's, and the bytes the atomic adds
// past it are padding (review 87a: every struct with an _Atomic member had
// its layout refused, attacks-rev87a-atomic-member.c).
static const DIType *unqualified(const DIType *T) {
  while (auto *D = dyn_cast_or_null<DIDerivedType>(T)) {
    switch (D->getTag()) {
    case dwarf::DW_TAG_typedef:
    case dwarf::DW_TAG_const_type:
    case dwarf::DW_TAG_volatile_type:
    case dwarf::DW_TAG_restrict_type:
    case dwarf::DW_TAG_atomic_type:
      T = D->getBaseType();
      continue;
    default:
      return T;
    }
  }
  return T;
}

static bool isRecord(const DICompositeType *CT) {
  return CT && (CT->getTag() == dwarf::DW_TAG_structure_type ||
                CT->getTag() == dwarf::DW_TAG_class_type ||
                CT->getTag() == dwarf::DW_TAG_union_type);
}

static void markBits(std::vector<bool> &Data, uint64_t From, uint64_t N) {
  for (uint64_t I = From; I < From + N && I < Data.size(); ++I)
    Data[I] = true;
}

// Whether a long double is x87's 80 bits (x86), set per module.
static bool X87LongDouble;

// The bits of a scalar of debug type T that hold its value: all of its
// size, but the 80 of an x87 long double (each half of a complex one),
// whose debug type is its 16 bytes. A union of a long double and a
// smaller member kept the 6 bytes after the long double's 10 as data
// where no member has any (review 87a, attacks-rev87a-long-double-layout.c).
static void markScalar(const DIType *T, uint64_t At, std::vector<bool> &Data) {
  uint64_t Size = T->getSizeInBits();
  auto *BT = dyn_cast<DIBasicType>(T);
  if (X87LongDouble && BT && Size >= 80 &&
      ((BT->getEncoding() == dwarf::DW_ATE_float &&
        BT->getName() == "long double") ||
       (BT->getEncoding() == dwarf::DW_ATE_complex_float &&
        BT->getName() == "complex long double"))) {
    unsigned Parts = BT->getEncoding() == dwarf::DW_ATE_float ? 1 : 2;
    for (unsigned K = 0; K < Parts; ++K)
      markBits(Data, At + K * Size / Parts, 80);
    return;
  }
  markBits(Data, At, Size);
}

// The bits of one record: those that hold data, and those of bit-fields.
struct Bits {
  std::vector<bool> Data, BitFields;
};

// Marks the bits an object of type T at bit At holds data in. False where
// the layout is not known here: a declaration, a virtual base (its offset
// is found at run time), an array of unknown length, a type out of Data.
static bool markData(const DIType *T, uint64_t At, Bits &B) {
  std::vector<bool> &Data = B.Data;
  T = unqualified(T);
  if (!T || At + T->getSizeInBits() > Data.size())
    return false;
  auto *CT = dyn_cast<DICompositeType>(T);
  if (!CT) { // a scalar, a pointer, a reference
    if (!T->getSizeInBits())
      return false;
    markScalar(T, At, Data);
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
      if (!markData(E, At + K * Stride, B))
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
            !markData(M->getBaseType(), At + M->getOffsetInBits(), B))
          return false;
      } else if (M->getTag() == dwarf::DW_TAG_member) {
        if (M->isBitField()) {
          markBits(Data, At + M->getOffsetInBits(), M->getSizeInBits());
          markBits(B.BitFields, At + M->getOffsetInBits(), M->getSizeInBits());
        } else if (!markData(M->getBaseType(), At + M->getOffsetInBits(), B))
          return false;
      }
    }
    return true;
  default:
    return false;
  }
}

// Whether each scalar of IR type T at byte At is data in B: all of its
// bits, or some where a bit-field is (its storage unit). An [N x i8] may
// be padding or a char array alike. A struct.anon of {i64, i64} taken
// for a user's struct anon {char; long} fails here (review 86a).
static bool scalarsAreData(const DataLayout &DL, Type *T, uint64_t At,
                           const Bits &B) {
  if (auto *ST = dyn_cast<StructType>(T)) {
    const StructLayout *SL = DL.getStructLayout(ST);
    for (unsigned E = 0; E < ST->getNumElements(); ++E)
      if (!scalarsAreData(DL, ST->getElementType(E),
                          At + SL->getElementOffset(E).getFixedValue(), B))
        return false;
    return true;
  }
  if (auto *AT = dyn_cast<ArrayType>(T)) {
    if (AT->getElementType()->isIntegerTy(8))
      return true;
    uint64_t Stride = DL.getTypeAllocSize(AT->getElementType());
    for (uint64_t K = 0; K < AT->getNumElements(); ++K)
      if (!scalarsAreData(DL, AT->getElementType(), At + K * Stride, B))
        return false;
    return true;
  }
  uint64_t From = 8 * At, To = 8 * (At + DL.getTypeStoreSize(T));
  bool All = true, BitField = false;
  for (uint64_t Bit = From; Bit < To && Bit < B.Data.size(); ++Bit) {
    All &= B.Data[Bit];
    BitField |= B.BitFields[Bit];
  }
  return All || BitField;
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
  uint64_t Size = 8 * DL.getTypeAllocSize(ST);
  Bits B{std::vector<bool>(Size, false), std::vector<bool>(Size, false)};
  std::vector<bool> &Data = B.Data;
  bool Known = D && D->getSizeInBits() == Size && Size <= MaxBits &&
               markData(D, 0, B) && scalarsAreData(DL, ST, 0, B);
  // The gaps the IR's own layout leaves must be padding here too, or the
  // two do not describe one record. A scalar's bytes past its store size
  // are not asked about: the debug type of a long double is 128 bits of
  // data, the IR's x86_fp80 stores 10 (a float3 12 of 16), and Padding.cpp
  // counts them padding whatever the layout says (review 87a: every struct
  // with one had its layout refused, attacks-rev87a-long-double-layout.c).
  const StructLayout *SL = DL.getStructLayout(ST);
  uint64_t End = 0;
  for (unsigned E = 0; Known && E <= ST->getNumElements(); ++E) {
    uint64_t From = E < ST->getNumElements()
                        ? SL->getElementOffset(E).getFixedValue()
                        : DL.getTypeAllocSize(ST).getFixedValue();
    for (uint64_t Bit = 8 * End; Known && Bit < 8 * From; ++Bit)
      Known = !Data[Bit];
    if (E < ST->getNumElements())
      End = From + DL.getTypeAllocSize(ST->getElementType(E));
  }
  auto It = Layouts.find(ST);
  if (!Known || (It != Layouts.end() && It->second != Data)) {
    Layouts.erase(ST);
    Disagreed.insert(ST);
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
  if (!isRecord(CT))
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

// The record name of an IR struct type: NAME of struct.NAME, union.NAME
// or class.NAME, less the .N the IR adds to a second type of one name
// (struct.pt.0); empty for other types.
static StringRef recordName(StructType *ST) {
  StringRef Name = ST->hasName() ? ST->getName() : StringRef();
  if (!Name.consume_front("struct.") && !Name.consume_front("union.") &&
      !Name.consume_front("class."))
    return StringRef();
  size_t Dot = Name.rfind('.');
  if (Dot != StringRef::npos && Dot + 1 < Name.size() &&
      Name.substr(Dot + 1).find_first_not_of("0123456789") == StringRef::npos)
    Name = Name.take_front(Dot);
  return Name;
}

// The name clang gives the IR type of a file-scope record: qualified by
// its namespaces and classes ("(anonymous namespace)" for an unnamed
// one), a class template's arguments left off its own name (TF<int>:
// struct.TF; TF<long>: struct.TF.0, of one name, so neither is matched).
// Empty where the two may differ: a scope with template arguments, whose
// spelling the IR's and the debug information's need not share.
static std::string qualifiedName(const DICompositeType *CT) {
  std::string Name =
      CT->getName().take_until([](char C) { return C == '<'; }).str();
  for (const DIScope *S = CT->getScope(); S; S = S->getScope()) {
    StringRef Part;
    if (auto *NS = dyn_cast<DINamespace>(S))
      Part = NS->getName().empty() ? "(anonymous namespace)" : NS->getName();
    else if (auto *C = dyn_cast<DICompositeType>(S))
      Part = C->getName();
    else if (isa<DIFile>(S) || isa<DICompileUnit>(S))
      break;
    else
      return std::string(); // a module, a function
    if (Part.empty() || Part.contains('<'))
      return std::string();
    Name = (Part + "::" + Name).str();
  }
  return Name;
}

// A struct type no variable of the module has (clang's temporary of a
// call's argument or a result), by its name, where the name is one IR
// type's and one file-scope record's:
// - clang names the IR type of an unnamed struct by its typedef
//   (typedef struct {...} flags_t: struct.flags_t), which the debug
//   information gives the typedef only (review 85b,
//   attacks-rev85b-unnamed-struct.c); one with neither, "anon"
//   (struct.anon; class.anon for a lambda), which a user's struct anon
//   has too, so each unnamed record counts as one more "anon" (review 86a,
//   padding-rev86a-anon-name.c);
// - a function's record has a name of the file's in the IR: a file-scope
//   struct pt with no debug record of its own took a local struct pt's
//   layout, as did one of two IR types struct.pt and struct.pt.0 (review
//   86b, attacks-rev86b-layout-wrong-name.c); a local record that has an
//   IR type has a variable or is a result, found before.
// In both a wrong layout cleared data (before relate checked the IR
// type's scalars, only its gaps). C++ records by their qualified name
// (review 87b, attacks-rev87b-qualified-name.cpp).
static void relateByName(Module &M) {
  DebugInfoFinder Finder;
  Finder.processModule(M);
  StringMap<const DICompositeType *> Named;
  StringMap<unsigned> Count, IRCount;
  for (const DIType *T : Finder.types()) {
    StringRef Name = T->getName();
    if (auto *D = dyn_cast<DIDerivedType>(T)) {
      if (D->getTag() != dwarf::DW_TAG_typedef)
        continue;
      T = unqualified(D);
      if (!T || !T->getName().empty())
        continue; // a typedef of a named record: found by its own name
    }
    auto *CT = dyn_cast_or_null<DICompositeType>(T);
    // A template's declaration counts: its specialization may be the one
    // IR type of the name, another's the one definition.
    if (!isRecord(CT) || (CT->isForwardDecl() && !Name.contains('<')))
      continue;
    if (Name.empty())
      ++Count["anon"];
    if (Name.empty() || isa_and_nonnull<DILocalScope>(CT->getScope()))
      continue;
    // A record by its qualified name, as its IR type has it; a typedef's
    // unnamed record by the typedef's name.
    std::string Key = Name.str();
    if (Name == CT->getName()) {
      Key = qualifiedName(CT);
      if (Key.empty())
        continue;
    }
    if (Named.lookup(Key) != CT)
      ++Count[Key];
    Named[Key] = CT->isForwardDecl() ? nullptr : CT;
  }
  for (StructType *ST : M.getIdentifiedStructTypes())
    ++IRCount[recordName(ST)];
  for (StructType *ST : M.getIdentifiedStructTypes()) {
    StringRef Name = recordName(ST);
    if (Name.empty() || Layouts.count(ST) ||
        Disagreed.count(ST) || Count.lookup(Name) != 1 ||
        IRCount.lookup(Name) != 1)
      continue;
    relate(M.getDataLayout(), ST, Named.lookup(Name));
  }
}

void readRecordLayouts(Module &M) {
  Layouts.clear();
  Disagreed.clear();
  X87LongDouble = Triple(M.getTargetTriple()).isX86();
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
