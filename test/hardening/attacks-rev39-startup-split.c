// Review 39, attacker B (the default domain's program counter, any system
// call the filter allows), with a plain start-up library that makes code
// in its constructor (a JIT's start, say). Executable memory that no
// object in ld.so's list holds is searched whole, mapping by mapping, at
// start-up and again once the filter is in place (runtime/gadgets.c
// check_mapping); after that the supervisor judges each new executable
// mapping with its neighbours (supervisor-exec.c risky_edge: no mapping
// may begin or end with part of a PKRU write). The start-up search has no
// such edge rule: a WRPKRU split over two adjacent mappings is in neither
// (a match must start at least three bytes before a mapping's end).
//
// Here Inputs/rev39-split-lib.c maps A (anonymous, r-x, ending in 0F 01)
// and right after it B (r-x, starting with EF C3), kept two mappings by
// MADV_DONTFORK on A alone. The program starts (no stop), and main, with
// eax = ecx = edx = 0, calls A's last two bytes: WRPKRU, ret; PKRU 0, and
// it copies the vault's data.
//
// Seen in the guest (Debian's 6.1.0-57, as root): ATTACK SUCCEEDED
// ("the joint bytes of two start-up mappings read ..."), 3 runs of 3
// (lit, this test alone). The control, the same library without
// MADV_DONTFORK (one mapping, built by hand), stopped the program before
// main: "executable memory at 0x5a5a00000ffe (anonymous memory) that no
// object in ld.so's list holds has WRPKRU bytes".
//
// Suggested fix: in check_mapping, judge each executable mapping's first
// and last two bytes as the supervisor does (risky_edge) when its
// neighbour is executable (or simply always), or search adjacent
// executable mappings as one range; also the edges of listed objects'
// executable pages against an executable neighbour that is no object's.
//
// Fixed: the start-up search (before and after the filter) searches the
// two bytes on each side of every edge between two executable mappings
// together, unless one object's search reads them whole; the program
// stops before main with one line.
// REQUIRES: pku
// RUN: rm -rf %t && mkdir -p %t
// RUN: %clang -O1 -shared -fPIC %S/Inputs/rev39-split-lib.c -o %t/libsplit.so
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -L%t -Wl,--no-as-needed -lsplit -Wl,-rpath,%t -o %t/prog
// RUN: %run %t/prog > %t/out 2>&1 || true
// RUN: FileCheck %s < %t/out
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: bulkhead: {{.*}}the executable mappings that meet at 0x{{[0-9a-f]+}} (the second anonymous) make WRPKRU bytes at 0x{{[0-9a-f]+}} together
// CHECK-NOT: ATTACK SUCCEEDED
#include "Inputs/target.h"

extern unsigned char *rev39_split;

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  printf("vault intact: %d\n", vault_data_intact());
  printf("split code made before main: %s\n", rev39_split ? "yes" : "no");
  if (!rev39_split)
    return 1;
  static char out[48];
  JUMP_AND_READ(rev39_split, out);
  report_read("the joint bytes of two start-up mappings", out);
  return 0;
}
