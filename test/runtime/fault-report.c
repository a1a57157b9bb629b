// A protection-key fault is reported with the compartment's name before the
// process dies of SIGSEGV as it would without Bulkhead.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s %S/Inputs/vault.c -o %t
// RUN: %run %t > %t.out 2> %t.err
// RUN: cat %t.err %t.out | FileCheck %s
#include "Inputs/check.h"
#include "Inputs/vault.h"

int main(void) {
  unsigned char *key = vault_key_address();
  fflush(NULL);
  pid_t pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    (void)*(volatile unsigned char *)key; /* the runtime's reporter is active */
    _exit(0);
  }
  int status;
  CHECK(waitpid(pid, &status, 0) == pid);
  CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
  printf("child died of SIGSEGV; vault pkey %d\n", bulkhead_compartment_pkey("vault"));
  return 0;
}
// CHECK: bulkhead: protection-key fault: access to 0x{{[0-9a-f]+}} in compartment 'vault' (pkey [[KEY:[0-9]+]]) from the default domain
// CHECK: child died of SIGSEGV; vault pkey [[KEY]]
