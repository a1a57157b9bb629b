// Review 41's last open part (a regression, not an attack): the line of a
// denial made for a process whose main thread has ended (pthread_exit,
// a zombie leader while other threads run). The supervisor writes its
// line through the caller's descriptor 2, taken with pidfd_getfd of the
// process, which reads the leader's descriptor table, gone with it. So
// such a process dies at a refused call without a line. (Opening
// /proc/<tid>/fd/2 again instead, as the supervisor, wrote to any file
// the caller held there, read-only too: review 42,
// attacks-rev42-say-*.c; with the caller's credentials it would still
// write through a descriptor the caller may hold read-only.)
//
// How: the main thread ends with pthread_exit; the other thread dlopens
// a library with a stray WRPKRU, which the supervisor refuses (the
// process dies: rev41-zombie-leader.c checks that part). Expected: the
// refusal's line on stderr, as attack-dlopen.c sees it with the leader
// alive.
//
// Seen in the guest (h-zombie, 3 runs of 3): "main thread gone: yes",
// then the process dies with no line.
//
// Suggested fix: take descriptor 2 from the caller's own thread
// (pidfd_open with PIDFD_THREAD, Linux 6.9, then pidfd_getfd), where the
// kernel has it; or write through a descriptor the caller holds open for
// writing by other means (SCM_RIGHTS from the runtime at start-up, kept
// by the supervisor: at the cost of holding the program's stderr open).
// XFAIL: *
// REQUIRES: pku
// RUN: rm -rf %t && mkdir -p %t
// RUN: %clang -O2 -shared -fPIC %S/Inputs/stray-wrpkru.c -o %t/libstray.so
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t/prog -lpthread -ldl
// RUN: env BULKHEAD_VM_FILES=%t/libstray.so %run %t/prog %t/libstray.so > %t/out 2>&1 || true
// RUN: FileCheck %s < %t/out
// CHECK: main thread gone: yes
// CHECK: bulkhead: denied: mmap({{.*}}) of "{{.*}}libstray.so" from the default domain, in process {{[0-9]+}} (thread {{[0-9]+}}) — the file holds WRPKRU bytes
#define _GNU_SOURCE
#include <bulkhead.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

BULKHEAD_DATA(vault) static char vault_data[4096]
    __attribute__((aligned(4096))) = "x";
BULKHEAD_ENTRY(vault) int vault_ok(void) { return vault_data[0] == 'x'; }

static const char *lib;

#include "Inputs/leader-gone.h"

static void *worker(void *arg) {
  (void)arg;
  for (int i = 0; i < 5000 && !leader_gone(); i++)
    usleep(1000);
  printf("main thread gone: %s\n", leader_gone() ? "yes" : "no");
  void *h = dlopen(lib, RTLD_NOW);
  printf("dlopen: %s\n", h ? "loaded" : dlerror());
  exit(0);
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  lib = argc > 1 ? argv[1] : "";
  printf("vault ok: %d\n", vault_ok());
  pthread_t t;
  pthread_create(&t, NULL, worker, NULL);
  pthread_exit(NULL);
}
