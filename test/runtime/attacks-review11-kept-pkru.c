// Attacker model C (docs/threat-model.md, use 2: contain a buggy library):
// the attacker is a bug inside compartment 'lib'; it may read and write
// lib's memory (its stack included) and key-0 memory, and no more. Its goal
// is the vault's key, another compartment's data.
//
// A signal interrupts lib's code, so the dispatcher keeps a copy of lib's
// interrupted context (ucontext and XSAVE image, with the saved PKRU) on
// lib's own stack, checks that copy's PKRU once, and after the program's
// handler returns makes the rt_sigreturn from that copy itself
// (runtime/signals.c keep/give_back; docs/signals.md). The copy is on lib's
// key: lib can write it. Here the handler is lib's own (a library that
// catches its own signal), so lib code runs, nested, below the copy while
// it is kept; a store of lib's (a write bug, no control of the program
// counter needed) sets the copy's saved PKRU to 0. Before the fix,
// give_back did not check the copy again: the kernel installed PKRU 0
// (every key open) and lib resumed with it, read the vault's key and handed
// it back.
//
// lib needs no handler of its own: a handler that calls into lib, or a
// second thread of lib (every thread's stack of lib is on lib's key) can
// make the same store while any handler runs (not tried here).
//
// Fixed: give_back checks the copy again (PKRU equal to the compartment's
// own, XSTATE_BV's PKRU bit set, fpregs pointing at the copy's image, magic
// and size) right before rt_sigreturn, with keep's check, and stops the
// process otherwise. That check alone still leaves a second thread of lib
// a window between it and the kernel's read; what the kernel reads must be
// out of every other thread of lib's reach (the saved rip too, not only
// the PKRU). A lib that controls its program
// counter can still make a raw rt_sigreturn of its own (the open "forge a
// sigreturn frame" item); this one needs only a store.
//
// -DCLEAR_BV: the store clears XSTATE_BV's PKRU bit instead (the kernel
// then loads PKRU's init state, 0). -DCONTROL: lib leaves its copy alone;
// its read of the key faults.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t > %t.out 2>&1 || true
// RUN: FileCheck %s < %t.out
// RUN: %bulkhead_clang -fpkey-compartments -O2 -DCLEAR_BV %s -o %t.bv
// RUN: %run %t.bv > %t.bv.out 2>&1 || true
// RUN: FileCheck %s < %t.bv.out
// CHECK-NOT: LEAK
// CHECK: bulkhead: error: the kept signal frame of compartment 'lib' was rewritten while its handler ran
#include "Inputs/check.h"
#include "Inputs/sigframe.h"

#define SECRET 0x5ec7e75ec7e7L
BULKHEAD_DATA(vault) static long key = SECRET;
BULKHEAD_ENTRY(vault) void *vault_where(void) { return &key; }

/* lib: the buggy library. */
BULKHEAD_DATA(lib) static long found;

BULKHEAD_ENTRY(lib) long lib_run(const long *target) {
  __asm__ volatile("int3"); /* its signal */
  return *(volatile const long *)target;
}

/* lib's own handler (entered with lib's rights through its wrapper, on
 * lib's stack below the kept copy). The kept ucontext is found by what it
 * holds: the kernel's (the handler's argument, key-0 memory) registers,
 * with fpregs pointing elsewhere (at the copy's image). */
BULKHEAD_ENTRY(lib) void lib_on_trap(int sig, siginfo_t *si, void *ucv) {
  (void)sig, (void)si;
#ifndef CONTROL
  ucontext_t *kuc = ucv;
  long rip = kuc->uc_mcontext.gregs[REG_RIP];
  long rsp = kuc->uc_mcontext.gregs[REG_RSP];
  char *p = (char *)((uintptr_t)__builtin_frame_address(0) & ~(uintptr_t)15);
  for (int i = 0; i < 4096; i++, p += 16) {
    ucontext_t *c = (ucontext_t *)p;
    if (c->uc_mcontext.gregs[REG_RIP] != rip ||
        c->uc_mcontext.gregs[REG_RSP] != rsp ||
        c->uc_mcontext.fpregs == kuc->uc_mcontext.fpregs)
      continue;
    uint32_t *pkru = frame_pkru_slot(c);
    if (pkru) {
#ifdef CLEAR_BV
      ((unsigned char *)c->uc_mcontext.fpregs)[513] &= ~2; /* bit 9 */
#else
      *pkru = 0; /* the bug's store */
#endif
      found = (long)c;
    }
    break;
  }
#endif
}
BULKHEAD_ENTRY(lib) long lib_found(void) { return found; }

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct sigaction sa = {.sa_sigaction = lib_on_trap, .sa_flags = SA_SIGINFO};
  CHECK(sigaction(SIGTRAP, &sa, NULL) == 0);
  long v = lib_run(vault_where());
  printf("lib found its kept copy at %#lx\n", lib_found());
  if (v == SECRET) {
    printf("attacks-review11-kept-pkru: LEAK: lib resumed with PKRU 0 and "
           "read the vault's key %#lx\n",
           v);
    return 1;
  }
  printf("attacks-review11-kept-pkru: lib read %#lx: not the key\n", v);
  return 1;
}
