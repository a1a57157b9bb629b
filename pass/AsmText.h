// AsmText.h - PKRU writers spelled out in assembly text: the mnemonics
// wrpkru, xrstor(64) and xrstors(64), and their bytes in data directives
// (.byte 0x0f, 0x01, 0xef and the like).
#ifndef BULKHEAD_ASM_TEXT_H
#define BULKHEAD_ASM_TEXT_H

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/StringSet.h"

#include <string>
#include <vector>

namespace bulkhead {

struct AsmWriter {
  unsigned Line;    // 0-based line of the asm text where it is spelled
  std::string What; // e.g. "WRPKRU ('wrpkru')"
};

// Reads AT&T or Intel syntax as GNU as does: '#' comments, ';' between
// statements, labels. Data directives with literal values (.byte, .short,
// .long, .quad and their aliases, .ascii, .asciz, .string) are joined into
// one byte stream until another kind of statement; bytes that an expression
// or an instruction contributes are not known here (the link-time scan sees
// them).
std::vector<AsmWriter> findPkruWriters(llvm::StringRef Asm);

// The symbol assignments of module-level assembly: aliases the IR never
// sees (docs/design.md, step 5 and step 7).
struct AsmAliases {
  llvm::StringMap<std::string> Equates; // A -> B, for `.set A, B` and kin
  llvm::StringSet<> Globals;            // names made .globl or .weak
  // The name Name's chain of assignments ends in (Name if none).
  std::string finalTarget(llvm::StringRef Name) const;
};

// Reads `.set A, B`, `.equ`, `.equiv`, `.eqv` and `A = B` with B a plain
// name; an expression (`f+0`) is not read.
AsmAliases readAsmAliases(llvm::StringRef Asm);

} // namespace bulkhead

#endif
