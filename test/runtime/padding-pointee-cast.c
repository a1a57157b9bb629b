// A correctness check (review 89a's note, no secret). A struct read
// through a pointer cast to another struct type, `*(struct four *)p` of a
// `struct small *p`, is loaded from p as that struct's integer; the record
// p's debug type points to is not that struct, and its padding (bytes 1-3
// of small) cleared byte 1 of four's lo and its hi. A pointer's record now counts
// only for a load of all of it (a 16-byte record's two halves: see
// docs/threat-model.md).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s %S/Inputs/pointee-cast-sink.c -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s %S/Inputs/pointee-cast-sink.c -o %t0
// RUN: %run %t0 | FileCheck %s
// CHECK: four: lo 0x3344 hi 0x1122
#include "Inputs/check.h"

struct small { char check; int n; };
struct four { short lo, hi; };
void keep_four(struct four f);

BULKHEAD_DATA(vault) struct small *vault_p;

BULKHEAD_ENTRY(vault) void vault_pass(void) {
  if (!vault_p)
    vault_p = calloc(1, sizeof *vault_p);
  int v = 0x11223344;
  memcpy(vault_p, &v, 4);
  keep_four(*(struct four *)vault_p);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  vault_pass();
  return 0;
}
