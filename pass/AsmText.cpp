// AsmText.cpp - see AsmText.h.
#include "AsmText.h"
#include "GadgetBytes.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"

#include <optional>

using namespace llvm;

namespace bulkhead {

// Text up to the first C outside a string literal (C itself excluded).
static StringRef untilUnquoted(StringRef S, char C) {
  bool Quoted = false;
  for (size_t I = 0; I < S.size(); ++I) {
    if (Quoted && S[I] == '\\')
      ++I;
    else if (S[I] == '"')
      Quoted = !Quoted;
    else if (!Quoted && S[I] == C)
      return S.take_front(I);
  }
  return S;
}

// Splits S at every C outside string literals.
static SmallVector<StringRef, 4> splitUnquoted(StringRef S, char C) {
  SmallVector<StringRef, 4> Parts;
  while (true) {
    StringRef Part = untilUnquoted(S, C);
    Parts.push_back(Part);
    if (Part.size() == S.size())
      return Parts;
    S = S.drop_front(Part.size() + 1);
  }
}

// Drops leading labels ("1:", "loop:").
static StringRef dropLabels(StringRef S) {
  while (true) {
    S = S.ltrim();
    size_t N = 0;
    while (N < S.size() &&
           (isAlnum(S[N]) || S[N] == '_' || S[N] == '.' || S[N] == '$'))
      ++N;
    if (N == 0 || N >= S.size() || S[N] != ':')
      return S;
    S = S.drop_front(N + 1);
  }
}

// The size in bytes of each value of a data directive, 0 for strings, or
// nothing if Name is not one.
static std::optional<unsigned> dataDirective(StringRef Name) {
  static const struct {
    const char *Name;
    unsigned Size;
  } Directives[] = {{".byte", 1},  {".2byte", 2}, {".short", 2}, {".value", 2},
                    {".word", 2},  {".hword", 2}, {".4byte", 4}, {".long", 4},
                    {".int", 4},   {".8byte", 8}, {".quad", 8},  {".ascii", 0},
                    {".asciz", 0}, {".string", 0}};
  for (const auto &D : Directives)
    if (Name.equals_insensitive(D.Name))
      return D.Size;
  return std::nullopt;
}

// An integer literal as GNU as reads it: 0x.., 0b.., 0.. (octal), decimal,
// 'c', with an optional sign.
static std::optional<uint64_t> literal(StringRef S) {
  S = S.trim();
  bool Negative = S.consume_front("-");
  uint64_t V;
  if (S.size() >= 2 && S.front() == '\'')
    V = (unsigned char)S[1];
  else if (S.starts_with_insensitive("0b")) {
    if (S.drop_front(2).getAsInteger(2, V))
      return std::nullopt;
  } else if (S.getAsInteger(0, V)) // 0x, leading 0 (octal), decimal
    return std::nullopt;
  return Negative ? 0 - V : V;
}

// The bytes of the string literals in S (.ascii "..." , "..."), with C
// escapes; a terminating zero after each for .asciz and .string.
static void stringBytes(StringRef S, bool Zero, SmallVectorImpl<uint8_t> &Out) {
  for (size_t I = 0; I < S.size(); ++I) {
    if (S[I] != '"')
      continue;
    for (++I; I < S.size() && S[I] != '"'; ++I) {
      if (S[I] != '\\' || I + 1 == S.size()) {
        Out.push_back((uint8_t)S[I]);
        continue;
      }
      char E = S[++I];
      if (E == 'x' || E == 'X') {
        unsigned V = 0, N = 0;
        while (I + 1 < S.size() && isHexDigit(S[I + 1]) && N++ < 2)
          V = V * 16 + hexDigitValue(S[++I]);
        Out.push_back((uint8_t)V);
      } else if (E >= '0' && E <= '7') {
        unsigned V = E - '0', N = 1;
        while (I + 1 < S.size() && S[I + 1] >= '0' && S[I + 1] <= '7' &&
               N++ < 3)
          V = V * 8 + (S[++I] - '0');
        Out.push_back((uint8_t)V);
      } else {
        switch (E) {
        case 'n':
          E = '\n';
          break;
        case 't':
          E = '\t';
          break;
        case 'r':
          E = '\r';
          break;
        case 'b':
          E = '\b';
          break;
        case 'f':
          E = '\f';
          break;
        }
        Out.push_back((uint8_t)E);
      }
    }
    if (Zero)
      Out.push_back(0);
  }
}

// The mnemonics that write PKRU, as the first word of an instruction or
// after prefixes: any word of the statement outside string literals.
static std::optional<std::string> mnemonic(StringRef Statement) {
  StringRef Code = untilUnquoted(Statement, '"');
  SmallVector<StringRef, 8> Words;
  SplitString(Code, Words, " \t,{}()[]*+-%$:");
  for (StringRef W : Words) {
    std::string L = W.lower();
    if (L == "wrpkru")
      return "WRPKRU ('" + W.str() + "')";
    if (L == "xrstor" || L == "xrstor64")
      return "XRSTOR ('" + W.str() + "')";
    if (L == "xrstors" || L == "xrstors64")
      return "XRSTORS ('" + W.str() + "')";
  }
  return std::nullopt;
}

std::vector<AsmWriter> findPkruWriters(StringRef Asm) {
  std::vector<AsmWriter> Found;
  SmallVector<uint8_t, 32> Data; // consecutive data directives' bytes
  SmallVector<StringRef, 32> Lines;
  Asm.split(Lines, '\n');
  for (unsigned Line = 0; Line < Lines.size(); ++Line) {
    for (StringRef Statement :
         splitUnquoted(untilUnquoted(Lines[Line], '#'), ';')) {
      Statement = dropLabels(Statement).rtrim();
      if (Statement.empty())
        continue;
      StringRef Name = Statement.take_until([](char C) { return isSpace(C); });
      std::optional<unsigned> Size = dataDirective(Name);
      if (!Size) {
        Data.clear();
        if (std::optional<std::string> What = mnemonic(Statement))
          Found.push_back({Line, *What});
        continue;
      }
      StringRef Operands = Statement.drop_front(Name.size());
      if (*Size == 0) {
        stringBytes(Operands, Name.lower() != ".ascii", Data);
      } else {
        for (StringRef Value : splitUnquoted(Operands, ',')) {
          std::optional<uint64_t> V = literal(Value);
          if (!V) { // an expression: bytes unknown here
            Data.clear();
            continue;
          }
          for (unsigned B = 0; B < *Size; ++B)
            Data.push_back((uint8_t)(*V >> (8 * B)));
        }
      }
      size_t At = findGadget(Data);
      if (At == Data.size())
        continue;
      std::string What = gadgetName(Data[At + 1], Data[At + 2]);
      What += " in its data bytes (";
      for (unsigned B = 0; B < 3; ++B)
        What += (B ? " " : "") + utohexstr(Data[At + B], /*LowerCase=*/true, 2);
      Found.push_back({Line, What + ")"});
      Data.clear();
    }
  }
  return Found;
}

AsmAliases readAsmAliases(StringRef Asm) {
  AsmAliases Result;
  auto IsName = [](StringRef N) {
    return !N.empty() &&
           N.find_first_not_of("abcdefghijklmnopqrstuvwxyz"
                               "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                               "0123456789_.$") == StringRef::npos;
  };
  SmallVector<StringRef, 16> Lines;
  Asm.split(Lines, '\n');
  for (StringRef Line : Lines) {
    SmallVector<StringRef, 4> Stmts;
    Line.split(Stmts, ';');
    for (StringRef S : Stmts) {
      S = S.split('#').first.trim();
      size_t Space = S.find_first_of(" \t");
      StringRef Op = S.substr(0, Space);
      StringRef Rest = Space == StringRef::npos ? "" : S.substr(Space).trim();
      if (Op == ".globl" || Op == ".global" || Op == ".weak") {
        SmallVector<StringRef, 4> Names;
        Rest.split(Names, ',');
        for (StringRef N : Names)
          Result.Globals.insert(N.trim());
        continue;
      }
      StringRef Name, Value;
      if (Op == ".set" || Op == ".equ" || Op == ".equiv" || Op == ".eqv")
        std::tie(Name, Value) = Rest.split(',');
      else if (S.contains('=') && !S.starts_with("."))
        std::tie(Name, Value) = S.split('=');
      Name = Name.trim();
      Value = Value.trim();
      if (IsName(Name) && IsName(Value))
        Result.Equates[Name] = Value.str();
    }
  }
  return Result;
}

std::string AsmAliases::finalTarget(StringRef Name) const {
  std::string Target = Name.str();
  // Bounded: `.set a, b` and `.set b, a` is the assembler's error.
  for (int Hops = 0; Hops < 8 && Equates.count(Target); ++Hops)
    Target = Equates.lookup(Target);
  return Target;
}

} // namespace bulkhead
