// Attacker model B. The supervisor judges a new executable file mapping
// with its executable neighbours once the kernel has made it, and when
// their bytes across an edge make a WRPKRU it kills every process sharing
// the caller's memory, then the caller (runtime/supervisor-exec.c
// judge_edges, kill_with_sharers). Only the caller's threads are stopped
// meanwhile: a clone(CLONE_VM) process runs on. docs/hardening.md calls
// what is left a race "in the moment between the mapping and the kill";
// it is not narrow. The default domain maps A (a sealed memfd page ending
// in 0F 01), starts a clone(CLONE_VM) child that spins on mincore() until
// the page after A is mapped, and maps B (a page starting with EF C3)
// there. The child sees B as soon as the kernel has made it, while the
// supervisor reads the edges and walks /proc, jumps to A's last two bytes
// with eax = ecx = edx = 0, and reads the vault's page before the kill
// comes. Found in the sixth review; reproduced in the QEMU guest (6.1, one
// virtual CPU) as uid 65534.
//
// Tried in session 10 and reverted: the supervisor also stopping every
// process sharing the caller's memory passed this test, but killed an
// honest program (hardening/dlopen-threads.c, in a loaded full run): a
// posix_spawn child between its vfork and its exec is such a process, and
// its parent thread cannot stop until it goes on.
// Fixed by judging the edges before the call (supervisor-exec.c
// risky_edge): no executable file mapping may begin or end with bytes that
// could be part of a pattern with whatever comes beside it, so A (ending
// in 0F 01) is refused and nothing is left to race. No real library's
// executable segment ends or begins so (0 of 1055 on this Debian system).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-syscall-filter -O2 %s -o %t.off
// RUN: %run %t.off | FileCheck %s --check-prefix=OFF
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t.on
// RUN: %run %t.on | FileCheck %s --check-prefix=ON
// OFF: == split-race
// OFF: ATTACK SUCCEEDED: the process sharing the memory, before the kill, read "vault-secret
// ON-NOT: ATTACK SUCCEEDED
// ON: split-race: stopped by signal 9
// ON-NOT: mapped
// ON: attack failed
// ON: parent's vault intact: 1
#include "Inputs/target.h"
#include "Inputs/split-wrpkru.h"

static char stack[65536] __attribute__((aligned(16)));

/* The process sharing the memory: it spins until B is mapped (mincore
 * fails on an unmapped page, without a fault), then jumps to the joint
 * bytes at once. System calls only (it shares the TLS). */
static int sharer(void *unused) {
  (void)unused;
  unsigned char v;
  while (syscall(SYS_mincore, split_at + 4096, 4096, &v) != 0)
    ;
  split_jump_and_send();
  return 0;
}

static void attack(void) {
  int fb = split_map_a();
  if (fb < 0)
    return;
  if (clone(sharer, stack + sizeof stack, CLONE_VM | SIGCHLD, NULL) < 0) {
    printf("setup: clone: %s\n", strerror(errno));
    return;
  }
  split_map_b(fb);
}

int main(void) {
  return split_run_forked("split-race", attack,
                          "the process sharing the memory, before the kill,");
}
