// A hardened program reserves at start-up every protection key left after
// its compartments' (docs/shared-objects.md, step 6, piece 3): under the
// filter no key can be allocated later, when a dlopen'ed object's
// compartments need theirs. Each reserved key is closed, to reads and
// writes, in every domain (the default domain's PKRU and the vault's),
// and BULKHEAD_VERBOSE=1 names them. Without the filter nothing is
// reserved (dlopen.c allocates keys at registration): other keys keep
// Linux's initial value, access-disable only. Before the reservation the
// hardened build printed 1 for every other key, as the unfiltered one.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: env BULKHEAD_VERBOSE=1 %run %t > %t.out 2> %t.err
// RUN: FileCheck %s < %t.out
// RUN: FileCheck %s --check-prefix=VERBOSE < %t.err
// BULKHEAD_LATE_COMPARTMENTS=N reserves at most N (each costs a heap
// prepared at start-up, docs/heaps.md); anything but 0 to 15 is refused.
// RUN: env BULKHEAD_LATE_COMPARTMENTS=2 BULKHEAD_VERBOSE=1 %run %t > %t.two 2> %t.two.err
// RUN: FileCheck %s --check-prefix=TWO < %t.two
// RUN: FileCheck %s --check-prefix=TWO-VERBOSE < %t.two.err
// RUN: env BULKHEAD_LATE_COMPARTMENTS=16 not %run %t 2>&1 | FileCheck %s --check-prefix=BAD
// RUN: env BULKHEAD_LATE_COMPARTMENTS=2x not %run %t 2>&1 | FileCheck %s --check-prefix=BAD
// TWO: other keys: 14, closed to reads and writes in default 2, in vault 2
// TWO-VERBOSE: none given yet): 2 3{{$}}
// BAD: bulkhead: error: BULKHEAD_LATE_COMPARTMENTS={{16|2x}}: not a number of compartments from 0 to 15
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-syscall-filter -O2 %s -o %t.off
// RUN: %run %t.off | FileCheck %s --check-prefix=OFF
// CHECK: vault key 1
// CHECK-NEXT: other keys: 14, closed to reads and writes in default 14, in vault 14
// CHECK-NEXT: vault key in default 3, in vault 0
// VERBOSE: bulkhead:   keys reserved for compartments of objects loaded with dlopen (closed in every domain, none given yet): 2 3 4 5 6 7 8 9 10 11 12 13 14 15{{$}}
// OFF: vault key 1
// OFF-NEXT: other keys: 14, closed to reads and writes in default 0, in vault 0
// OFF-NEXT: vault key in default 3, in vault 0
#include <bulkhead.h>
#include <stdio.h>

static unsigned rdpkru(void) {
  unsigned eax, edx;
  __asm__ volatile(".byte 0x0f, 0x01, 0xee" : "=a"(eax), "=d"(edx) : "c"(0));
  return eax;
}

BULKHEAD_DATA(vault) static int secret = 7;
BULKHEAD_ENTRY(vault) unsigned vault_pkru(void) { return rdpkru() + 0 * secret; }

int main(void) {
  unsigned dflt = rdpkru(), vault = vault_pkru();
  int key = bulkhead_compartment_pkey("vault"), others = 0, in_default = 0,
      in_vault = 0;
  printf("vault key %d\n", key);
  for (int k = 1; k < 16; k++) {
    if (k == key)
      continue;
    others++;
    in_default += (dflt >> 2 * k & 3) == 3;
    in_vault += (vault >> 2 * k & 3) == 3;
  }
  printf("other keys: %d, closed to reads and writes in default %d, in vault %d\n",
         others, in_default, in_vault);
  printf("vault key in default %u, in vault %u\n", dflt >> 2 * key & 3,
         vault >> 2 * key & 3);
  return 0;
}
