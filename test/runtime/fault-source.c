// A protection-key fault report says which memory of the compartment was
// touched (heap, data, stack), names the code that touched it and its
// callers (function+offset, object+offset), and prints the llvm-symbolizer
// command that gives their source lines, which gives this file's lines.
// A fault in a default-domain callback called from a compartment walks up
// to the trampoline and stops there (the compartment's frames are not the
// handler's to read).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O1 -g %s -o %t
// RUN: %run %t > %t.out 2> %t.err
// RUN: FileCheck %s -DEXE=%t -DSYMBOLIZER=%llvm_bin/llvm-symbolizer < %t.err
// RUN: grep -m1 "source lines:" %t.err | sed 's/.*source lines: //' > %t.cmd
// RUN: sh %t.cmd | FileCheck %s --check-prefix=LINES
// RUN: awk '/stack of compartment/ { f = 1 } f && /source lines:/ { sub(/.*source lines: /, ""); print; exit }' %t.err > %t.cmd3
// RUN: sh %t.cmd3 | FileCheck %s --check-prefix=LINES3
#include "Inputs/check.h"

BULKHEAD_DATA(vault) static int vault_global = 1;
BULKHEAD_ENTRY(vault) char *vault_block(void);
BULKHEAD_ENTRY(vault) int *vault_global_address(void);
BULKHEAD_ENTRY(vault) void vault_calls_back(void (*cb)(char *));

char *vault_block(void) { return malloc(64); }
int *vault_global_address(void) { return &vault_global; }
void vault_calls_back(void (*cb)(char *)) {
  char local[32] = {0};
  cb(local); /* hands the default domain a pointer to its stack */
}

static char *block;
__attribute__((noinline)) static void read_block(void *unused) {
  (void)unused;
  *(volatile char *)block; // LINES: fault-source.c:[[@LINE]]
}
__attribute__((noinline)) static void write_global(void *unused) {
  (void)unused;
  *(volatile int *)vault_global_address() = 2;
}
static void callback(char *local) { *(volatile char *)local = 1; } // LINES3: fault-source.c:[[@LINE]]
__attribute__((noinline)) static void stack_from_callback(void *unused) {
  (void)unused;
  vault_calls_back(callback);
}

/* Each case in a child, one after the other: their reports in order. */
static void run(void (*fn)(void *)) {
  fflush(NULL);
  pid_t pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    fn(NULL);
    _exit(0);
  }
  int status;
  CHECK(waitpid(pid, &status, 0) == pid);
  CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
}

int main(void) {
  block = vault_block();
  run(read_block);
  run(write_global);
  run(stack_from_callback);
  printf("fault-source: ok\n");
  return 0;
}
// CHECK:      bulkhead: protection-key fault: access to 0x{{[0-9a-f]+}} in compartment 'vault' (pkey {{[0-9]+}}) from the default domain
// CHECK-NEXT: bulkhead:   the address is in the heap of compartment 'vault'; to share heap blocks a library's callers must use, see the sharing policy (docs/heaps.md)
// CHECK-NEXT: bulkhead:   at read_block+0x{{[0-9a-f]+}} ([[EXE]]+0x[[PC:[0-9a-f]+]])
// CHECK:      bulkhead:   from run+0x{{[0-9a-f]+}} ([[EXE]]+0x{{[0-9a-f]+}})
// CHECK-NEXT: bulkhead:   from main+0x{{[0-9a-f]+}} ([[EXE]]+0x{{[0-9a-f]+}})
// CHECK:      bulkhead:   source lines: [[SYMBOLIZER]] --obj=[[EXE]] 0x[[PC]] 0x{{.*}}
// CHECK:      bulkhead: protection-key fault: access to 0x{{[0-9a-f]+}} in compartment 'vault'
// CHECK-NEXT: bulkhead:   the address is in the data of compartment 'vault'{{$}}
// CHECK-NEXT: bulkhead:   at write_global+0x{{[0-9a-f]+}} ([[EXE]]+0x
// CHECK:      bulkhead: protection-key fault: access to 0x{{[0-9a-f]+}} in compartment 'vault'
// CHECK-NEXT: bulkhead:   the address is in the stack of compartment 'vault'{{$}}
// CHECK-NEXT: bulkhead:   at callback+0x{{[0-9a-f]+}} ([[EXE]]+0x
// CHECK-NEXT: bulkhead:   from __bulkhead_tramp_ind.vault.0+0x
// CHECK-NEXT: bulkhead:   source lines: [[SYMBOLIZER]] --obj=[[EXE]] 0x
