// Annotations.h - reads BULKHEAD_DATA / BULKHEAD_ENTRY / BULKHEAD_INTERNAL
// from llvm.global.annotations and assigns every global its domain.
#ifndef BULKHEAD_ANNOTATIONS_H
#define BULKHEAD_ANNOTATIONS_H

#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/StringRef.h"
#include <string>

namespace llvm {
class Comdat;
class GlobalValue;
class GlobalVariable;
class Module;
} // namespace llvm

namespace bulkhead {

enum class Role { Data, Entry, Internal };

struct Annotation {
  Role role;
  std::string compartment; // a C identifier, never empty
  std::string file;        // where the annotation was written
  unsigned line = 0;
  bool claimed = false; // by -fpkey-compartment=NAME, not written in the source
};

// The annotations of one module. Errors (unknown or malformed annotations,
// two compartments on one symbol, a data annotation on a function, ...) are
// reported through the module's LLVMContext as they are found.
class Annotations {
public:
  static Annotations read(llvm::Module &M);

  // Null for a global without a Bulkhead annotation.
  const Annotation *find(const llvm::GlobalValue *GV) const;
  // In the order they were read (the module's), so that what the pass
  // makes from them comes out in the same order in every build.
  const llvm::MapVector<const llvm::GlobalValue *, Annotation> &all() const {
    return Map;
  }
  bool hadErrors() const { return Errors; }

  // Gives every global defined in the module that has no annotation of its
  // own to compartment `Name`: functions with external linkage become
  // entries, the rest internal; variables become compartment data. This is
  // -fpkey-compartment=NAME, which compartmentalizes a whole library.
  void claimWholeModule(llvm::Module &M, llvm::StringRef Name);

private:
  llvm::Comdat *renameComdat(llvm::Module &M, llvm::Comdat &C,
                             llvm::StringRef Name);
  void add(llvm::GlobalValue *GV, llvm::StringRef Text, llvm::StringRef File,
           unsigned Line);
  llvm::MapVector<const llvm::GlobalValue *, Annotation> Map;
  bool Errors = false;
};

bool isCIdentifier(llvm::StringRef Name);
bool isCxxAbiObject(const llvm::GlobalVariable &GV);

} // namespace bulkhead

#endif
