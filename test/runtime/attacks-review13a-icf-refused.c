// A false refusal (review 13a; no attacker). lld's identical code folding
// (-Wl,--icf=all, or =safe) keeps one copy of functions whose bytes and
// relocations are the same and points every one of their names at it.
// When a default-domain function (app_answer, marked) and a function of a
// library built without Bulkhead (lib_answer, unmarked, shared code) are
// folded, lib_answer's name lies at app_answer's address, and the link
// check (tools/alias-check.c) refuses the link as if a --defsym had made
// it. Nothing is wrong: the folded code is byte for byte the same, so a
// compartment's call by either name does what the unfolded call would.
// The same for a compartment's own internal function folded with
// default-domain code. Checked natively: the link is refused with ICF and
// succeeds without it.
// Fix: the driver keeps marked functions out of folding (it knows their
// names only after the link: link once with --print-icf-sections and
// relink with --keep-unique for each marked function folded with an
// unmarked one), or refuses --icf with -fpkey-compartments with a clear
// message; or the check accepts an unmarked name whose symbol has the
// same value, size and type as the marked one when lld reports the pair
// folded (unsound alone: a .s file can give its alias the same size).
// Fixed: the driver refuses --icf (other than none) in a link with
// compartments, before linking, with one line naming the option; the
// link without it, or with --icf=none, succeeds.
// RUN: %bulkhead_clang -O2 -ffunction-sections -DPLAIN -c %s -o %t.lib.o
// RUN: %bulkhead_clang -fpkey-compartments -O2 -ffunction-sections -c %s -o %t.o
// RUN: %bulkhead_clang -fpkey-compartments -fuse-ld=lld %t.o %t.lib.o -o %t.plain
// RUN: %bulkhead_clang -fpkey-compartments -fuse-ld=lld -Wl,--icf=none %t.o %t.lib.o -o %t.none
// RUN: not %bulkhead_clang -fpkey-compartments -fuse-ld=lld -Wl,--icf=all %t.o %t.lib.o -o %t.icf 2> %t.err
// RUN: FileCheck %s < %t.err
// RUN: not %bulkhead_clang -fpkey-compartments -fuse-ld=lld -Xlinker --icf -Xlinker safe %t.o %t.lib.o -o %t.icf 2>&1 | FileCheck %s --check-prefix=SAFE
// CHECK-NOT: names default-domain code
// CHECK: bulkhead-clang: error: '--icf=all' cannot be used in a link with -fpkey-compartments: {{.*}}; use --icf=none
// CHECK-NOT: error
// SAFE: bulkhead-clang: error: '--icf' cannot be used in a link with -fpkey-compartments
#include <stdio.h>
#ifdef PLAIN
/* A library built without Bulkhead. */
int lib_answer(int x) { return x * 7 + 3; }
#else
int lib_answer(int x);
int app_answer(int x) { return x * 7 + 3; }
int main(int argc, char **argv) {
  (void)argv;
  printf("%d %d\n", app_answer(argc), lib_answer(argc));
  return 0;
}
#endif
