// A shared object built with bulkhead-clang -fpkey-compartments but
// without a compartment (test/dropin/Inputs/lib.c: function pointers both
// ways) works in a hardened program with a compartment, both linked in
// (loaded before main) and dlopen'd (mapped after start-up, scanned by the
// supervisor, which refuses every PKRU write there). Its gates use the
// pass's stand-ins (enforced 0, local to the library) and never run; the
// driver wrote their WRPKRUs as traps, so one that ran would stop the
// program (SIGILL). The program is linked with -rdynamic, so it exports
// what it can; the library imports nothing of Bulkhead's for it to bind
// (its default descriptor and its reference to the table of compartments
// are its own, hidden) but a weak reference to the default stack slot,
// which only paths of a runtime's caller index reach, never the stand-in's
// (docs/shared-objects.md). Callbacks into the program and into the vault's
// entry run with their own rights.
// REQUIRES: pku
// RUN: rm -rf %t && mkdir %t
// RUN: %bulkhead_clang -fpkey-compartments -O2 -fPIC -shared %S/../dropin/Inputs/lib.c -o %t/libcb.so
// RUN: cp %t/libcb.so %t/libcb2.so
// RUN: %bulkhead_scan -v %t/libcb.so 2>&1 | FileCheck %s --check-prefix=SCAN
// RUN: llvm-objdump -d %t/libcb.so | FileCheck %s --check-prefix=NOWRPKRU
// RUN: llvm-nm %t/libcb.so | FileCheck %s --check-prefix=LOCAL
// RUN: %bulkhead_clang -fpkey-compartments -O2 -rdynamic %s -L%t -lcb -Wl,-rpath,%t -ldl -o %t/prog
// RUN: llvm-nm -D %t/libcb.so | FileCheck %s --check-prefix=NOIMPORT
// RUN: env BULKHEAD_VM_FILES=%t/libcb.so:%t/libcb2.so %run %t/prog %t/libcb2.so > %t/out 2> %t/err
// RUN: FileCheck %s < %t/out
// RUN: FileCheck %s --check-prefix=ERR --allow-empty < %t/err
// SCAN: 0 unvetted, 0 vetted
// NOWRPKRU-NOT: wrpkru
// LOCAL: r __bulkhead_domain0
// NOIMPORT-NOT: bulkhead
// NOIMPORT: w __bulkhead_stack.0
// NOIMPORT-NOT: bulkhead
// CHECK: linked: 42 6 vault 8
// CHECK-NEXT: dlopen'd: 42 6 vault 8
// CHECK-NEXT: vault intact: 1
// ERR-NOT: bulkhead:
#include <bulkhead.h>
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

int lib_apply(int (*f)(int), int x); /* libcb.so */
int (*lib_callback(void))(int);

BULKHEAD_DATA(vault) static int vault_seen;
BULKHEAD_DATA(vault) static char vault_secret[32] = "vault-secret";

BULKHEAD_ENTRY(vault) int vault_double(int x) {
  vault_seen++;
  return x * 2;
}
BULKHEAD_ENTRY(vault) int vault_intact(void) {
  return !strcmp(vault_secret, "vault-secret") && vault_seen == 2;
}

static int twice(int x) { return 2 * x; }

int main(int argc, char **argv) {
  if (argc < 2)
    return 2;
  printf("linked: %d %d vault %d\n", lib_apply(twice, 21), lib_callback()(5),
         lib_apply(vault_double, 4));
  void *h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  int (*apply)(int (*)(int), int) = h ? dlsym(h, "lib_apply") : NULL;
  int (*(*callback)(void))(int) = h ? dlsym(h, "lib_callback") : NULL;
  if (!apply || !callback) {
    printf("dlopen: %s\n", dlerror());
    return 1;
  }
  printf("dlopen'd: %d %d vault %d\n", apply(twice, 21), callback()(5),
         apply(vault_double, 4));
  printf("vault intact: %d\n", vault_intact());
  return 0;
}
