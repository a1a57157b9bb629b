// Issue 12's range limit, end to end: the runtime takes up to 48
// protected ranges (BH_MAX_RANGES), but each memory call had its own copy
// of the range checks, and the filter passed the kernel's 4096
// instructions at about 35 ranges: a program loading many objects
// stopped at start-up ("cannot install the system-call filter (building
// the filter: Argument list too long)"; seen in the guest with this
// program, 45 ranges). The calls share one
// copy of the checks now (runtime/bpf.c range_checks; filter-size.test,
// filter-model.test). This program loads 36 libraries of its own, each a
// protected range (Inputs/many-libs.sh): it runs, and the memory rules
// hold for the first library's range and for the last's (munmap of its
// code page is refused and the process dies).
// REQUIRES: pku
// RUN: rm -rf %t && mkdir -p %t
// RUN: sh %S/Inputs/many-libs.sh %clang %bulkhead_clang %s %t 36
// RUN: env BULKHEAD_VERBOSE=1 %run %t/prog > %t/out 2> %t/err
// RUN: FileCheck %s --check-prefix=RUNS < %t/out
// RUN: FileCheck %s --check-prefix=RANGES < %t/err
// RUN: not %run %t/prog unmap 0 > %t/first.out 2> %t/first.err
// RUN: FileCheck %s --check-prefix=UNMAP < %t/first.out
// RUN: FileCheck %s --check-prefix=DENIED < %t/first.err
// RUN: not %run %t/prog unmap 35 > %t/last.out 2> %t/last.err
// RUN: FileCheck %s --check-prefix=UNMAP < %t/last.out
// RUN: FileCheck %s --check-prefix=DENIED < %t/last.err
// RUNS: main ran: 630 7
// RANGES: bulkhead: system-call filter installed
// RANGES-COUNT-40: bulkhead:   protected 0x
// UNMAP: unmapping
// UNMAP-NOT: ATTACK SUCCEEDED
// DENIED: bulkhead: denied: munmap(0x{{[0-9a-f]+}}, 0x1000) from the default domain
#define _GNU_SOURCE
#include <bulkhead.h>
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

BULKHEAD_DATA(vault) static int seven = 7;
BULKHEAD_ENTRY(vault) int vault_seven(void) { return seven; }

static int (*lib_function(int i))(void) {
  char name[16];
  snprintf(name, sizeof name, "f%d", i);
  void *f = dlsym(RTLD_DEFAULT, name);
  if (!f) {
    printf("no %s\n", name);
    exit(1);
  }
  return (int (*)(void))f;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc == 3) { /* unmap I: the code page of library I */
    int i = atoi(argv[2]);
    uintptr_t page = (uintptr_t)lib_function(i) & ~(uintptr_t)4095;
    printf("unmapping libm%d's code page\n", i);
    if (munmap((void *)page, 4096) == 0)
      printf("ATTACK SUCCEEDED: libm%d's code page unmapped\n", i);
    else
      perror("munmap");
    return 0;
  }
  int sum = 0;
  for (int i = 0; i < LIBS; i++)
    sum += lib_function(i)();
  printf("main ran: %d %d\n", sum, vault_seven());
  return 0;
}
