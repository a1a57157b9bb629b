// AsmAllowlist.cpp - see AsmAllowlist.h.
#include "AsmAllowlist.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace llvm;

namespace bulkhead {

bool AsmAllowlist::load(StringRef Path, std::string &Error) {
  auto Buf = MemoryBuffer::getFile(Path, /*IsText=*/true);
  if (!Buf) {
    Error = ("cannot read " + Path + ": " + Buf.getError().message()).str();
    return false;
  }
  SmallVector<StringRef, 32> Lines;
  (*Buf)->getBuffer().split(Lines, '\n');
  for (unsigned N = 0; N < Lines.size(); ++N) {
    StringRef Line = Lines[N].split('#').first.trim();
    if (Line.empty())
      continue;
    auto [Key, Reason] = Line.split(' ');
    if (Key.contains('\t'))
      std::tie(Key, Reason) = Line.split('\t');
    Reason = Reason.trim();
    Entry E{"", "", 0, Reason.str()};
    auto [File, At] = Key.rsplit(':');
    if (At.empty() && !Key.ends_with(":")) {
      E.Function = Key.str();
    } else if (At == "*") {
      E.File = File.str();
    } else if (At.getAsInteger(10, E.Line) || E.Line == 0 || File.empty()) {
      Error = (Path + ":" + Twine(N + 1) + ": '" + Key +
               "' is not FUNCTION, FILE:LINE or FILE:*")
                  .str();
      return false;
    } else {
      E.File = File.str();
    }
    if (Reason.empty()) {
      Error = (Path + ":" + Twine(N + 1) + ": entry '" + Key +
               "' has no reason: say why this asm may write PKRU")
                  .str();
      return false;
    }
    Entries.push_back(std::move(E));
  }
  return true;
}

// Entry is the path or a trailing part of it that starts after a '/'.
static bool sameFile(StringRef Entry, StringRef Path) {
  return Path == Entry ||
         (Path.ends_with(Entry) && Path[Path.size() - Entry.size() - 1] == '/');
}

const std::string *AsmAllowlist::lookup(StringRef Function, StringRef File,
                                        unsigned Line) const {
  for (const Entry &E : Entries) {
    if (!E.Function.empty()
            ? E.Function == Function
            : sameFile(E.File, File) && (E.Line == 0 || E.Line == Line))
      return &E.Reason;
  }
  return nullptr;
}

} // namespace bulkhead
