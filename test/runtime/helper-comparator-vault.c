// Review finding (issue 9 work): a compartment that hands an inline helper
// to qsort must run the helper as its own code, so that what the helper
// calls in the default domain runs with the default domain's rights. Here
// the attacker (key-0 stores only) points the default function's source at
// the vault's secret: it must fault, not copy the secret out.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: not %run %t > %t.out 2>&1; FileCheck %s < %t.out
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s -o %t.O0
// RUN: not %run %t.O0 > %t.O0.out 2>&1; FileCheck %s < %t.O0.out
// RUN: %run %t benign | FileCheck --check-prefix=BENIGN %s
// BENIGN: vault_sort -> 1; trace_buf: cmp
// CHECK-NOT: TOP-SECRET
// CHECK: bulkhead: protection-key fault: {{.*}} in compartment 'vault' {{.*}} from the default domain
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bulkhead.h>

BULKHEAD_DATA(vault) static char secret[32] = "TOP-SECRET-VAULT-KEY-0123456789";
BULKHEAD_DATA(vault) static int records[4] = {4, 2, 3, 1};

// ---- default domain ------------------------------------------------------
const char *volatile trace_src = "cmp";   // key-0 data
char trace_buf[32];
__attribute__((noinline)) void note_compare(void) { memcpy(trace_buf, (const char *)trace_src, 31); }

// A shared helper (inline) whose address the vault takes: the vault's qsort
// must call the vault's own copy (wrapped as vault code), not this original.
static inline int by_key(const void *a, const void *b) {
  note_compare();
  return *(const int *)a - *(const int *)b;
}

BULKHEAD_ENTRY(vault) int vault_sort(void) {
  qsort(records, 4, sizeof records[0], by_key);
  return records[0];
}

int main(int argc, char **argv) {
  (void)argv;
  if (argc < 2)
    trace_src = secret;         /* the attack: one pointer write in key-0 data */
  int first = vault_sort();
  printf("vault_sort -> %d; trace_buf: %.31s\n", first, trace_buf);
  return 0;
}
