// Pointers to functions only declared where they are taken are wrappers
// (pass/Wrappers.cpp, getOrCreateDeclWrapper) that must behave as the
// functions: qsort with libc's strcmp as its comparator sorts, and a
// pointer to strcmp, or to a default-domain function of this file, made in
// another file compares equal to one made here (the default domain's in
// both files). Natively, without compartments, and with one run
// unprotected (BULKHEAD_ALLOW_UNPROTECTED=1).
// UNSUPPORTED: pku-native
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s %S/Inputs/declared-pointers-other.c -o %t
// RUN: %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s %S/Inputs/declared-pointers-other.c -o %t0
// RUN: %t0 | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O2 -DVAULT %s %S/Inputs/declared-pointers-other.c -o %tv
// RUN: env BULKHEAD_ALLOW_UNPROTECTED=1 %tv 2>&1 | FileCheck %s --check-prefixes=CHECK,VAULT
// RUN: %bulkhead_clang -fpkey-compartments -flto -fuse-ld=lld -O2 %s %S/Inputs/declared-pointers-other.c -o %tl
// RUN: %tl | FileCheck %s
// The pointers are wrappers, the one of peek the defining file's.
// RUN: llvm-nm %t | FileCheck %s --check-prefix=NM
// NM-DAG: W __bulkhead_declwrap.strcmp.0
// NM-DAG: [[ADDR:[0-9a-f]+]] {{[tTW]}} __bulkhead_wrap.peek.0
// NM-DAG: [[ADDR]] {{[tT]}} __bulkhead_declwrap.peek.0
// CHECK: sorted: apple kiwi pear plum
// CHECK-NEXT: strcmp from the other file: equal
// CHECK-NEXT: peek from the other file: equal, called: 7
// VAULT-NEXT: vault sorted: apple kiwi pear plum
// VAULT-NEXT: vault's strcmp from the other file's vault code: equal
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int (*cmp_fn)(const char *, const char *);
cmp_fn strcmp_from_other(void);
int (*peek_from_other(void))(void);
int peek(void) { return 7; }

#ifdef VAULT
#include <bulkhead.h>
BULKHEAD_ENTRY(vault) cmp_fn vault_strcmp_from_other(void);
BULKHEAD_DATA(vault) static char vault_words[4][8] = {"pear", "apple",
                                                      "plum", "kiwi"};
BULKHEAD_ENTRY(vault) int vault_sort(void) {
  qsort(vault_words, 4, sizeof vault_words[0],
        (int (*)(const void *, const void *))strcmp);
  printf("vault sorted: %s %s %s %s\n", vault_words[0], vault_words[1],
         vault_words[2], vault_words[3]);
  return vault_strcmp_from_other() == strcmp;
}
#endif

int main(void) {
  char words[4][8] = {"pear", "apple", "plum", "kiwi"};
  qsort(words, 4, sizeof words[0],
        (int (*)(const void *, const void *))strcmp);
  printf("sorted: %s %s %s %s\n", words[0], words[1], words[2], words[3]);
  printf("strcmp from the other file: %s\n",
         strcmp_from_other() == strcmp ? "equal" : "different");
  int (*p)(void) = peek_from_other();
  printf("peek from the other file: %s, called: %d\n",
         p == peek ? "equal" : "different", p());
#ifdef VAULT
  int same = vault_sort();
  printf("vault's strcmp from the other file's vault code: %s\n",
         same ? "equal" : "different");
#endif
  return 0;
}
