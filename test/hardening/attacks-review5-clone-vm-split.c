// The supervisor judges a new executable file mapping with its
// executable neighbours once the kernel has made it, and when their bytes
// across an edge make a WRPKRU it kills the process (kill(tgid, SIGKILL);
// runtime/supervisor-exec.c bh_supervise_exec, judge_edges). The mapping
// stays: a process that shares the memory without being a thread of the
// process (clone(CLONE_VM), which the filter allows; docs/hardening.md
// names it as a race "in the moment between the mapping and the kill") is
// neither stopped during the judgement nor killed after it, and the joint
// bytes are still there when its parent is gone. The default domain maps
// A (a sealed memfd page ending in 0F 01), starts a clone(CLONE_VM) child
// that waits for its parent's end, and maps B (a page starting with EF C3)
// right after A. The supervisor finds the split WRPKRU and kills the
// parent; the child then jumps to A's last two bytes with eax = ecx = edx
// = 0, every key opens, and it reads the vault's page (no race: it waits
// as long as it likes). Found in the fifth review (attacker model B);
// reproduced in the QEMU guest (6.1) as uid 65534.
//
// Fixed: the supervisor kills every process whose memory is the caller's
// (kcmp KCMP_VM) with it (runtime/supervisor-exec.c kill_with_sharers).
// Left: such a process is not stopped while the mapping is judged, so it
// could run the joint bytes in the moment between the mapping and the kill
// (a race; judging before the call would close it).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-syscall-filter -O2 %s -o %t.off
// RUN: %run %t.off | FileCheck %s --check-prefix=OFF
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t.on
// RUN: %run %t.on | FileCheck %s --check-prefix=ON
// OFF: == clone-vm-split
// OFF: ATTACK SUCCEEDED: the process sharing the memory, after the kill, read "vault-secret
// ON-NOT: ATTACK SUCCEEDED
// ON: clone-vm-split: stopped by signal 9
// ON: attack failed
// ON: parent's vault intact: 1
#include "Inputs/target.h"
#include "Inputs/split-wrpkru.h"

static char stack[65536] __attribute__((aligned(16)));

/* The process sharing the memory: it waits for its parent's end, then
 * jumps to the joint bytes. System calls only (it shares the TLS). */
static int sharer(void *parent) {
  while (syscall(SYS_getppid) == (long)parent)
    syscall(SYS_sched_yield);
  split_jump_and_send();
  return 0;
}

static void attack(void) {
  int fb = split_map_a();
  if (fb < 0)
    return;
  if (clone(sharer, stack + sizeof stack, CLONE_VM | SIGCHLD, (void *)(long)getpid()) < 0) {
    printf("setup: clone: %s\n", strerror(errno));
    return;
  }
  split_map_b(fb);
}

int main(void) {
  return split_run_forked("clone-vm-split", attack,
                          "the process sharing the memory, after the kill,");
}
