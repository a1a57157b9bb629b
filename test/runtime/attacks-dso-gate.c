// Review finding (issue 9 work), attacker model B (control of the default
// domain's program counter): a shared object built with -fpkey-compartments
// -shared has checked gates against its own stand-in default descriptor
// (runtime/dso.c). A jump straight to one of its WRPKRUs passes the gate's
// check only with the PKRU that descriptor holds. It held 0 (every key
// open: every compartment readable); it must hold the PKRU of key 0 alone,
// with "gates off" a flag of its own. Since review 3 the driver also writes
// each gate's WRPKRU of a -shared link as a trap (ud2; int3: the gates
// never run there, tools/dso-gates.c), so a jump to one stops the program.
// Checked on the code itself: no WRPKRU is left, and the word every gate
// (its trap, then the check) is compared against.
// RUN: rm -rf %t && mkdir %t
// RUN: %bulkhead_clang -fpkey-compartments -O2 -fPIC -shared %S/Inputs/dso-sort.c -o %t/libdsosort.so
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -L%t -ldsosort -Wl,-rpath,%t -ldl -o %t/prog
// RUN: %t/prog | FileCheck %s
// CHECK: sorted 1 2 3
// CHECK: gate {{[0-9]+}}: checked against 0xfffffffc
// CHECK: gates: {{[1-9][0-9]*}}, all key 0 alone, no WRPKRU
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

void lib_sort(int *v, size_t n);

int main(void) {
  int v[3] = {3, 1, 2};
  lib_sort(v, 3);
  printf("sorted %d %d %d\n", v[0], v[1], v[2]);
  /* The library's own lib_sort: &lib_sort here is this program's wrapper
   * of the declaration (docs/design.md, step 6). */
  Dl_info di;
  if (!dladdr(dlsym(RTLD_DEFAULT, "lib_sort"), &di))
    return 1;
  const unsigned char *p = di.dli_fbase;
  int gates = 0, bad = 0;
  /* The WRPKRU (0f 01 ef) as ud2; int3, then cmpl disp32(%rip), %eax
   * (3b 05 disp32). Bytes spelled apart: this program's link is scanned. */
  static volatile unsigned char wr = 0xee;
  for (int k = 0; k < 0x4000; k++) {
    if (p[k] == 0x0f && p[k + 1] == 0x01 && p[k + 2] == (unsigned char)(wr + 1))
      bad++;
    if (memcmp(p + k, "\x0f\x0b\xcc\x3b\x05", 5))
      continue;
    const unsigned char *next = p + k + 9;
    uint32_t pkru = *(const uint32_t *)(next + *(const int32_t *)(p + k + 5));
    printf("gate %d: checked against %#x\n", gates++, pkru);
    bad += pkru != 0xfffffffcu;
  }
  if (gates && !bad)
    printf("gates: %d, all key 0 alone, no WRPKRU\n", gates);
  return 0;
}
