// DomainAnalysis.cpp - see DomainAnalysis.h.
#include "DomainAnalysis.h"

#include "llvm/IR/Function.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

namespace bulkhead {

// Decided on the IR as clang emits it, before any optimisation, so every
// -O level gives the same answer (at -O0 clang no longer marks `inline`,
// hence linkage counts). One whose address is taken is a callback:
// default-domain code.
bool isSharedHelper(const Function &F) {
  if (F.hasFnAttribute(Attribute::InlineHint) ||
      F.hasFnAttribute(Attribute::AlwaysInline) || F.hasLinkOnceODRLinkage() ||
      F.hasAvailableExternallyLinkage())
    return true;
  return F.hasLocalLinkage() &&
         !F.hasAddressTaken(nullptr, /*IgnoreCallbackUses=*/false,
                            /*IgnoreAssumeLikeCalls=*/true,
                            /*IgnoreLLVMUsed=*/true);
}

DomainInfo::DomainInfo(Module &M, const Annotations &A) : A(A) {
  for (Function &F : M)
    Domains.try_emplace(&F, classify(F));
}

Domain DomainInfo::classify(const Function &F) const {
  if (const Annotation *Ann = A.find(&F))
    return {Domain::Compartment, Ann->compartment};
  if (F.isDeclaration() || isSharedHelper(F))
    return {Domain::Shared, ""};
  return {Domain::Default, ""};
}

// Functions made after the analysis (wrappers, thunks, trampolines) are
// classified as they are asked about.
Domain DomainInfo::domainOf(const Function &F) const {
  auto It = Domains.find(&F);
  return It != Domains.end() ? It->second : classify(F);
}

bool DomainInfo::isEntry(const Function &F) const {
  const Annotation *Ann = A.find(&F);
  return Ann && Ann->role == Role::Entry;
}

bool DomainInfo::isStrictInternal(const Function &F) const {
  const Annotation *Ann = A.find(&F);
  return Ann && Ann->role == Role::Internal && !Ann->claimed;
}

void DomainInfo::print(raw_ostream &OS, const Module &M) const {
  OS << "bulkhead domains of '" << M.getModuleIdentifier() << "':\n";
  for (const Function &F : M) {
    if (F.isIntrinsic())
      continue;
    Domain D = domainOf(F);
    OS << "  " << F.getName() << ": ";
    switch (D.kind) {
    case Domain::Compartment:
      OS << "compartment " << D.name;
      break;
    case Domain::Default:
      OS << "default";
      break;
    case Domain::Shared:
      OS << "shared";
      break;
    }
    if (isEntry(F))
      OS << ", entry";
    else if (const Annotation *Ann = A.find(&F);
             Ann && Ann->role == Role::Internal)
      OS << (Ann->claimed ? ", internal (whole library)" : ", internal");
    if (F.isDeclaration())
      OS << ", declaration";
    else if (D.kind == Domain::Shared)
      OS << ", helper";
    OS << "\n";
  }
}

PreservedAnalyses PrintDomainsPass::run(Module &M, ModuleAnalysisManager &) {
  Annotations A = Annotations::read(M);
  DomainInfo(M, A).print(errs(), M);
  return PreservedAnalyses::all();
}

} // namespace bulkhead
