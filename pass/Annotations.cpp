// Annotations.cpp - see Annotations.h.
#include "Annotations.h"
#include "Diagnostics.h"

#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/GlobalVariable.h"
#include "llvm/IR/Module.h"

using namespace llvm;

namespace bulkhead {

static constexpr StringRef Prefix = "bulkhead.";

bool isCIdentifier(StringRef Name) {
  if (Name.empty() || isDigit(Name.front()))
    return false;
  return llvm::all_of(Name, [](char C) { return isAlnum(C) || C == '_'; });
}

static StringRef roleName(Role R) {
  switch (R) {
  case Role::Data:
    return "BULKHEAD_DATA";
  case Role::Entry:
    return "BULKHEAD_ENTRY";
  case Role::Internal:
    return "BULKHEAD_INTERNAL";
  }
  return "?";
}

// The string a constant pointer in llvm.global.annotations points at.
static StringRef stringOf(const Value *V) {
  auto *GV = dyn_cast<GlobalVariable>(V->stripPointerCasts());
  if (!GV || !GV->hasInitializer())
    return "";
  if (auto *CDA = dyn_cast<ConstantDataArray>(GV->getInitializer()))
    if (CDA->isCString())
      return CDA->getAsCString();
  return "";
}

Annotations Annotations::read(Module &M) {
  Annotations A;
  GlobalVariable *List = M.getGlobalVariable("llvm.global.annotations");
  if (!List || !List->hasInitializer())
    return A;
  auto *Array = dyn_cast<ConstantArray>(List->getInitializer());
  if (!Array)
    return A;
  for (const Use &U : Array->operands()) {
    auto *Entry = dyn_cast<ConstantStruct>(U.get());
    if (!Entry || Entry->getNumOperands() < 4)
      continue;
    auto *GV = dyn_cast<GlobalValue>(Entry->getOperand(0)->stripPointerCasts());
    StringRef Text = stringOf(Entry->getOperand(1));
    if (!GV || !Text.starts_with(Prefix))
      continue; // someone else's annotation
    unsigned Line = 0;
    if (auto *CI = dyn_cast<ConstantInt>(Entry->getOperand(3)))
      Line = CI->getZExtValue();
    A.add(GV, Text, stringOf(Entry->getOperand(2)), Line);
  }
  return A;
}

void Annotations::add(GlobalValue *GV, StringRef Text, StringRef File,
                      unsigned Line) {
  auto Fail = [&](const Twine &Msg) {
    errorAtGlobal(*GV, File, Line, Msg);
    Errors = true;
  };
  auto [Kind, Name] = Text.drop_front(Prefix.size()).split(':');
  Role R;
  if (Kind == "data")
    R = Role::Data;
  else if (Kind == "entry")
    R = Role::Entry;
  else if (Kind == "internal")
    R = Role::Internal;
  else
    return Fail("unknown annotation '" + Text + "' on '" + GV->getName() +
                "' (expected BULKHEAD_DATA, BULKHEAD_ENTRY or "
                "BULKHEAD_INTERNAL)");
  if (!isCIdentifier(Name))
    return Fail("compartment name '" + Name + "' in " + roleName(R) + " on '" +
                GV->getName() + "' is not a C identifier");
  bool IsFunction = isa<Function>(GV);
  if (R == Role::Data && IsFunction)
    return Fail("BULKHEAD_DATA on function '" + GV->getName() +
                "'; use BULKHEAD_ENTRY or BULKHEAD_INTERNAL");
  if (R != Role::Data && !IsFunction)
    return Fail(roleName(R) + " on variable '" + GV->getName() +
                "'; use BULKHEAD_DATA");
  if (R == Role::Data && cast<GlobalVariable>(GV)->isThreadLocal())
    return Fail("BULKHEAD_DATA on thread-local variable '" + GV->getName() +
                "' is not supported");

  Annotation New{R, Name.str(), File.str(), Line};
  auto [It, Inserted] = Map.try_emplace(GV, New);
  if (Inserted)
    return;
  const Annotation &Old = It->second;
  if (Old.compartment != New.compartment)
    return Fail("'" + GV->getName() +
                "' is annotated with two compartments, '" + Old.compartment +
                "' and '" + New.compartment + "'");
  if (Old.role != New.role)
    return Fail("'" + GV->getName() + "' is annotated both " +
                roleName(Old.role) + " and " + roleName(New.role));
}

void Annotations::claimWholeModule(Module &M, StringRef Name) {
  for (Function &F : M) {
    // An available_externally body (glibc's inline atof) is a copy of a
    // definition elsewhere, which stays shared code.
    if (F.isDeclaration() || F.isIntrinsic() || Map.count(&F) ||
        F.hasAvailableExternallyLinkage())
      continue;
    Role R = F.hasLocalLinkage() ? Role::Internal : Role::Entry;
    Map.try_emplace(&F, Annotation{R, Name.str(), "", 0, /*claimed=*/true});
  }
  SmallPtrSet<Comdat *, 8> Renamed;
  for (GlobalVariable &GV : M.globals()) {
    if (GV.isDeclaration() || Map.count(&GV) || GV.isThreadLocal() ||
        GV.getName().starts_with("llvm.") ||
        (GV.isConstant() && GV.hasPrivateLinkage()) || isCxxAbiObject(GV))
      continue; // string literals and the like are not the library's state
    if (GV.hasSection()) {
      // The program may find it by its section (__start_SECTION): moving
      // it would break that, leaving it would leave it in key 0.
      errorAtVariable(GV,
                      "-fpkey-compartment=" + Name + " cannot move '" +
                          GV.getName() +
                          "' into the compartment: it has "
                          "its own section '" +
                          GV.getSection() + "' (annotate it BULKHEAD_DATA(" +
                          Name + ") to move it anyway)",
                      /*FileWithoutDebugInfo=*/true);
      Errors = true;
      continue;
    }
    if (Comdat *C = GV.getComdat()) {
      if (!isa_and_nonnull<GlobalVariable>(M.getNamedValue(C->getName()))) {
        errorAtVariable(GV,
                        "-fpkey-compartment=" + Name + " cannot move '" +
                            GV.getName() +
                            "' into the compartment: it "
                            "is in the comdat of '" +
                            C->getName() + "'",
                        /*FileWithoutDebugInfo=*/true);
        Errors = true;
        continue;
      }
      if (Renamed.insert(C).second) // once, also for its other members
        Renamed.insert(renameComdat(M, *C, Name));
    }
    Map.try_emplace(
        &GV, Annotation{Role::Data, Name.str(), "", 0, /*claimed=*/true});
  }
}

// Vtables, VTTs and type_info objects and names: constants that every
// domain's code reads (virtual calls, dynamic_cast, exceptions).
bool isCxxAbiObject(const GlobalVariable &GV) {
  StringRef N = GV.getName();
  return GV.isConstant() && (N.starts_with("_ZTV") || N.starts_with("_ZTT") ||
                             N.starts_with("_ZTI") || N.starts_with("_ZTS"));
}

// A comdat variable (a C++ inline function's static, a template's static
// member, an inline variable) may be defined in several translation units,
// and the linker keeps one of them: the compartment's copy, placed on its
// pages, or another domain's, in key 0. So the compartment's copy, and
// everything in its comdat, gets a name of its own, NAME.bulkhead.<c>, in
// a comdat of that name: every module of compartment c agrees on it, and no
// other domain's module can define or refer to it. The default domain's
// code using the same inline function gets a separate object.
Comdat *Annotations::renameComdat(Module &M, Comdat &C, StringRef Name) {
  std::string Suffix = (".bulkhead." + Name).str();
  Comdat *New = M.getOrInsertComdat((C.getName() + Suffix).str());
  New->setSelectionKind(C.getSelectionKind());
  SmallVector<GlobalObject *, 4> Members;
  for (GlobalObject &GO : M.global_objects())
    if (GO.getComdat() == &C)
      Members.push_back(&GO);
  for (GlobalObject *GO : Members) {
    GO->setComdat(New);
    if (!GO->hasLocalLinkage())
      GO->setName(GO->getName() + Suffix);
  }
  return New;
}

const Annotation *Annotations::find(const GlobalValue *GV) const {
  auto It = Map.find(GV);
  return It == Map.end() ? nullptr : &It->second;
}

} // namespace bulkhead
