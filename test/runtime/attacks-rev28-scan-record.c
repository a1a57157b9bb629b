// Review 28, attacker model A (one key-0 store, before the filter: a
// thread a start-up library started, here its constructor). The filter's
// installation scans again the objects a start-up library's constructor
// loaded after the runtime's first scan (review 22), but passes over the
// first `scanned.objects` of ld.so's list: the count the first scan left in
// the runtime's .bss, key-0 memory (docs/threat-model.md lists it: "not
// tried"). The maps walk added in review 27 does not catch what the
// second scan passes over: it searches only executable memory no listed
// object holds, and a library a constructor dlopened is listed.
//
// Here Inputs/rev28-ctor-forge-scan.c, a start-up library, stores 1000
// into the count (its offset from the program's symbol table, as an
// attacker reads it from the binary) and then dlopens libdepraw.so, whose
// bare WRPKRU (Inputs/dep-raw-wrpkru.c) the second scan should find. It
// is passed over: main calls raw_wrpkru(0) (every key open) and reads the
// vault's secret (ATTACK SUCCEEDED). The control loads the same library
// without the store: the second scan stops the program
// (dep-gadgets-unknown.c, LATE).
//
// Seen in the guest: ATTACK SUCCEEDED; control: stopped, naming
// libdepraw.so.
//
// Fixed: the runtime keeps no such record; the filter's installation
// searches every object again (runtime/gadgets.c). The forged run now
// finds no record to store into ("no offset"), and is stopped like the
// control.
// REQUIRES: pku
// RUN: rm -rf %t && mkdir -p %t
// RUN: %clang -O1 -shared -fPIC %S/Inputs/dep-raw-wrpkru.c -o %t/libdepraw.so
// RUN: %clang -O1 -shared -fPIC -DLATE='"%t/libdepraw.so"' %S/Inputs/rev28-ctor-forge-scan.c -ldl -o %t/libforge.so
// RUN: %bulkhead_clang -fpkey-compartments -O1 %s -ldl -L%t -Wl,--no-as-needed -lforge -Wl,-rpath,%t -o %t/prog
// RUN: llvm-nm %t/prog | grep -E " b scanned(\.0)?$" > %t/offset || true
// RUN: env BULKHEAD_VM_FILES=%t/libdepraw.so not %run %t/prog control > %t/control.out 2>&1
// RUN: FileCheck %s < %t/control.out
// RUN: env BULKHEAD_VM_FILES=%t/libdepraw.so:%t/offset not %run %t/prog forge %t/offset > %t/out 2>&1
// RUN: FileCheck %s < %t/out
// CHECK: bulkhead: error: {{.*}}libdepraw.so+0x{{[0-9a-f]+}} holds WRPKRU bytes that are no checked gate
// CHECK-NOT: ATTACK SUCCEEDED
#include <bulkhead.h>
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

BULKHEAD_DATA(vault) static char secret[32] = "TOP-SECRET-VAULT-KEY";
BULKHEAD_ENTRY(vault) int vault_len(void) { return (int)strlen(secret); }

int main(void) {
  printf("vault says %d\n", vault_len());
  int (*raw)(unsigned) = (int (*)(unsigned))dlsym(RTLD_DEFAULT, "raw_wrpkru");
  if (!raw) {
    printf("attack failed: raw_wrpkru not loaded\n");
    return 1;
  }
  /* The gadget with PKRU 0 (every key open), and the copy in the same
   * breath: a C call would have its rights put back after it. */
  static char copy[32];
  __asm__ volatile("xorl %%edi, %%edi\n\tcall *%0\n\t"
                   "movq %1, %%rsi\n\tmovq %2, %%rdi\n\t"
                   "movl $31, %%ecx\n\trep movsb"
                   :
                   : "r"(raw), "r"(secret), "r"(copy)
                   : "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10",
                     "r11", "memory");
  if (strstr(copy, "TOP-SECRET"))
    printf("ATTACK SUCCEEDED: the vault's secret read: %s\n", copy);
  return 0;
}
