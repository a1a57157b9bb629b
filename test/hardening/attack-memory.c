// Attack classes: changing or exposing compartment memory with memory-
// management calls, which keys do not govern. The default domain
//  - unmaps the vault's data page and maps one of its own there (swap);
//  - maps over it directly (mmap MAP_FIXED);
//  - throws away the vault's heap page (madvise MADV_DONTNEED: zeroes);
//  - moves the page away (mremap) and maps its own in its place;
//  - makes the page execute-only (mprotect PROT_EXEC: the kernel gives it
//    its execute-only key) and then readable again (the kernel gives it
//    key 0, docs/threat-model.md "Execute-only memory"), and reads it.
// With -fno-pkey-syscall-filter each of these reads or changes the vault;
// by default each is refused with one line naming the call and the process
// dies: the filter sends these calls on compartment, runtime and loaded-
// object memory to the supervisor, which refuses them for our process.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-syscall-filter -O2 %s -o %t.off
// RUN: %run %t.off | FileCheck %s --check-prefix=OFF
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t.on
// RUN: %run %t.on > %t.out 2> %t.err
// RUN: FileCheck %s --check-prefix=ON < %t.out
// RUN: FileCheck %s --check-prefix=ERR < %t.err
// OFF: == swap
// OFF-NEXT: ATTACK SUCCEEDED: munmap+mmap changed the vault's data
// OFF: == map-over
// OFF-NEXT: ATTACK SUCCEEDED: mmap(MAP_FIXED) changed the vault's data
// OFF: == dontneed
// OFF-NEXT: ATTACK SUCCEEDED: madvise(MADV_DONTNEED) changed the vault's data
// OFF: == move
// OFF-NEXT: ATTACK SUCCEEDED: mremap changed the vault's data
// OFF: == exec-only
// OFF-NEXT: ATTACK SUCCEEDED: mprotect(PROT_EXEC) then mprotect(PROT_READ) read "vault-secret
// ON-NOT: ATTACK SUCCEEDED
// ON: swap: stopped by signal 9
// ON: map-over: stopped by signal 9
// ON: dontneed: stopped by signal 9
// ON: move: stopped by signal 9
// ON: exec-only: stopped by signal 9
// ON: parent's vault intact: 1
// ERR: bulkhead: denied: munmap(0x{{[0-9a-f]+}}, 0x1000) from the default domain, in process {{[0-9]+}} (thread {{[0-9]+}}) — compartment, runtime and loaded-object memory may not be unmapped, remapped, re-protected or advised away
// ERR-NEXT: bulkhead: denied: mmap(0x{{[0-9a-f]+}}, 0x1000, 0x3, 0x32, 0xffffffff, 0x0) from the default domain, in process
// ERR-NEXT: bulkhead: denied: madvise(0x{{[0-9a-f]+}}, 0x1000, 0x4, {{.*}}) from the default domain, in process
// ERR-NEXT: bulkhead: denied: mremap(
// ERR-NEXT: bulkhead: denied: mprotect(0x{{[0-9a-f]+}}, 0x1000, 0x4, {{.*}} — new executable memory could hold an unvetted WRPKRU
#include "Inputs/target.h"

static void forge(void *page) {
  void *m = mmap(page, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
                 -1, 0);
  if (m == page)
    strcpy(page, "forged by the default domain");
}

static void swap(void) {
  void *page = (void *)page_of(vault_data);
  if (munmap(page, 4096) == 0)
    forge(page);
  report_change("munmap+mmap");
}

static void map_over(void) {
  forge((void *)page_of(vault_data));
  report_change("mmap(MAP_FIXED)");
}

static void dontneed(void) {
  madvise((void *)page_of(vault_block), 4096, MADV_DONTNEED);
  report_change("madvise(MADV_DONTNEED)");
}

static void move(void) {
  void *page = (void *)page_of(vault_data);
  void *away = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mremap(page, 4096, 4096, MREMAP_MAYMOVE | MREMAP_FIXED, away) == away)
    forge(page);
  report_change("mremap");
}

static void exec_only(void) {
  void *page = (void *)page_of(vault_data);
  int ok = !mprotect(page, 4096, PROT_EXEC) && !mprotect(page, 4096, PROT_READ);
  report_read("mprotect(PROT_EXEC) then mprotect(PROT_READ)", ok ? vault_data : NULL);
}

int main(void) {
  struct attack a[] = {{"swap", swap}, {"map-over", map_over}, {"dontneed", dontneed},
                       {"move", move}, {"exec-only", exec_only}};
  return run_attacks(a, 5);
}
