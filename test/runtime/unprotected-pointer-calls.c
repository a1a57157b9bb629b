// Without protection keys and with BULKHEAD_ALLOW_UNPROTECTED=1, a
// compartment entered through its thunk (the caller does not see the
// annotation, as with a whole library built by flags) runs on its caller's
// stack, since the thunk finds the rights already held. Its pointer calls
// out and back must still return: the way back of the trampoline that
// leaves the compartment checked the caller's stack against the
// compartment's arena even when nothing was enforced, and stopped the
// program with SIGILL (zlib's minigzip, whose zlib calls its own zcalloc
// through strm->zalloc).
// UNSUPPORTED: pku-native
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -DLIB -c -o %t.lib.o
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s %t.lib.o -o %t
// RUN: env BULKHEAD_ALLOW_UNPROTECTED=1 %t 2>&1 | FileCheck %s
// CHECK: warning: memory protection keys are unavailable
// CHECK: sum 55, outside 10
#include <stdio.h>
#ifdef LIB
#include <bulkhead.h>
BULKHEAD_DATA(lib) static int total;
BULKHEAD_INTERNAL(lib) static int add(int x) { return total += x; }
BULKHEAD_ENTRY(lib) int lib_sum(int n, void (*each)(int)) {
  int (*volatile step)(int) = add; // the compartment's own pointer call
  total = 0;
  for (int i = 1; i <= n; i++) {
    step(i);
    each(i); // and a call out to the caller's function
  }
  return total;
}
#else
int lib_sum(int n, void (*each)(int)); // no annotation: the thunk
static int outside;
static void count(int i) { (void)i; outside++; }
int main(void) {
  printf("sum %d, outside %d\n", lib_sum(10, count), outside);
  return 0;
}
#endif
