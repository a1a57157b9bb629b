// Attack class: re-tagging compartment memory with the kernel's help. An
// attacker who controls the default domain's program counter calls
// pkey_mprotect on the vault's data page with key 0 and reads it; or
// allocates keys (pkey_alloc), from the default domain or from inside the
// vault. With the system-call
// filter (the default) only the runtime does any of this, before main:
// after start-up every pkey_* call of the process is refused with one line
// and the process dies. With -fno-pkey-syscall-filter the re-tag works:
// the hole this closes is real.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-syscall-filter -O2 %s -o %t.off
// RUN: %run %t.off | FileCheck %s --check-prefix=OFF
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t.on
// RUN: %run %t.on > %t.out 2> %t.err
// RUN: FileCheck %s --check-prefix=ON < %t.out
// RUN: FileCheck %s --check-prefix=ERR < %t.err
// OFF: == retag
// OFF-NEXT: ATTACK SUCCEEDED: pkey_mprotect(key 0) read "vault-secret
// OFF: == heap-retag
// OFF-NEXT: ATTACK SUCCEEDED: pkey_mprotect(heap, key 0) read "vault-secret
// ON: == retag
// ON-NEXT: retag: stopped by signal 9
// ON-NEXT: == alloc
// ON-NEXT: alloc: stopped by signal 9
// ON-NEXT: == heap-retag
// ON-NEXT: heap-retag: stopped by signal 9
// ON-NEXT: == from-vault
// ON-NEXT: from-vault: stopped by signal 9
// ON-NEXT: parent's vault intact: 1
// ERR: bulkhead: denied: pkey_mprotect(0x{{[0-9a-f]+}}, 0x1000, 0x3, 0x0) from the default domain, in process {{[0-9]+}} (thread {{[0-9]+}}) — only the runtime allocates keys and tags memory, before main
// ERR-NEXT: bulkhead: denied: pkey_alloc(0x0, 0x0,
// ERR-NEXT: bulkhead: denied: pkey_mprotect(
// ERR-NEXT: bulkhead: denied: pkey_alloc(0x0, 0x0, {{.*}}) from compartment 'vault', in process
#include "Inputs/target.h"

static void retag(void) {
  long r = syscall(SYS_pkey_mprotect, page_of(vault_data), 4096, PROT_READ | PROT_WRITE, 0);
  report_read("pkey_mprotect(key 0)", r == 0 ? vault_data : NULL);
}

static void alloc(void) {
  long k = syscall(SYS_pkey_alloc, 0, 0);
  printf("pkey_alloc: %ld\n", k);
}

/* An attacker inside the vault (a library compartment's bug) gets the same
 * answer, and the line names the compartment. */
BULKHEAD_ENTRY(vault) long vault_pkey_alloc(void) { return syscall(SYS_pkey_alloc, 0, 0); }
static void from_vault(void) { printf("pkey_alloc from the vault: %ld\n", vault_pkey_alloc()); }

static void heap_retag(void) {
  long r = syscall(SYS_pkey_mprotect, page_of(vault_block), 4096, PROT_READ | PROT_WRITE, 0);
  report_read("pkey_mprotect(heap, key 0)", r == 0 ? vault_block : NULL);
}

int main(void) {
  struct attack a[] = {{"retag", retag}, {"alloc", alloc}, {"heap-retag", heap_retag},
                       {"from-vault", from_vault}};
  return run_attacks(a, 4);
}
