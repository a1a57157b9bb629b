// C++ `new` in a compartment allocates from the compartment's own heap,
// and `delete` gives it back there; `new` in the default domain uses the
// shared heap. Before, libmimalloc's own operator new preempted
// libstdc++'s: a compartment's objects landed in the shared heap, readable
// by everyone, and the shared heap's allocator ran with the compartment's
// rights on key-0 bookkeeping (docs/heaps.md; runtime/cxx.c). Arrays,
// aligned and nothrow forms too, and bad_alloc still thrown.
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 %s -o %t && %run %t | FileCheck %s
// RUN: %bulkhead_clangxx -fpkey-compartments -O0 %s -o %t0 && %run %t0 | FileCheck %s
// CHECK: default: shared heap
// CHECK-NEXT: vault: own heap, 4 objects
// CHECK-NEXT: bad_alloc
#include "Inputs/check.h"
#include <new>

struct alignas(64) Wide {
  char bytes[64];
};

struct Session {
  char key[32];
};

BULKHEAD_DATA(vault) static int where[4];

BULKHEAD_ENTRY(vault) int vault_allocate(void) {
  Session *s = new Session();
  int *v = new int[100];
  Wide *w = new Wide();
  Session *t = new (std::nothrow) Session();
  where[0] = page_pkey(s), where[1] = page_pkey(v);
  where[2] = page_pkey(w), where[3] = page_pkey(t);
  int aligned = ((uintptr_t)w % 64) == 0;
  delete s;
  delete[] v;
  delete w;
  delete t;
  int key = bulkhead_compartment_pkey("vault"), own = 0;
  for (int k : where)
    own += k == key;
  return aligned ? own : -1;
}

static volatile size_t huge = (size_t)1 << 62;

BULKHEAD_ENTRY(vault) int vault_too_much(void) {
  try {
    char *p = new char[huge];
    delete[] p;
    return 0;
  } catch (const std::bad_alloc &) {
    return 1;
  }
}

int main() {
  int *mine = new int(7);
  CHECK(page_pkey(mine) == 0);
  printf("default: shared heap\n");
  delete mine;
  printf("vault: own heap, %d objects\n", vault_allocate());
  CHECK(vault_too_much());
  printf("bad_alloc\n");
  return 0;
}
