// RecordLayouts.cpp - see RecordLayouts.h.
#include "RecordLayouts.h"
#include "Compat.h"
#include "Padding.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
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
#include "llvm/IR/Operator.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/TargetParser/Triple.h"

#include <deque>
#include <optional>

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
// The record whose layout a struct type took (null: more than one alike).
static DenseMap<StructType *, const DICompositeType *> RecordOf;
// The layouts of records that pointers kept in variables and members
// point to, or that functions take by value (deque: stable addresses),
// where those pointers are, and which IR arguments carry those records.
static std::deque<std::vector<bool>> Records;
static DenseMap<const DICompositeType *, const std::vector<bool> *> RecordBits;
// By level (RecordLayouts.h): 0 the pointer's record, 1 the record of the
// pointers it points to.
static DenseMap<const Value *, const std::vector<bool> *>
    PointerVariables[PointerLevels];
static DenseMap<std::pair<StructType *, uint64_t>, const std::vector<bool> *>
    PointerMembers[PointerLevels];
static DenseMap<const Function *, const std::vector<bool> *>
    PointerResults[PointerLevels];
static DenseMap<const Function *, SmallVector<ArgumentPiece, 4>> ArgumentsOf;
// Whether every compile unit is C's, where no record is passed by address
// (a declaration's subprogram names no unit).
static bool ModuleInC = false;

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

// Whether element E of struct type ST, an i8, is clang's padding byte: it
// spells one byte of padding as i8, not [1 x i8], and adds it only where
// the struct's own layout needs it: the next element (or the struct's
// end) one byte on, where without it it would lie at the byte. A char
// member is followed by no such gap, or by more than one byte. A derived class's member
// in its base's tail padding, {%struct.A.base, i8, i8} of a packed base,
// had its last byte taken for a member, the layout refused and the byte
// kept (review 91b, attacks-rev91b-base-tail.cpp).
static bool paddingByte(const DataLayout &DL, StructType *ST, unsigned E) {
  if (!ST->getElementType(E)->isIntegerTy(8))
    return false;
  const StructLayout *SL = DL.getStructLayout(ST);
  uint64_t At = SL->getElementOffset(E).getFixedValue(), Next, Without;
  if (E + 1 < ST->getNumElements()) {
    Next = SL->getElementOffset(E + 1).getFixedValue();
    Without = ST->isPacked()
                  ? At
                  : alignTo(At, DL.getABITypeAlign(ST->getElementType(E + 1)));
  } else {
    Next = SL->getSizeInBytes();
    Without = alignTo(At, SL->getAlignment());
  }
  return Next == At + 1 && Next > Without;
}

