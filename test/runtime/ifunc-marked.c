// The ifuncs the pass compiles link in a program with compartments: the
// link check refuses an ifunc without the pass's marker
// (attacks-review13a-ifunc-alias.c), and every C ifunc has it, a
// compartment's (whose resolver returns its wrapper) and a default-domain
// one that a compartment calls (gated by its default marker).
// RUN: %bulkhead_clang -fpkey-compartments -O2 -DVAULT -fpkey-compartment=vault -c %s -o %t.vault.o
// RUN: %bulkhead_clang -fpkey-compartments -O2 -DAPP -c %s -o %t.app.o
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s %t.vault.o %t.app.o -o %t
// RUN: llvm-nm %t | FileCheck %s
// CHECK-DAG: __bulkhead_ifunc.app_fast
// CHECK-DAG: __bulkhead_ifunc.vault_fast
// CHECK-DAG: __bulkhead_default.app_fast
#include <bulkhead.h>
#if defined(VAULT)
BULKHEAD_DATA(vault) static int key = 3;
static int vault_impl(void) { return key; }
static void *vault_pick(void) { return (void *)vault_impl; }
int vault_fast(void) __attribute__((ifunc("vault_pick")));
int app_fast(void);
BULKHEAD_ENTRY(vault) int vault_get(void) { return vault_fast() + app_fast(); }
#elif defined(APP)
static int app_impl(void) { return 5; }
static void *app_pick(void) { return (void *)app_impl; }
int app_fast(void) __attribute__((ifunc("app_pick")));
#else
int vault_get(void);
int main(void) { return vault_get() != 8; }
#endif
