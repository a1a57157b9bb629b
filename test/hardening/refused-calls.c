// The rest of the policy table (docs/hardening.md), one call each, each
// refused with one line: userfaultfd, remap_file_pages and process_madvise
// for every task (the filter traps them: SIGSYS), shmat with SHM_REMAP,
// bpf and a kernel module for our process (the supervisor refuses them:
// SIGKILL), clone(CLONE_FILES) of a process. Without the filter these calls reach the kernel, which may
// still say no for its own reasons (privileges), so only the refusals are
// checked here; the attack-*.c tests show the holes themselves.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t > %t.out 2> %t.err
// RUN: FileCheck %s < %t.out
// RUN: FileCheck %s --check-prefix=ERR < %t.err
// CHECK: userfaultfd: stopped by signal 31
// CHECK: remap_file_pages: stopped by signal 31
// CHECK: process_madvise: stopped by signal 31
// CHECK: shmat-remap: stopped by signal 9
// CHECK: bpf: stopped by signal 9
// CHECK: finit_module: stopped by signal 9
// CHECK: clone-files: stopped by signal 9
// CHECK: parent's vault intact: 1
// ERR: bulkhead: denied: userfaultfd({{.*}}) from the default domain — userfaultfd lets the program supply the contents of protected pages
// ERR-NEXT: bulkhead: denied: remap_file_pages({{.*}}) from the default domain — remap_file_pages rearranges pages
// ERR-NEXT: bulkhead: denied: process_madvise({{.*}}) from the default domain — reading or writing a process's memory
// ERR-NEXT: bulkhead: denied: shmat({{.*}}) from the default domain, in process {{[0-9]+}} (thread {{[0-9]+}}) — SHM_REMAP replaces mappings the filter cannot see
// ERR-NEXT: bulkhead: denied: bpf({{.*}}) from the default domain, in process {{.*}} — it has the kernel read the process's memory
// ERR-NEXT: bulkhead: denied: finit_module({{.*}}) from the default domain, in process {{.*}} — it has the kernel read the process's memory
// ERR-NEXT: bulkhead: denied: clone(0x411, {{.*}}) from the default domain, in process {{.*}} — a process sharing the program's descriptors could swap the file of an executable mapping
#include "Inputs/target.h"
#include <sched.h>
#include <sys/shm.h>

static void uffd(void) { printf("userfaultfd: %ld\n", syscall(SYS_userfaultfd, 0)); }
static void remap(void) {
  printf("remap_file_pages: %ld\n", syscall(SYS_remap_file_pages, page_of(vault_data), 4096, 0, 0, 0));
}
static void pmadvise(void) {
  printf("process_madvise: %ld\n", syscall(SYS_process_madvise, -1, NULL, 0, 0, 0));
}
static void shm_remap(void) {
  void *p = shmat(0, vault_data, SHM_REMAP);
  printf("shmat: %p\n", p);
}
static void bpf_(void) { printf("bpf: %ld\n", syscall(SYS_bpf, 0, NULL, 0)); }
static void module(void) { printf("finit_module: %ld\n", syscall(SYS_finit_module, -1, "", 0)); }
/* A process (not a thread) sharing our descriptor table: it could swap the
 * file an executable mapping names while the supervisor scans it. */
static void clone_files(void) {
  long pid = syscall(SYS_clone, CLONE_FILES | SIGCHLD, 0, 0, 0, 0);
  if (pid == 0)
    _exit(0);
  printf("clone(CLONE_FILES): %ld\n", pid);
}

int main(void) {
  struct attack a[] = {{"userfaultfd", uffd}, {"remap_file_pages", remap},
                       {"process_madvise", pmadvise}, {"shmat-remap", shm_remap},
                       {"bpf", bpf_}, {"finit_module", module}, {"clone-files", clone_files}};
  return run_attacks(a, 7);
}
