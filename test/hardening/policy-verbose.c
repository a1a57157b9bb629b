// BULKHEAD_VERBOSE=1 prints the system-call policy the runtime installs
// before main: the supervisor, what is refused, and every protected range
// (the executable, the libraries, the vault's stacks and heap). The
// opt-out, -fno-pkey-syscall-filter, is recorded in the binary: that build
// prints no policy and opens /proc/self/mem as any program may. Under a
// seccomp filter that is not a hardened program's (a container's or a
// service manager's, here an allow-all one), the policy is installed all
// the same.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: env BULKHEAD_VERBOSE=1 %run %t > %t.out 2> %t.err
// RUN: FileCheck %s < %t.err
// RUN: FileCheck %s --check-prefix=OUT < %t.out
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-syscall-filter -O2 %s -o %t.off
// RUN: env BULKHEAD_VERBOSE=1 %run %t.off > %t.off.out 2> %t.off.err
// RUN: not grep "system-call filter installed" %t.off.err
// RUN: FileCheck %s --check-prefix=OFF < %t.off.out
// RUN: env BULKHEAD_VERBOSE=1 BULKHEAD_VM_FILES=%t %run %t.off under-filter %t > %t.under.out 2> %t.under.err
// RUN: FileCheck %s --check-prefix=UNDER < %t.under.err
// RUN: FileCheck %s --check-prefix=OUT < %t.under.out
// CHECK: bulkhead: system-call filter installed; supervisor pid {{[0-9]+}}
// CHECK: bulkhead:   denied outright: ptrace
// CHECK: bulkhead:   protected 0x{{[0-9a-f]+}}-0x{{[0-9a-f]+}} (loaded object)
// CHECK: bulkhead:   protected 0x{{[0-9a-f]+}}-0x{{[0-9a-f]+}} (compartment heap or stacks
// CHECK: bulkhead:   checked by the supervisor: every open
// OUT: vault 7
// OFF: /proc/self/mem: opened
// OFF: vault 7
// UNDER: bulkhead: system-call filter installed; supervisor pid
#include <bulkhead.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <string.h>
#include <sys/prctl.h>
#include <stdio.h>
#include <unistd.h>

BULKHEAD_DATA(vault) static int seven = 7;
BULKHEAD_ENTRY(vault) int vault_seven(void) { return seven; }

/* The driver's record of the opt-out (runtime/syscalls.c). */
extern const char opt_out[] __asm__("__bulkhead_syscall_filter_off") __attribute__((weak));

/* Runs prog under an allow-all seccomp filter of its own. */
static int under_filter(char *prog) {
  struct sock_filter allow[] = {BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)};
  struct sock_fprog fp = {1, allow};
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fp))
    return 1;
  execl(prog, prog, (char *)NULL);
  return 127;
}

int main(int argc, char **argv) {
  if (argc > 2 && !strcmp(argv[1], "under-filter"))
    return under_filter(argv[2]);
  setvbuf(stdout, NULL, _IONBF, 0);
  if (opt_out && open("/proc/self/mem", O_RDONLY) >= 0)
    printf("/proc/self/mem: opened\n");
  printf("vault %d\n", vault_seven());
  return 0;
}
