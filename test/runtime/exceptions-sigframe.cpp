// What review 53's refusal of signal frames (runtime/unwind-find.c) costs
// legitimate programs. With a compartment's rights the unwinder goes
// through no signal frame: a vault exception that would leave a signal
// handler through its signal frame (to a catch in the interrupted code)
// stops the program with one line instead. Caught inside the handler it
// is unaffected, and the runtime's own walks still go through signal
// frames: backtrace(3) in the vault, called from a handler, reaches the
// interrupted function. The handler runs on the alternate stack
// (SA_ONSTACK): off it the dispatcher's switch of stacks (bh_call_on_stack,
// no CFI) already ends every walk and throw before the signal frame, with
// or without this refusal ("caught in main" then never prints either).
// Seen in the guest (LLVM 19), before the refusal: caught and backtrace
// as here; through ended in std::terminate, in the vault, after the
// signal frame (so does the default domain's own throw out of this
// handler: glibc's raise() is no place to throw through). So a program
// loses a throw out of a signal frame only where the interrupted code
// would catch it (-fnon-call-exceptions): it now stops with one line.
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O0 %s -o %t
// RUN: %run %t caught | FileCheck %s --check-prefix=CAUGHT
// RUN: %run %t backtrace | FileCheck %s --check-prefix=BACKTRACE
// RUN: not %run %t through 2>&1 | FileCheck %s --check-prefix=THROUGH
// CAUGHT: caught in the handler: 7
// CAUGHT: done
// BACKTRACE: backtrace from the vault reaches the interrupted function: yes
// THROUGH: the unwinder cannot unwind the frame at pc {{.*}}libc.so.6{{.*}} with a compartment's rights: a signal frame
// THROUGH-NOT: caught
#include <bulkhead.h>
#include <execinfo.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct E {
  int v;
};

extern "C" BULKHEAD_ENTRY(vault) void vault_throw(int v) { throw E{v}; }

extern "C" BULKHEAD_ENTRY(vault) int vault_backtrace(void **out, int max) {
  return backtrace(out, max);
}

static const char *mode;
static volatile int reached;

extern "C" __attribute__((noinline)) void interrupted(void) {
  raise(SIGUSR1);
}

static void handler(int) {
  if (!strcmp(mode, "caught")) {
    try {
      vault_throw(7);
    } catch (E &e) {
      printf("caught in the handler: %d\n", e.v);
    }
  } else if (!strcmp(mode, "backtrace")) {
    void *f[64];
    int n = vault_backtrace(f, 64);
    /* A return address into interrupted(), just after its call of raise
     * (its code's address: a C++ function pointer may be a stub's). */
    uintptr_t code;
    __asm__("leaq interrupted(%%rip), %0" : "=r"(code));
    for (int i = 0; i < n; i++)
      if ((uintptr_t)f[i] > code && (uintptr_t)f[i] < code + 64)
        reached = 1;
  } else {
    vault_throw(9); /* out of the handler, through its signal frame */
  }
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  mode = argc > 1 ? argv[1] : "caught";
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = handler;
  sa.sa_flags = SA_ONSTACK;
  sigaction(SIGUSR1, &sa, NULL);
  try {
    interrupted();
  } catch (E &e) {
    printf("caught in main: %d\n", e.v);
  }
  if (!strcmp(mode, "backtrace"))
    printf("backtrace from the vault reaches the interrupted function: %s\n",
           reached ? "yes" : "no");
  puts("done");
  return 0;
}
