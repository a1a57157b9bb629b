// Review 89b, attacker model B (the default domain's code keeps what a
// call out of the vault passes it). clang emits no debug record for a
// class template's implicit specialization that no variable, function,
// member or explicit cast of the file names: -debug-info-kind=unused-types
// gives every *declared* record, not these. TP<char> {char c; alignas(4)
// char d;} is IR {i8, [3 x i8], i8, [3 x i8]}, reached here only through an
// external function's result and parameter (tp_at(p)[i]). Before, the
// name lookup took an unrelated, never used other::TP {char c; char
// p1[3]; char d; char p2[3];} of one IR structure for it: its layout made
// the [3 x i8] data, and bytes 1-3 and 5-7 of the vault's key word, copied
// over the record, went to the default-domain callee (ATTACK SUCCEEDED 2 of
// 2 runs in the guest, -O2 and -O0). With other::TP ruled out by its
// namespace (padding-rev89b-template-record.cpp), TP<char> has no layout
// and its IR type alone cannot tell an [N x i8] of padding from a char
// array: the open "no definition of the struct" case of
// docs/threat-model.md. Fixed from -O1 on: keep_tp's parameter (clang
// describes the callee of a call from -O1 on, and with it TP<char>) gives
// the record (RecordLayouts.cpp argumentPieces). Open at -O0:
// attacks-rev89b-template-padding-O0.test.
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 %s %S/Inputs/rev89b-template-sink.cpp -o %t
// RUN: %run %t | FileCheck %s
// CHECK: TP<char>: c 90 d 68
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: key bits in the padding: none
#include "Inputs/check.h"
#include "Inputs/vault-word.h"

template <class T> struct TP { T c; alignas(4) char d; };
namespace other {
struct TP { char c; char p1[3]; char d; char p2[3]; }; // never used
} // namespace other
void keep_tp(TP<char> r);
TP<char> *tp_at(void *p); // the default domain's: returns p
extern unsigned char seen_tp[8];

BULKHEAD_DATA(vault) void *vault_heap;

BULKHEAD_ENTRY(vault) void vault_give(int i) {
  if (!vault_heap)
    vault_heap = calloc(4, 8);
  uint64_t w = vault_word(vault_i);
  memcpy((char *)vault_heap + 8 * i, &w, 8);
  tp_at(vault_heap)[i].c = 'Z';
  tp_at(vault_heap)[i].d = 'D';
  keep_tp(tp_at(vault_heap)[i]);
}

int main() {
  setvbuf(stdout, NULL, _IONBF, 0);
  vault_give(1);
  printf("TP<char>: c %d d %d\n", seen_tp[0], seen_tp[4]);
  int found = key_bits_in("TP<char> 1-3", seen_tp, 1, 4, 0xff);
  found |= key_bits_in("TP<char> 5-7", seen_tp, 5, 8, 0xff);
  printf("key bits in the padding: %s\n", found ? "some" : "none");
  return 0;
}
