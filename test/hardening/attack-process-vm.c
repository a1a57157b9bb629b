// Attack class: the process's memory through the kernel's copy calls.
// process_vm_readv and process_vm_writev on the process itself read and
// write any page whatever its protection key (the kernel's access is a
// remote one, which keys do not govern; "PKU Pitfalls", USENIX Security
// 2020). With -fno-pkey-syscall-filter both work; by default the filter
// refuses both for every task, the runtime's SIGSYS handler prints one
// line naming the domain that made the call, and the process dies of
// SIGSYS.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-syscall-filter -O2 %s -o %t.off
// RUN: %run %t.off | FileCheck %s --check-prefix=OFF
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t.on
// RUN: %run %t.on > %t.out 2> %t.err
// RUN: FileCheck %s --check-prefix=ON < %t.out
// RUN: FileCheck %s --check-prefix=ERR < %t.err
// OFF: == readv
// OFF-NEXT: ATTACK SUCCEEDED: process_vm_readv read "vault-secret
// OFF: == writev
// OFF-NEXT: ATTACK SUCCEEDED: process_vm_writev changed the vault's data
// ON-NOT: ATTACK SUCCEEDED
// ON: readv: stopped by signal 31
// ON: writev: stopped by signal 31
// ON: parent's vault intact: 1
// ERR: bulkhead: denied: process_vm_readv(0x{{[0-9a-f]+}}, 0x{{[0-9a-f]+}}, 0x1, 0x{{[0-9a-f]+}}) from the default domain — reading or writing a process's memory through the kernel ignores protection keys
// ERR-NEXT: bulkhead: denied: process_vm_writev({{.*}}) from the default domain — reading or writing
#include "Inputs/target.h"
#include <sys/uio.h>

static void readv_(void) {
  static char buf[64];
  struct iovec local = {buf, 40}, remote = {vault_data, 40};
  ssize_t n = process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
  report_read("process_vm_readv", n > 0 ? buf : NULL);
}

static void writev_(void) {
  /* process_vm_writev honours page protections but not keys: the vault's
   * data page is writable. */
  static char forged[] = "forged by process_vm_writev";
  struct iovec local = {forged, sizeof forged}, remote = {vault_data, sizeof forged};
  process_vm_writev(getpid(), &local, 1, &remote, 1, 0);
  report_change("process_vm_writev");
}

int main(void) {
  struct attack a[] = {{"readv", readv_}, {"writev", writev_}};
  return run_attacks(a, 2);
}
