// DomainAnalysis.h - the domain analysis: where each function's code runs
// (a compartment, the default domain, or shared with its caller), which
// functions are helpers (copied into each compartment that calls them) and
// which are entries. Computed once from the annotations, before anything
// is rewritten (wrapping a function changes whether its address is taken);
// the transformations (CompartmentPass.cpp and the files it lists) read it
// and record the copies they make. `opt -passes='print<bulkhead-domains>'`
// prints it.
#ifndef BULKHEAD_PASS_DOMAINANALYSIS_H
#define BULKHEAD_PASS_DOMAINANALYSIS_H

#include "Annotations.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"
#include "llvm/IR/PassManager.h"

#include <string>

namespace llvm {
class Function;
class raw_ostream;
} // namespace llvm

namespace bulkhead {

// Where a function's code runs. Unannotated functions defined in this module
// are default-domain code, except helpers (see isSharedHelper); unannotated
// declarations are shared library code (libc and the like). Shared code runs
// with the rights of whoever calls it.
struct Domain {
  enum Kind { Shared, Default, Compartment } kind;
  llvm::StringRef name; // for Compartment
  bool operator==(const Domain &O) const {
    return kind == O.kind && name == O.name;
  }
  std::string describe() const {
    return kind == Compartment ? ("compartment '" + name + "'").str()
                               : std::string("the default domain");
  }
};
inline const Domain DefaultDomain{Domain::Default, ""};

// Unannotated helpers are part of whichever code calls them, like a macro:
// an inline function, or a static function whose address is never taken.
bool isSharedHelper(const llvm::Function &F);

class DomainInfo {
public:
  // Classifies every function of M, whose annotations are A.
  DomainInfo(llvm::Module &M, const Annotations &A);

  Domain domainOf(const llvm::Function &F) const;
  // A function the transformations made (a helper's copy for a
  // compartment) runs in D; one they deleted is forgotten.
  void record(const llvm::Function &F, const Domain &D) { Domains[&F] = D; }
  bool knows(const llvm::Function &F) const { return Domains.count(&F); }
  void forget(const llvm::Function &F) { Domains.erase(&F); }

  // An entry (BULKHEAD_ENTRY, or a whole library's external function).
  bool isEntry(const llvm::Function &F) const;
  // A BULKHEAD_INTERNAL function written in the source.
  bool isStrictInternal(const llvm::Function &F) const;

  // One line per function of M, in module order: its name, its domain and
  // its role (entry, internal, helper, declaration).
  void print(llvm::raw_ostream &OS, const llvm::Module &M) const;

private:
  Domain classify(const llvm::Function &F) const;
  const Annotations &A;
  llvm::DenseMap<const llvm::Function *, Domain> Domains;
};

// print<bulkhead-domains>: the analysis of a module, on stderr.
struct PrintDomainsPass : llvm::PassInfoMixin<PrintDomainsPass> {
  llvm::PreservedAnalyses run(llvm::Module &M, llvm::ModuleAnalysisManager &);
};

} // namespace bulkhead

#endif
