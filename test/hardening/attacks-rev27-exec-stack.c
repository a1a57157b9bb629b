// Review 27, attacker model B (the default domain's program counter).
// Nothing at start-up looks at executable memory that is no object's
// code. A start-up library whose PT_GNU_STACK asks for an executable stack
// (built with -z execstack, or from an assembly file without a
// .note.GNU-stack section: binutils only warns) makes ld.so turn the main
// thread's stack executable before the runtime runs
// (_dl_make_stack_executable: mprotect with PROT_EXEC | PROT_GROWSDOWN,
// the whole stack mapping). runtime/syscalls.c refuses READ_IMPLIES_EXEC
// ("an executable stack?"), which a library's headers never set (and
// x86-64 kernels since 5.8 set for no 64-bit program);
// the gadget scan walks objects only; the filter refuses new executable
// memory, not memory that already is. The main stack stays read, write
// and execute, key 0: the default domain writes WRPKRU; RET into a local
// array, jumps to it with eax = ecx = edx = 0 and reads the vault's page
// (ATTACK SUCCEEDED). (A thread made later gets an executable stack from
// glibc too, which the supervisor refuses: the process dies.)
//
// Seen in the guest (filter on, as root): [stack] is rwxp, ATTACK
// SUCCEEDED; the control, built with a library without -z execstack, has
// an rw-p stack, and the jump faults (SIGSEGV).
//
// Suggested fix: at start-up (and at constructor 103) refuse, with one
// line, a process with any mapping that is writable and executable, or
// executable and no loaded object's (walk /proc/self/maps, not ld.so's
// list); or name the start-up object whose PT_GNU_STACK has PF_X.
// Fixed (runtime/gadgets.c): both scans refuse writable and executable
// memory; for the stack the line names the object that asked for it.
// REQUIRES: pku
// RUN: rm -rf %t && mkdir %t
// RUN: mkdir -p %t/libx && %clang -O2 -fPIC -shared -Wl,-z,execstack %S/Inputs/startup-lib.c -o %t/libx/libsl.so
// RUN: mkdir -p %t/libn && %clang -O2 -fPIC -shared %S/Inputs/startup-lib.c -o %t/libn/libsl.so
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -L%t/libx -lsl -Wl,-rpath,%t/libx -o %t/prog
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -L%t/libn -lsl -Wl,-rpath,%t/libn -o %t/control
// RUN: %run %t/control > %t/control.out 2>&1 || true
// RUN: FileCheck %s --check-prefix=CONTROL < %t/control.out
// RUN: not %run %t/prog > %t/out 2>&1
// RUN: FileCheck %s < %t/out
// CONTROL: stack executable: 0
// CONTROL-NOT: ATTACK SUCCEEDED
// CONTROL: stack: stopped by signal 11
// CONTROL: parent's vault intact: 1
// CHECK: {{^}}bulkhead: error: the stack is executable because {{.*}}/libx/libsl.so asks for it (PT_GNU_STACK)
// CHECK-NOT: ATTACK SUCCEEDED
#include "Inputs/target.h"
#include "Inputs/libc-wrpkru.h"

int startup_lib_fn(int x);

/* Whether the [stack] mapping is executable (/proc/self/maps). */
static int stack_executable(void) {
  FILE *f = fopen("/proc/self/maps", "r");
  char line[512];
  int x = 0;
  while (f && fgets(line, sizeof line, f))
    if (strstr(line, "[stack]"))
      x = strchr(line, ' ')[3] == 'x';
  if (f)
    fclose(f);
  return x;
}

static void attack(void) {
  unsigned char code[16];
  char got[64] = {0};
  wrpkru_ret(code);
  JUMP_AND_READ(code, got);
  report_read("WRPKRU written on the executable main stack", got);
}

int main(void) {
  printf("library says %d\n", startup_lib_fn(2));
  printf("stack executable: %d\n", stack_executable());
  struct attack a[] = {{"stack", attack}};
  return run_attacks(a, 1);
}
