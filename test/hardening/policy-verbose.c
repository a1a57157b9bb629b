// BULKHEAD_VERBOSE=1 prints the system-call policy the runtime installs
// before main: the supervisor, what is refused, and every protected range
// (the executable, the libraries, the vault's stacks and heap). The
// opt-out, -fno-pkey-syscall-filter, is recorded in the binary: that build
// prints no policy and opens /proc/self/mem as any program may.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: env BULKHEAD_VERBOSE=1 %run %t 2>&1 | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-syscall-filter -O2 %s -o %t.off
// RUN: env BULKHEAD_VERBOSE=1 %run %t.off 2>&1 | FileCheck %s --check-prefix=OFF
// CHECK: bulkhead: system-call filter installed; supervisor pid {{[0-9]+}}
// CHECK: bulkhead:   denied outright: ptrace
// CHECK: bulkhead:   protected 0x{{[0-9a-f]+}}-0x{{[0-9a-f]+}} (loaded object)
// CHECK: bulkhead:   protected 0x{{[0-9a-f]+}}-0x{{[0-9a-f]+}} (compartment heap or stacks
// CHECK: bulkhead:   checked by the supervisor: every open
// CHECK: vault 7
// OFF-NOT: system-call filter installed
// OFF: /proc/self/mem: opened
// OFF: vault 7
#include <bulkhead.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

BULKHEAD_DATA(vault) static int seven = 7;
BULKHEAD_ENTRY(vault) int vault_seven(void) { return seven; }

/* The driver's record of the opt-out (runtime/syscalls.c). */
extern const char opt_out[] __asm__("__bulkhead_syscall_filter_off") __attribute__((weak));

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (opt_out && open("/proc/self/mem", O_RDONLY) >= 0)
    printf("/proc/self/mem: opened\n");
  printf("vault %d\n", vault_seven());
  return 0;
}
