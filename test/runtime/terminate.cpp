// std::terminate (runtime/terminate.c): in the default domain it runs the
// program's handler (std::set_terminate), as libstdc++'s does; with a
// compartment's rights it runs none and ends the process with one line:
// here a throw in the vault that nobody catches (__cxa_throw's terminate,
// with the thrower's rights) and the vault's own call.
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 %s -o %t
// RUN: not %run %t default 2>&1 | FileCheck %s --check-prefix=DEFAULT
// RUN: not %run %t throw 2>&1 | FileCheck %s --check-prefix=VAULT
// RUN: not %run %t call 2>&1 | FileCheck %s --check-prefix=VAULT
// DEFAULT: the program's handler
// VAULT-NOT: the program's handler
// VAULT: bulkhead: error: std::terminate called in compartment 'vault'
// VAULT-NOT: the program's handler
#include <bulkhead.h>
#include <exception>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

extern "C" BULKHEAD_ENTRY(vault) void vault_throw(void) { throw 1; }
extern "C" BULKHEAD_ENTRY(vault) void vault_call(void) { std::terminate(); }

static void handler() {
  fputs("the program's handler\n", stderr);
  _exit(3);
}

int main(int argc, char **argv) {
  std::set_terminate(handler);
  if (argc < 2)
    return 2;
  if (!strcmp(argv[1], "default"))
    std::terminate();
  if (!strcmp(argv[1], "throw"))
    vault_throw();
  if (!strcmp(argv[1], "call"))
    vault_call();
  return 0;
}
