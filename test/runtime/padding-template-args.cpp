// A correctness check (no secret). Two specializations of one class
// template can share an IR structure and differ in padding: W<char[3]>
// ({i8, [3 x i8]}, no padding) and W<short> ({i8, i16}, byte 1 padding).
// Clang emits no debug record of an implicit specialization that no
// variable, definition or cast of the file names, so W<char[3]>, only the
// result and argument of other files' functions here, has none, and
// W<short>, named by a pointer, had the only one of the IR type's name and
// gave its layout: byte 1 of the char array ('b') was cleared as padding
// when the vault passed make()'s result on. A class template's
// specialization now finds no layout by name.
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 %s %S/Inputs/template-args-sink.cpp -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clangxx -fpkey-compartments -O0 %s %S/Inputs/template-args-sink.cpp -o %t0
// RUN: %run %t0 | FileCheck %s
// CHECK: kept: abcd
#include "Inputs/check.h"

template <class T> struct W { char c; T v; };
W<short> *named_by_a_pointer;
static_assert(sizeof(W<short>) == 4, "a complete W<short>");
W<char[3]> make();
void keep(W<char[3]> w);

BULKHEAD_ENTRY(vault) void vault_pass(void) { keep(make()); }

int main() {
  setvbuf(stdout, NULL, _IONBF, 0);
  vault_pass();
  return named_by_a_pointer != nullptr;
}
