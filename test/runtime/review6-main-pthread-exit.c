// A program whose main thread ends with pthread_exit while other threads
// go on (allowed by POSIX; the process lives until its last thread ends)
// cannot enter a compartment from a new thread any more: the stack claim
// writes the owner table through /proc/<pid>/mem (the runtime's own
// /proc/self/mem without the filter, the supervisor's /proc/<tgid>/mem
// with it), and <pid> names the ended leader, which has no memory: the
// open or the write fails and the program stops with "cannot record a
// compartment stack's owner". Not an attack (found in the sixth review
// while attacking the supervisor's kcmp checks, which name the leader the
// same way: attacks-review6-adopt-zombie-parent.c). Reproduced in the QEMU
// guest (6.1), with and without the system-call filter.
// Fixed: the runtime writes through /proc/thread-self/mem (locking
// /proc/self/mem, one file for the process) and the supervisor through
// the caller's /proc/<tgid>/task/<tid>/mem.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -pthread %s -o %t.on
// RUN: %run %t.on | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-syscall-filter -O2 -pthread %s -o %t.off
// RUN: %run %t.off | FileCheck %s
// CHECK: worker: 1
#include <bulkhead.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

BULKHEAD_DATA(vault) static int counter;
BULKHEAD_ENTRY(vault) int vault_count(void) { return ++counter; }

static void *worker(void *unused) {
  (void)unused;
  usleep(200 * 1000); /* main has ended by now */
  printf("worker: %d\n", vault_count());
  fflush(stdout);
  exit(0);
}

int main(void) {
  pthread_t t;
  if (pthread_create(&t, NULL, worker, NULL))
    return 1;
  pthread_exit(NULL);
}
