// Review 55 (issue 11's landing pads), attacker model A with a second
// thread (key-0 loads and stores only): the model-B finding of
// attacks-rev55-any-tramp-regs.cpp without any attacker code. A throw with
// the vault's rights unwinds through a run-time-chosen call out of the
// vault (the any-trampoline, pass/Stacks.cpp finishAnyTrampolines), whose
// CFI says nothing of the vault's callee-saved registers: the unwinder
// takes them from the default domain's frames, on main's key-0 stack.
// How: vault_run(status) calls lib_apply(cb) in a try (lib_apply: code the
// pass never saw, a tail jump to cb); cb is the program's benign callback,
// through its wrapper entered with the vault's rights: the any-trampoline.
// The callback keeps a pointer in rbx (pushed in its prologue), waits (as
// for I/O), then makes the vault throw the program's error code. Meanwhile
// the second thread finds the callback's frame on main's stack (its return
// address into the any-trampoline, found after the trampoline's
// "callq *%r11" in the binary) and writes the address of the vault's key
// into the rbx the callback pushed. The unwinder restores rbx from there,
// passes the any-trampoline (no rule) and lands in vault_run's catch, which
// at -O2 keeps the status pointer in rbx: it stores the code ("POWNED!")
// into vault_key with the vault's rights. The control (an argument)
// leaves the stack alone: the catch then runs with rbx 0, the zero the
// any-trampoline put there before the call (seen: SIGSEGV at address 0x0
// in compartment 'vault': the same gap, without an attacker).
// Seen in the guest (LLVM 19, -O2): ATTACK SUCCEEDED, 3 of 3; the control
// crashed as said. The attack's RUN line comes first.
// Suggested fix: as attacks-rev55-any-tramp-regs.cpp: CFI in the
// any-trampoline for the callee-saved registers it pushed on the vault's
// stack (relative to the saved stack pointer, checked against the record's
// cookie like a marked CFA), so the unwinder restores the vault's own.
// Fixed (issue 11, review 55): the any-trampoline's CFI places the
// callee-saved registers it pushed on the vault's stack relative to its
// CFA (as a static trampoline's does), and its CFA expression is marked as
// a record's (abi.h, BH_CFA_SAVED_SP_MARK twice), which the runtime's copy
// of its FDE (runtime/unwind-copy.c, put_checked_cfa) checks as the way
// back does (saved pointer in the vault's arena, at a record holding the
// vault's index and cookie): the unwinder restores the vault's own
// registers, so the catch stores the code through the real status pointer.
// Seen in the guest (LLVM 19, -O2) after: "vault key intact", 3 of 3; the
// control catches with the right status pointer (its CONTROL lines: the
// status written through the register the catch keeps it in).
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 -pthread %s -o %t
// RUN: %run %t > %t.out 2>&1 || true; FileCheck %s < %t.out
// RUN: %run %t control | FileCheck %s --check-prefix=CONTROL
// CONTROL: callback's frame found
// CONTROL: request failed: 1, status 0x2144454e574f50
// CONTROL-NOT: SIGSEGV
// CONTROL: vault key intact
// CHECK: callback's frame found
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: request failed: 1, status 0x2144454e574f50
// CHECK-NEXT: vault key intact
#include "Inputs/vault-key.h"
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

extern "C" BULKHEAD_ENTRY(vault) int vault_run(void (*cb)(void),
                                                long *status) {
  try {
    lib_apply(cb);
  } catch (E &e) {
    *status = e.v;
    return 1;
  }
  return 0;
}

static int ack[2], armed;
static volatile int ready;
static uintptr_t *volatile top;
static long counts[4];
static long *volatile counts_at = counts;
static volatile long fail_code = 1;

/* The program's callback: counts, waits (as for I/O), then fails. */
extern "C" __attribute__((noinline)) void app_callback(void) {
  long *c = counts_at;
  char b;
  c[0]++;
  if (read(ack[0], &b, 1) == 1)
    c[1]++;
  vault_throw(fail_code);
}

static void *attacker(void *) {
  uintptr_t key, tr;
  __asm__("leaq vault_key(%%rip), %0" : "=r"(key));
  __asm__("leaq __bulkhead_tramp_any.0.g0x0.a0v0(%%rip), %0" : "=r"(tr));
  /* Where the any-trampoline's call returns: after its "callq *%r11". */
  const unsigned char *p = (const unsigned char *)tr;
  uintptr_t ret = 0;
  for (int k = 0; k < 4096 && !ret; k++)
    if (p[k] == 0x41 && p[k + 1] == 0xff && p[k + 2] == 0xd3)
      ret = tr + k + 3;
  fail_code = POWNED;
  ready = 1;
  while (!top)
    ;
  usleep(200000); /* the callback is waiting */
  /* The callback's frame on main's stack: its return address into the
   * trampoline, then the register it pushed first (rbx). */
  volatile uintptr_t *found = NULL;
  for (volatile uintptr_t *w = top - 4096; w < top && !found; w++)
    if (ret && *w == ret)
      found = w;
  printf("callback's frame %s\n", found ? "found" : "not found");
  if (found && armed)
    found[-1] = key;
  if (write(ack[1], "k", 1) != 1)
    puts("no acknowledgement");
  return NULL;
}

int main(int argc, char **argv) {
  (void)argv;
  setvbuf(stdout, NULL, _IONBF, 0);
  armed = argc < 2;
  if (pipe(ack))
    return 1;
  pthread_t t;
  pthread_create(&t, NULL, attacker, NULL);
  while (!ready)
    ;
  uintptr_t here;
  top = &here;
  long status = 0;
  int failed = vault_run(app_callback, &status);
  pthread_join(t, NULL);
  report(failed, status);
  return 0;
}
