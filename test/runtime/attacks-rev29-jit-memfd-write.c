// Review 29, attacker model B (the default domain's program counter, any
// system call the filter allows), with a start-up library whose JIT keeps
// its code in a memfd (Inputs/rev29-jit-memfd.c): its constructor maps the
// memfd private, readable and executable, and keeps the descriptor. The
// maps walks at start-up and at the filter's installation (gadgets.c
// bh_check_exec_memory) search that memory whole and find no PKRU write;
// it is neither writable, nor shared, nor mapped writable and shared
// elsewhere. But a private page the process never wrote shows every later
// write to its file, and the descriptor is the process's: the start-up
// copies (supervisor-own.c) were made in .preinit_array, before this
// mapping existed, and the supervisor judges only new mappings.
//
// Here main (any code, after the filter) pwrite()s WRPKRU; RET through
// the kept descriptor over the compiled code and calls it with eax = ecx
// = edx = 0: every key opens and the vault's secret reads (ATTACK
// SUCCEEDED). The control calls the compiled code as built (7).
//
// Seen in the guest: ATTACK SUCCEEDED; control: compiled code says 7.
//
// Suggested fix: at the filter's installation (before the last maps
// walk), make every private, readable file mapping made since
// .preinit_array the process's own copy (supervisor-own.c's forced
// write through /proc/self/mem), whatever the file: a descriptor kept
// open, not only the process's ids, can write it; or stop the program on
// executable file mappings that are not a start-up object's.
// Fixed by the second suggestion (gadgets.c, made while this review ran):
// an executable file mapping no object in ld.so's list holds stops the
// program before main with one line, so neither run reaches main.
// REQUIRES: pku
// RUN: rm -rf %t && mkdir -p %t
// RUN: %clang -O1 -shared -fPIC %S/Inputs/rev29-jit-memfd.c -o %t/libjit.so
// RUN: %bulkhead_clang -fpkey-compartments -O1 %s -L%t -Wl,--no-as-needed -ljit -Wl,-rpath,%t -o %t/prog
// RUN: not %run %t/prog attack > %t/out 2>&1
// RUN: FileCheck %s < %t/out
// CHECK: {{^}}bulkhead: error: memory at 0x{{[0-9a-f]+}}-0x{{[0-9a-f]+}} (/memfd:rev29-jit (deleted)) is an executable file mapping no object in ld.so's list holds
// CHECK-NOT: ATTACK SUCCEEDED
#define _GNU_SOURCE
#include <bulkhead.h>
#include "Inputs/steal-secret.h"
#include <stdio.h>
#include <string.h>
#include <unistd.h>

BULKHEAD_DATA(vault) static char secret[32] = "TOP-SECRET-VAULT-KEY";
BULKHEAD_ENTRY(vault) int vault_len(void) { return (int)strlen(secret); }

extern void *volatile rev29_jit_code;
extern int rev29_jit_fd;

int main(int argc, char **argv) {
  int attack = argc > 1 && !strcmp(argv[1], "attack");
  printf("vault says %d\n", vault_len());
  void *code = rev29_jit_code;
  printf("compiled code found: %d\n", code != NULL);
  if (!code)
    return 1;
  if (!attack) {
    printf("compiled code says %d\n", ((int (*)(void))code)());
    return 0;
  }
  /* WRPKRU; RET, made at run time: the program holds no such bytes. */
  static volatile unsigned char op = 0xee;
  unsigned char bytes[4] = {0x0f, 0x01, (unsigned char)(op + 1), 0xc3};
  printf("written: %ld\n", (long)pwrite(rev29_jit_fd, bytes, sizeof bytes, 0));
  fflush(stdout);
  steal_secret(code, secret);
  return 0;
}