// Whether each scalar of IR type T at byte At is data in B: all of its
// bits, or some where a bit-field is (its storage unit). An [N x i8] may
// be padding or a char array alike, and so may an i8 where clang needs
// one byte of padding (paddingByte). A struct.anon of {i64, i64} taken
// for a user's struct anon {char; long} fails here (review 86a).
static bool scalarsAreData(const DataLayout &DL, Type *T, uint64_t At,
                           const Bits &B) {
  if (auto *ST = dyn_cast<StructType>(T)) {
    const StructLayout *SL = DL.getStructLayout(ST);
    for (unsigned E = 0; E < ST->getNumElements(); ++E)
      if (!scalarsAreData(DL, ST->getElementType(E),
                          At + SL->getElementOffset(E).getFixedValue(), B) &&
          !paddingByte(DL, ST, E))
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

// The data bits of D's layout for the IR struct type ST where the two
// agree (the same size, the IR's gaps padding in D, its scalars data in
// D), or none.
static std::optional<std::vector<bool>> agreedLayout(const DataLayout &DL,
                                                     StructType *ST,
                                                     const DIType *D) {
  uint64_t Size = 8 * DL.getTypeAllocSize(ST);
  Bits B{std::vector<bool>(Size, false), std::vector<bool>(Size, false)};
  std::vector<bool> &Data = B.Data;
  if (!D || D->getSizeInBits() != Size || Size > MaxBits ||
      !markData(D, 0, B) || !scalarsAreData(DL, ST, 0, B))
    return std::nullopt;
  // The gaps the IR's own layout leaves must be padding here too, or the
  // two do not describe one record. A scalar's bytes past its store size
  // are not asked about: the debug type of a long double is 128 bits of
  // data, the IR's x86_fp80 stores 10 (a float3 12 of 16), and Padding.cpp
  // counts them padding whatever the layout says (review 87a: every struct
  // with one had its layout refused, attacks-rev87a-long-double-layout.c).
  const StructLayout *SL = DL.getStructLayout(ST);
  uint64_t End = 0;
  for (unsigned E = 0; E <= ST->getNumElements(); ++E) {
    uint64_t From = E < ST->getNumElements()
                        ? SL->getElementOffset(E).getFixedValue()
                        : DL.getTypeAllocSize(ST).getFixedValue();
    for (uint64_t Bit = 8 * End; Bit < 8 * From; ++Bit)
      if (Data[Bit])
        return std::nullopt;
    if (E < ST->getNumElements())
      End = From + DL.getTypeAllocSize(ST->getElementType(E));
  }
  return std::move(Data);
}

// Takes Data as ST's layout, D its record (null: of more than one that
// agree); two layouts that differ for one type refuse both.
static void keepLayout(StructType *ST, std::optional<std::vector<bool>> Data,
                       const DICompositeType *D) {
  auto It = Layouts.find(ST);
  if (!Data || (It != Layouts.end() && It->second != *Data)) {
    Layouts.erase(ST);
    RecordOf.erase(ST);
    Disagreed.insert(ST);
    return;
  }
  if (It == Layouts.end()) {
    Layouts[ST] = std::move(*Data);
    RecordOf[ST] = D;
  } else if (RecordOf.lookup(ST) != D) {
    RecordOf[ST] = nullptr;
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
  keepLayout(ST, agreedLayout(DL, ST, D), dyn_cast_or_null<DICompositeType>(D));
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

// A part of a name less its template arguments: "TF" of TF<int>, whose
// IR name lacks them.
static StringRef templateName(StringRef Part) {
  return Part.take_until([](char C) { return C == '<'; });
}

// The parts of a qualified name, split at the "::" outside template
// arguments and parentheses ("O<ns::A>::I": "O<ns::A>", "I";
// "(anonymous namespace)::B": "(anonymous namespace)", "B").
static SmallVector<StringRef, 4> nameParts(StringRef Name) {
  SmallVector<StringRef, 4> Parts;
  unsigned Depth = 0;
  size_t Start = 0;
  for (size_t I = 0; I < Name.size(); ++I) {
    char C = Name[I];
    if (C == '<' || C == '(')
      ++Depth;
    else if ((C == '>' || C == ')') && Depth)
      --Depth;
    else if (!Depth && Name.substr(I).starts_with("::")) {
      Parts.push_back(Name.slice(Start, I));
      Start = ++I + 1;
    }
  }
  Parts.push_back(Name.substr(Start));
  return Parts;
}

// The last part of a record's name, which its IR type's and its debug
// record's share: "flags" of struct.ns::flags and of a flags in namespace
// ns; the rest of the IR name is checked by scopesAgree.
static StringRef lastPart(StringRef Name) {
  return templateName(nameParts(Name).back());
}

// Whether a record (or a typedef of an unnamed one) declared in Scope can
// be that of the IR type named Name: clang qualifies the IR name by the
// namespaces (inline ones too, in LLVM 19) and classes a record is in,
// not by a function it is in. A template's arguments are left out of the
// comparison (spelled as clang prints them), and an unnamed scope is any
// part in parentheses. Without it, a class template's implicit
// specialization, of which clang emits no debug record where none of the
// file's variables, functions, members or casts names it, took an
// unrelated record of another namespace that shared its last part and
// its IR structure: TF<char> {char a; char b;} the layout of an unused
// other::TF {char a : 3; char b;}, and bits 3-7 of `a` were cleared as
// padding (review 89b, padding-rev89b-template-record.cpp).
static bool scopesAgree(StringRef Name, const DIScope *Scope) {
  SmallVector<StringRef, 4> Parts = nameParts(Name);
  Parts.pop_back();
  for (; Scope && !isa<DIFile>(Scope) && !isa<DICompileUnit>(Scope) &&
         !isa<DILocalScope>(Scope);
       Scope = Scope->getScope()) {
    auto *NS = dyn_cast<DINamespace>(Scope);
    if (!NS && !isa<DICompositeType>(Scope))
      return false; // a module: not known here
    StringRef N = Scope->getName();
    if (!Parts.empty() && (N.empty() ? Parts.back().starts_with("(")
                                     : templateName(Parts.back()) ==
                                           templateName(N))) {
      Parts.pop_back();
      continue;
    }
    if (!NS || !NS->getExportSymbols())
      return false; // an inline namespace may be left out
  }
  return Parts.empty();
}

// Whether a record is, or is declared in, a specialization of a class or
// function template. The driver's unused-types asks for every declared
// type, and a specialization is not one: clang emits its record only
// where a variable, a definition or a cast of the file names it, so
// another specialization of the template, of one IR structure and other
// padding, would be taken for it. W<short>'s layout cleared byte 1 of a
// W<char[3]>'s char array (padding-template-args.cpp).
static bool inTemplate(const DIScope *S) {
  for (; S; S = S->getScope()) {
    auto *CT = dyn_cast<DICompositeType>(S);
    auto *SP = dyn_cast<DISubprogram>(S);
    if ((CT && (CT->getTemplateParams() || CT->getName().contains('<'))) ||
        (SP && SP->getTemplateParams()))
      return true;
  }
  return false;
}

// Struct types no variable, global or result of the module has (clang's
// temporaries of arguments and results, records behind pointers), by
// their records' structure. bulkhead-clang asks for the debug records of
// every type the file declares (-debug-info-kind=unused-types), so each
// IR type's own record is among those of its name's last part; the IR
// type takes the layout that every one of them that agrees with it has,
// none if two that agree differ. The candidates by name:
// - a named record's last part, wherever it is declared: a function's
//   records too, and any specialization of a class template (struct.TF is
//   TF<int>, struct.TF.0 TF<long>);
// - an unnamed record: "anon" (struct.anon; class.anon for a lambda), and
//   the name of a typedef of it (clang names the IR type of
//   typedef struct {...} flags_t struct.flags_t, review 85b,
//   attacks-rev85b-unnamed-struct.c).
// Before, only a name of one IR type and one file-scope record matched:
// a struct whose name a function's struct also has, only ever behind
// pointers in the file, kept its padding (review 87a,
// attacks-rev87a-twice-named-temp.c). A wrong record cannot give its
// layout where the IR type's own agrees and differs from it: a user's
// struct anon for clang's struct.anon (review 86a,
// padding-rev86a-anon-name.c), a local struct pt for the file's (review
// 86b, attacks-rev86b-layout-wrong-name.c). Where the debug information
// has fewer definitions of a name than the IR has types of it, or only a
// declaration of one record of it, its own may be missing: none.
static void relateByName(Module &M) {
  DebugInfoFinder Finder;
  Finder.processModule(M);
  // Each record, with the scope that qualifies its IR name (a typedef's
  // for an unnamed record; none for "anon", which clang does not qualify).
  using Candidate = std::pair<const DICompositeType *, const DIScope *>;
  StringMap<SmallVector<Candidate, 2>> Records;
  StringSet<> Unsure; // names of a declared record, or a template's
  DenseSet<std::pair<const DIScope *, StringRef>> Defined;
  auto Add = [&](StringRef Name, const DICompositeType *CT,
                 const DIScope *Scope) {
    auto &List = Records[Name];
    if (!is_contained(List, Candidate(CT, Scope)))
      List.push_back({CT, Scope});
  };
  for (const DIType *T : Finder.types()) {
    if (auto *D = dyn_cast<DIDerivedType>(T)) {
      auto *CT = dyn_cast_or_null<DICompositeType>(unqualified(D));
      if (D->getTag() != dwarf::DW_TAG_typedef || !isRecord(CT) ||
          CT->isForwardDecl() || !CT->getName().empty())
        continue;
      if (inTemplate(CT))
        Unsure.insert(lastPart(D->getName()));
      else
        Add(lastPart(D->getName()), CT, D->getScope());
      continue;
    }
    auto *CT = dyn_cast<DICompositeType>(T);
    if (!isRecord(CT) || CT->isForwardDecl())
      continue;
    StringRef Name = CT->getName().empty() ? "anon" : lastPart(CT->getName());
    if (inTemplate(CT))
      Unsure.insert(Name);
    else
      Add(Name, CT, CT->getName().empty() ? nullptr : CT->getScope());
    Defined.insert({CT->getScope(), CT->getName()});
  }
  for (const DIType *T : Finder.types())
    if (auto *CT = dyn_cast<DICompositeType>(T))
      if (isRecord(CT) && CT->isForwardDecl() &&
          !Defined.count({CT->getScope(), CT->getName()}))
        Unsure.insert(lastPart(CT->getName()));
  StringMap<unsigned> IRCount; // by qualified name
  for (StructType *ST : M.getIdentifiedStructTypes())
    ++IRCount[recordName(ST)];
  const DataLayout &DL = M.getDataLayout();
  for (StructType *ST : M.getIdentifiedStructTypes()) {
    StringRef Qualified = recordName(ST), Name = lastPart(Qualified);
    auto It = Records.find(Name);
    if (Name.empty() || ST->isOpaque() || Layouts.count(ST) ||
        Disagreed.count(ST) || Unsure.contains(Name) || It == Records.end())
      continue;
    SmallVector<const DICompositeType *, 2> Candidates;
    for (auto [CT, Scope] : It->second)
      if (Name == "anon" || scopesAgree(Qualified, Scope))
        Candidates.push_back(CT);
    if (Candidates.size() < IRCount.lookup(Qualified))
      continue;
    std::optional<std::vector<bool>> Found;
    const DICompositeType *From = nullptr;
    for (const DICompositeType *CT : Candidates) {
      std::optional<std::vector<bool>> Data = agreedLayout(DL, ST, CT);
      if (!Data)
        continue;
      if (Found && *Found != *Data) {
        Found.reset(); // two that agree differ
        Disagreed.insert(ST);
        break;
      }
      From = Found ? nullptr : CT;
      Found = std::move(Data);
    }
    if (Found)
      keepLayout(ST, std::move(Found), From);
  }
}

// The data bits of record CT, where its layout is known; else null.
static const std::vector<bool> *recordBits(const DICompositeType *CT) {
  if (!isRecord(CT) || CT->isForwardDecl())
    return nullptr;
  auto [It, New] = RecordBits.try_emplace(CT, nullptr);
  uint64_t Size = CT->getSizeInBits();
  if (New && Size && Size % 8 == 0 && Size <= MaxBits) {
    Bits B{std::vector<bool>(Size, false), std::vector<bool>(Size, false)};
    if (markData(CT, 0, B)) {
      Records.push_back(std::move(B.Data));
      It->second = &Records.back();
    }
  }
  return It->second;
}

// Whether D is a pointer or reference.
static bool isPointer(const DIType *D) {
  auto *P = dyn_cast_or_null<DIDerivedType>(unqualified(D));
  return P && (P->getTag() == dwarf::DW_TAG_pointer_type ||
               P->getTag() == dwarf::DW_TAG_reference_type ||
               P->getTag() == dwarf::DW_TAG_rvalue_reference_type);
}

// The data bits of the record a pointer or reference of debug type D
// points to, where its layout is known; else null.
static const std::vector<bool> *pointeeBits(const DIType *D) {
  if (!isPointer(D))
    return nullptr;
  return recordBits(dyn_cast_or_null<DICompositeType>(
      unqualified(cast<DIDerivedType>(unqualified(D))->getBaseType())));
}

// A prototype's parameter by its debug type, kept past the debug
// information: the data bits of the record it is (null: no record), and
// its size in bytes.
struct Param {
  const std::vector<bool> *Record;
  uint64_t Size;
};
using Params = SmallVector<Param, 4>;

// The parameters of subroutine type Type up to a `...`, or none where a
// record's arguments cannot be counted (an empty record: clang drops it;
// one of no known layout).
static std::optional<Params> paramsOf(const DISubroutineType &Type) {
  Params Ps;
  DITypeRefArray Types = Type.getTypeArray();
  for (unsigned K = 1; K < Types.size(); ++K) {
    const DIType *T = unqualified(Types[K]);
    if (!T) // `...`: the variadic part, no parameter of the prototype
      break;
    auto *CT = dyn_cast<DICompositeType>(T);
    const std::vector<bool> *Record = recordBits(CT);
    if (isRecord(CT) &&
        (!Record || std::find(Record->begin(), Record->end(), true) ==
                        Record->end()))
      return std::nullopt;
    Ps.push_back({Record, T->getSizeInBits() / 8});
  }
  return Ps;
}

// What the IR arguments of a function or call of type FT carry by its
// prototype's parameters Ps: each parameter takes the arguments clang
// lowers it to on x86-64. An sret pointer comes first; a pointer argument
// is one parameter (a pointer, a reference, a record passed in memory:
// byval or, in C++, by address), but in C a record's pointer argument
// without byval is its first eightbyte ({ptr, i64} of a struct {char *p;
// int n;}); a parameter of S bytes passed in registers is one argument if
// the first is that wide (an i128, a vector, an x87 long double), else one
// per eightbyte of it (a struct {char; double} is i8 and double, a
// _Complex double two doubles). Empty where
// that does not account for every argument exactly. Has: whether argument
// I has an attribute (the function's, or the call's).
static SmallVector<ArgumentPiece, 4>
argumentPieces(const DataLayout &DL, FunctionType *FT,
               function_ref<bool(unsigned, Attribute::AttrKind)> Has,
               ArrayRef<Param> Ps) {
  SmallVector<ArgumentPiece, 4> Pieces;
  unsigned Next = 0, End = FT->getNumParams();
  auto SizeOf = [&](unsigned I) {
    return DL.getTypeAllocSize(FT->getParamType(I)).getFixedValue();
  };
  if (End && Has(0, Attribute::StructRet)) {
    Pieces.push_back({});
    ++Next;
  }
  for (const Param &P : Ps) {
    if (Next == End)
      return {};
    uint64_t S = P.Size;
    const std::vector<bool> *Record = P.Record;
    if (FT->getParamType(Next)->isPointerTy() &&
        (!Record || Has(Next, Attribute::ByVal) || !ModuleInC)) {
      // In C++ a record of more than 8 bytes at an address (a class not
      // trivially copied) and one in registers from a pointer member
      // ({ptr, i64}) are not told apart here. C passes none by address.
      if (Record && S > 8 && !Has(Next, Attribute::ByVal))
        return {};
      Pieces.push_back({});
      ++Next;
      continue;
    }
    if (!S || SizeOf(Next) >= S) {
      Pieces.push_back({Record, 0});
      ++Next;
      continue;
    }
    for (uint64_t Off = 0; Off < S; Off += 8, ++Next) {
      if (Next == End || SizeOf(Next) > 8)
        return {};
      Pieces.push_back({Record, Off});
    }
  }
  if (Next != End)
    return {};
  return Pieces;
}

// F's, by its subprogram SP; empty for a declaration without prototype.
static SmallVector<ArgumentPiece, 4> argumentPieces(const DataLayout &DL,
                                                   const Function &F,
                                                   const DISubprogram &SP) {
  const DISubroutineType *Type = SP.getType();
  if (!Type || !(SP.getFlags() & DINode::FlagPrototyped))
    return {};
  std::optional<Params> Ps = paramsOf(*Type);
  if (!Ps)
    return {};
  return argumentPieces(
      DL, F.getFunctionType(),
      [&](unsigned I, Attribute::AttrKind K) {
        return F.hasParamAttribute(I, K);
      },
      *Ps);
}

// The element type of an array of debug type D (of an array of arrays,
// the innermost); D itself if it is no array.
static const DIType *elementOf(const DIType *D) {
  while (auto *CT = dyn_cast_or_null<DICompositeType>(unqualified(D))) {
    if (CT->getTag() != dwarf::DW_TAG_array_type)
      break;
    D = CT->getBaseType();
  }
  return D;
}

// The pointer that one of debug type D (of an array D, its element) leads
// to at Level: 0 itself, 1 the pointers it points to (`struct small **`,
// `struct small *(*)[2]`); null if there is none.
static const DIType *pointerAt(const DIType *D, unsigned Level) {
  D = elementOf(D);
  for (; Level && isPointer(D); --Level)
    D = elementOf(cast<DIDerivedType>(unqualified(D))->getBaseType());
  return isPointer(D) ? D : nullptr;
}

// The data bits of the record that a pointer of debug type D points to at
// Level (pointerAt).
static const std::vector<bool> *pointeeBits(const DIType *D, unsigned Level) {
  return pointeeBits(pointerAt(D, Level));
}

// The parameters of the functions that pointers kept in variables and
// members point to, by those functions' debug type (deque: stable
// addresses), and where those pointers are (null: two of one place that
// differ, or one of no known parameters).
static std::deque<Params> CalleeParams;
static DenseMap<const DISubroutineType *, const Params *> ParamsOfType;
static DenseMap<const Value *, const Params *> FunctionPointerVariables;
static DenseMap<std::pair<StructType *, uint64_t>, const Params *>
    FunctionPointerMembers;

// The parameters of the function a pointer of debug type D (of an array
// D, its element) points to; null if it points to no function, or to one
// whose parameters cannot be counted. A type without prototype has none
// (`void (*)()` is {null, null}), and its call's arguments match none.
static const Params *calleeParamsOf(const DIType *D) {
  D = elementOf(D);
  if (!isPointer(D))
    return nullptr;
  auto *Type = dyn_cast_or_null<DISubroutineType>(
      unqualified(cast<DIDerivedType>(unqualified(D))->getBaseType()));
  if (!Type)
    return nullptr;
  auto [It, New] = ParamsOfType.try_emplace(Type, nullptr);
  if (New)
    if (std::optional<Params> Ps = paramsOf(*Type)) {
      CalleeParams.push_back(std::move(*Ps));
      It->second = &CalleeParams.back();
    }
  return It->second;
}

template <typename Map, typename Key>
static void noteOnce(Map &Places, const Key &K, const Params *Ps) {
  auto [It, New] = Places.try_emplace(K, Ps);
  if (!New && It->second != Ps)
    It->second = nullptr;
}

// Notes the pointee of a pointer kept in Storage (a variable's alloca, a
// global) of debug type D, or of each pointer of an array D, at each
// level; two of one storage that differ give none.
static void notePointerVariable(const Value *Storage, const DIType *D) {
  noteOnce(FunctionPointerVariables, Storage, calleeParamsOf(D));
  for (unsigned L = 0; L < PointerLevels; ++L) {
    const std::vector<bool> *Bits = pointeeBits(D, L);
    auto [It, New] = PointerVariables[L].try_emplace(Storage, Bits);
    if (!New && It->second != Bits)
      It->second = nullptr;
  }
}

static void notePointerMembers(StructType *ST, const DICompositeType *CT,
                               uint64_t At, bool Trailing);

// Notes a member of debug type T at bit At of struct type ST: a pointer's
// pointee, a nested record's pointers, and an array's elements' (h->p[1]
// is one offset into ST too). Two pointers at one offset (a union's
// members) to records of different layouts give none: the last one's was
// taken for the other's, `*q->u.s` of a struct small got a struct pun's,
// and its int's high bytes were cleared (review 89b,
// padding-rev89b-union-pointee.c); and an array's pointers count as
// pointers at their offsets: a union's `struct small *s[1]` was skipped,
// its other member `struct pun *p` the only pointer at offset 0, and
// `*q->u.s[0]` took pun's layout (review 90a,
// padding-rev90a-union-pointer-array.c). Trailing: nothing of ST's
// record follows T's bytes (no later member, none of a union's).
static void notePointersIn(StructType *ST, const DIType *T, uint64_t At,
                           bool Trailing) {
  auto *CT = dyn_cast_or_null<DICompositeType>(unqualified(T));
  if (CT && isRecord(CT)) {
    if (!CT->isForwardDecl())
      notePointerMembers(ST, CT, At, Trailing);
    return;
  }
  if (CT && CT->getTag() == dwarf::DW_TAG_array_type) {
    // Within ST's record, of at most MaxBits: a bounded walk.
    // A flexible array member (no size, at the record's end) by its first
    // element: every element's pointee is the same. Not a GNU zero-length
    // array that a member follows at its offset: `struct small *none[0];
    // void *any;` took `*(struct pun *)c->any` for a struct small, and
    // cleared its data (review 92a, padding-rev92a-zero-length-middle.c).
    const DIType *E = unqualified(CT->getBaseType());
    uint64_t Stride = E ? E->getSizeInBits() : 0;
    if (Stride && Stride <= MaxBits && CT->getSizeInBits() <= MaxBits) {
      uint64_t N = CT->getSizeInBits() / Stride;
      if (!N && Trailing)
        notePointersIn(ST, CT->getBaseType(), At, true);
      for (uint64_t K = 0; K < N; ++K)
        notePointersIn(ST, CT->getBaseType(), At + K * Stride,
                       Trailing && K + 1 == N);
    }
    return;
  }
  // A pointer to no record counts too, as none: a union's `void *v` beside
  // `struct small *s` left small's the only record there, and `*(struct
  // pun *)q->u.v` lost pun's data (review 92a,
  // padding-rev92a-union-void-pointer.c).
  // A function pointer's callee's parameters (review 93b): a union's
  // pointer of another type at its offset gives none.
  if (pointerAt(T, 0) && At % 8 == 0)
    noteOnce(FunctionPointerMembers, std::make_pair(ST, At / 8),
             calleeParamsOf(T));
  for (unsigned L = 0; L < PointerLevels; ++L)
    if (pointerAt(T, L) && At % 8 == 0) {
      const std::vector<bool> *Bits = pointeeBits(T, L);
      auto [It, New] = PointerMembers[L].try_emplace({ST, At / 8}, Bits);
      if (!New && It->second != Bits)
        It->second = nullptr;
    }
}

// Notes the pointer members of record CT, at bit At of struct type ST,
// nested records' and arrays' included (h->in.rec is one offset into ST).
// Trailing: nothing of ST's record follows CT's bytes; then CT's last
// member (a struct's, not a union's) is trailing too.
static void notePointerMembers(StructType *ST, const DICompositeType *CT,
                               uint64_t At, bool Trailing) {
  auto IsMember = [](const DINode *N) {
    auto *M = dyn_cast<DIDerivedType>(N);
    return M && !M->isStaticMember() &&
           (M->getTag() == dwarf::DW_TAG_member ||
            M->getTag() == dwarf::DW_TAG_inheritance);
  };
  const DINode *Last = nullptr;
  for (const DINode *N : CT->getElements())
    if (IsMember(N))
      Last = N;
  bool Union = CT->getTag() == dwarf::DW_TAG_union_type;
  for (const DINode *N : CT->getElements()) {
    auto *M = dyn_cast<DIDerivedType>(N);
    if (!IsMember(N) || M->isBitField() ||
        (M->getTag() == dwarf::DW_TAG_inheritance && M->isVirtual()))
      continue;
    notePointersIn(ST, M->getBaseType(), At + M->getOffsetInBits(),
                   Trailing && !Union && N == Last);
  }
}

// The variables an alloca holds: by dbg.declare (-O0), or by the
// dbg.assign markers of its own DIAssignID (clang's assignment tracking
// from -O1 on, where the pass's pipeline-start run finds no declare: a
// local's layout and a pointer's pointee were not found at -O2).
static SmallVector<const DILocalVariable *, 1> variablesAt(AllocaInst &AI) {
  SmallVector<const DILocalVariable *, 1> Vars;
  for (auto *DVR : findDVRDeclares(&AI))
    Vars.push_back(DVR->getVariable());
  for (auto *DVR : at::getDVRAssignmentMarkers(&AI))
    if (!DVR->getExpression()->getFragmentInfo())
      Vars.push_back(DVR->getVariable());
#if LLVM_VERSION_MAJOR < 20
  for (auto *DDI : findDbgDeclares(&AI))
    Vars.push_back(DDI->getVariable());
  for (auto *DAI : at::getAssignmentMarkers(&AI))
    if (!DAI->getExpression()->getFragmentInfo())
      Vars.push_back(DAI->getVariable());
#endif
  return Vars;
}

// A variable of debug type D kept in Storage, of IR type T: a pointer or
// an array of pointers, or an object that may have a layout.
static void relateVariable(const DataLayout &DL, const Value *Storage, Type *T,
                           const DIType *D) {
  Type *E = T;
  while (auto *AT = dyn_cast<ArrayType>(E))
    E = AT->getElementType();
  if (E->isPointerTy())
    notePointerVariable(Storage, D);
  else
    relate(DL, T, D);
}

void readRecordLayouts(Module &M) {
  Layouts.clear();
  Disagreed.clear();
  RecordOf.clear();
  Records.clear();
  RecordBits.clear();
  for (unsigned L = 0; L < PointerLevels; ++L) {
    PointerVariables[L].clear();
    PointerMembers[L].clear();
    PointerResults[L].clear();
  }
  ArgumentsOf.clear();
  CalleeParams.clear();
  ParamsOfType.clear();
  FunctionPointerVariables.clear();
  FunctionPointerMembers.clear();
  X87LongDouble = Triple(M.getTargetTriple()).isX86();
  ModuleInC = !M.debug_compile_units().empty();
  for (DICompileUnit *Unit : M.debug_compile_units())
    ModuleInC &= is_contained({dwarf::DW_LANG_C, dwarf::DW_LANG_C89,
                         dwarf::DW_LANG_C99, dwarf::DW_LANG_C11,
                         dwarf::DW_LANG_C17},
                        sourceLanguageOf(*Unit));
  const DataLayout &DL = M.getDataLayout();
  SmallVector<DIGlobalVariableExpression *, 1> GVs;
  for (GlobalVariable &GV : M.globals()) {
    GVs.clear();
    GV.getDebugInfo(GVs);
    for (auto *GVE : GVs)
      relateVariable(DL, &GV, GV.getValueType(), GVE->getVariable()->getType());
  }
  for (Function &F : M) {
    for (Instruction &I : instructions(F)) {
      auto *AI = dyn_cast<AllocaInst>(&I);
      if (!AI)
        continue;
      for (const DILocalVariable *V : variablesAt(*AI))
        relateVariable(DL, AI, AI->getAllocatedType(), V->getType());
    }
    DISubprogram *SP = F.getSubprogram();
    if (!SP || !SP->getType() || !SP->getType()->getTypeArray().size())
      continue;
    ArgumentsOf[&F] = argumentPieces(DL, F, *SP);
    const DIType *Result = SP->getType()->getTypeArray()[0];
    if (F.getReturnType()->isPointerTy())
      for (unsigned L = 0; L < PointerLevels; ++L)
        PointerResults[L][&F] = pointeeBits(Result, L);
    for (Argument &A : F.args())
      if (A.hasStructRetAttr())
        relate(DL, A.getParamStructRetType(), Result);
    relateReturned(DL, F, Result);
  }
  relateByName(M);
  for (auto &[ST, CT] : RecordOf)
    if (CT)
      notePointerMembers(ST, CT, 0, true);
  RecordBits.clear(); // its keys are the debug information's
  ParamsOfType.clear();
  if (LayoutDebugInfo == AddedDebugInfo::All)
    StripDebugInfo(M);
  else if (LayoutDebugInfo == AddedDebugInfo::Lines)
    stripNonLineTableDebugInfo(M);
}

bool moduleInC() { return ModuleInC; }

const std::vector<bool> *recordDataBits(StructType *ST) {
  auto It = Layouts.find(ST);
  return It == Layouts.end() ? nullptr : &It->second;
}

const std::vector<bool> *pointeeOfVariable(const Value *Storage,
                                           unsigned Level) {
  return Level < PointerLevels ? PointerVariables[Level].lookup(Storage)
                               : nullptr;
}

const std::vector<bool> *pointeeOfMember(StructType *ST, uint64_t Off,
                                         unsigned Level) {
  return Level < PointerLevels ? PointerMembers[Level].lookup({ST, Off})
                               : nullptr;
}

void copyPointerVariable(const Value *Storage, const Value *Copy) {
  auto Callee = FunctionPointerVariables.find(Storage);
  if (Callee != FunctionPointerVariables.end())
    FunctionPointerVariables[Copy] = Callee->second;
  for (unsigned L = 0; L < PointerLevels; ++L) {
    auto It = PointerVariables[L].find(Storage);
    if (It != PointerVariables[L].end())
      PointerVariables[L][Copy] = It->second;
  }
}

const std::vector<bool> *pointeeOfResult(const Function *F, unsigned Level) {
  return Level < PointerLevels ? PointerResults[Level].lookup(F) : nullptr;
}

// The parameters of the function that Call calls through a pointer, by
// the debug type of the variable or member it loads that pointer from: a
// global, a local or parameter (its alloca: the pass runs before any
// optimization), an element of an array of them, or a struct's member at
// a constant offset. Null where that is not known.
static const Params *pointerCalleeParams(const CallBase &Call) {
  auto *Load = dyn_cast<LoadInst>(Call.getCalledOperand());
  if (!Load)
    return nullptr;
  const DataLayout &DL = Call.getModule()->getDataLayout();
  const Value *Ptr = Load->getPointerOperand();
  // An element of an array of pointers (or p + i) points where its first
  // does.
  while (auto *GEP = dyn_cast<GEPOperator>(Ptr)) {
    Type *E = GEP->getSourceElementType();
    while (auto *AT = dyn_cast<ArrayType>(E))
      E = AT->getElementType();
    if (!E->isPointerTy())
      break;
    Ptr = GEP->getPointerOperand();
  }
  // A global's or local's struct's first member has no GEP: clang folds
  // it (`load ptr, ptr @ops` of `ops.keep(u.s)`), and so the first
  // element's of an array of structs, `table[0].keep(u.s)` (review 94b,
  // attacks-rev94b-table-first.c: the array's type found none).
  Type *Stored = nullptr;
  if (auto *AI = dyn_cast<AllocaInst>(Ptr))
    Stored = AI->getAllocatedType();
  else if (auto *GV = dyn_cast<GlobalVariable>(Ptr))
    Stored = GV->getValueType();
  if (Stored) {
    while (auto *AT = dyn_cast<ArrayType>(Stored))
      Stored = AT->getElementType();
    if (auto *ST = dyn_cast<StructType>(Stored))
      return FunctionPointerMembers.lookup({ST, 0});
    return FunctionPointerVariables.lookup(Ptr);
  }
  auto *GEP = dyn_cast<GEPOperator>(Ptr);
  if (!GEP || !GEP->getNumIndices())
    return nullptr;
  // The innermost struct the GEP steps into by constant indices, and the
  // offset in it: an element of an array of structs by any index is one
  // of its element's type (`ops[i].keep`, `t->ops[i].keep`).
  StructType *ST = nullptr;
  uint64_t Off = 0;
  Type *T = GEP->getSourceElementType();
  auto Enter = [&](Type *E) {
    ST = dyn_cast<StructType>(E);
    Off = 0;
  };
  Enter(T); // the first index: an element of an array of T
  for (auto I = GEP->idx_begin() + 1; I != GEP->idx_end(); ++I) {
    auto *C = dyn_cast<ConstantInt>(I->get());
    if (auto *S = dyn_cast<StructType>(T)) {
      if (!C)
        return nullptr;
      unsigned Field = C->getZExtValue();
      Off += DL.getStructLayout(S)->getElementOffset(Field).getFixedValue();
      T = S->getElementType(Field);
    } else if (auto *AT = dyn_cast<ArrayType>(T)) {
      T = AT->getElementType();
      if (C && C->isNegative())
        return nullptr;
      // An element of an array no struct holds (a global array of
      // structs, `table[1].keep`: [2 x %struct.first] by 0, 1) is one of
      // its element's type too (review 94b, attacks-rev94b-table-first.c).
      if (!C || !ST)
        Enter(T);
      else
        Off += C->getZExtValue() *
               DL.getTypeAllocSize(T).getFixedValue();
    } else {
      return nullptr;
    }
  }
  while (auto *AT = dyn_cast<ArrayType>(T)) // a member array's first
    T = AT->getElementType();
  // A struct there: its first member, which needs no index (the
  // pointers of nested records are noted at their offsets in ST).
  if (!ST || ST->isOpaque() || !(T->isPointerTy() || isa<StructType>(T)))
    return nullptr;
  return FunctionPointerMembers.lookup({ST, Off});
}

ArgumentPiece argumentPiece(const CallBase &Call, unsigned ArgNo) {
  // clang marks each scalar it passes noundef, and never a struct passed
  // as integers: a call that converted the pointer to another function
  // type, `((void (*)(long))p)(x)` of a `void (*p)(struct small)`, has the
  // same IR type and a long where the parameter says struct small, whose
  // padding mask would clear the long's bytes 1-3 (review 93a,
  // padding-rev93a-pointer-cast.c).
  if (Call.paramHasAttr(ArgNo, Attribute::NoUndef))
    return {};
  const Function *F = Call.getCalledFunction();
  if (!F && !Call.isInlineAsm()) {
    // Through a pointer (review 93b, attacks-rev93b-pointer-callee.c).
    const Params *Ps = pointerCalleeParams(Call);
    if (!Ps)
      return {};
    SmallVector<ArgumentPiece, 4> Pieces = argumentPieces(
        Call.getModule()->getDataLayout(), Call.getFunctionType(),
        [&](unsigned I, Attribute::AttrKind K) {
          return Call.paramHasAttr(I, K);
        },
        *Ps);
    if (ArgNo >= Pieces.size())
      return {};
    ArgumentPiece Piece = Pieces[ArgNo];
    Piece.ThroughPointer = true;
    return Piece;
  }
  if (!F || F->getFunctionType() != Call.getFunctionType())
    return {};
  auto It = ArgumentsOf.find(F);
  if (It == ArgumentsOf.end() || ArgNo >= It->second.size())
    return {};
  return It->second[ArgNo];
}

} // namespace bulkhead
