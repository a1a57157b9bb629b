// Review 86b (a correctness finding, no attacker needed). Record layouts
// found by name (pass/RecordLayouts.cpp relateByName) matched an IR struct
// type to a debug record of the same name that is another struct: here the
// file-scope struct pt {int x; int y;} has no variable, no global and no
// function defined in this file whose type names it (show is defined in
// another object), so the debug information has no record of it; clang
// named its IR type struct.pt, and the function-local struct pt
// {char tag; int n;} (IR struct.pt.0) is the only debug record named "pt".
// Same size, no gap of the IR type's that the local one calls data: the
// pass took the local one's layout for struct.pt and masked bytes 1-3 of x
// as padding when the vault passed the record to show: "x 0x44", in the
// guest 1 of 1 at -O2 (and natively at -O0 and -O2). The same with a
// local struct pq known only through a pointer (no IR type of its own,
// struct.pq the file-scope one's). Fixed: a name finds a layout only when
// one IR struct type has it (struct.pt, no struct.pt.N), and only a
// record outside a function.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -DSHOW -c %s -o %t.show.o
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s %t.show.o -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s %t.show.o -o %t0
// RUN: %run %t0 | FileCheck %s
// CHECK: show: x 0x11223344 y 0x7
// CHECK: show pq: x 0x11223344 y 0x7
// CHECK: other: tag 1 n 2 pq (nil)
#include "Inputs/check.h"

struct pt { /* no variable of it in this file */
  int x;
  int y;
};

struct pq { /* the same, found by the name of a pointer's local record */
  int x;
  int y;
};

#ifdef SHOW
void show(struct pt p) { printf("show: x %#x y %#x\n", p.x, p.y); }
void show_pq(struct pq p) { printf("show pq: x %#x y %#x\n", p.x, p.y); }
void *keep(void *p) { return p; }
#else
void show(struct pt p);
void show_pq(struct pq p);
void *keep(void *p);

BULKHEAD_DATA(vault) volatile int vault_x = 0x11223344;

BULKHEAD_ENTRY(vault) void vault_show(void) {
  show((struct pt){vault_x, 7}); /* a compound literal: no variable */
  show_pq((struct pq){vault_x, 7});
}

void other(void) {
  struct pt { /* the only record named "pt" in the debug information */
    char tag;
    int n;
  } l = {1, 2};
  struct pq { /* through a pointer only: no IR type */
    char tag;
    int n;
  } *lp = keep(0);
  printf("other: tag %d n %d pq %p\n", l.tag, l.n, (void *)lp);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  vault_show();
  other();
  return 0;
}
#endif
