// AsmAllowlist.h - the inline assembly that may write PKRU on purpose
// (-bulkhead-asm-allow=FILE; the driver's -fpkey-asm-allow=FILE).
//
// One entry a line, '#' starts a comment:
//
//   KEY          REASON (required)
//   set_pkru     JIT's own PKRU switch, reviewed in SECURITY.md
//   src/jit.c:42 ...
//   src/jit.c:*  ...
//
// KEY is a function's symbol name (every asm statement in it), FILE:LINE
// (the asm statement at that line, as debug info records it: needs -g), or
// FILE:* (every asm statement of FILE, file-scope asm included). FILE is
// the path as the compiler sees it or a trailing part of it after a '/'.
#ifndef BULKHEAD_ASM_ALLOWLIST_H
#define BULKHEAD_ASM_ALLOWLIST_H

#include "llvm/ADT/StringRef.h"

#include <string>
#include <vector>

namespace bulkhead {

class AsmAllowlist {
public:
  // Reads Path; on a bad file returns false with Error set.
  bool load(llvm::StringRef Path, std::string &Error);
  // The reason that allows asm in Function at File:Line (Line 0: unknown,
  // Function empty: file-scope asm), or null.
  const std::string *lookup(llvm::StringRef Function, llvm::StringRef File,
                            unsigned Line) const;

private:
  struct Entry {
    std::string Function, File; // one of the two
    unsigned Line;              // 0: any line of File
    std::string Reason;
  };
  std::vector<Entry> Entries;
};

} // namespace bulkhead

#endif
