// A program's own replacement operator new and delete still link and are
// the ones used: the runtime's (runtime/cxx.c) are weak.
// RUN: %bulkhead_clangxx -fpkey-compartments -O0 %s -o %t && %t | FileCheck %s
// CHECK: own new used: 1
#include <cstdio>
#include <cstdlib>
#include <new>

static int mine;
void *operator new(std::size_t n) {
  mine++;
  return std::malloc(n);
}
void operator delete(void *p) noexcept { std::free(p); }

int main() {
  int *p = new int(3);
  delete p;
  std::printf("own new used: %d\n", mine);
}
