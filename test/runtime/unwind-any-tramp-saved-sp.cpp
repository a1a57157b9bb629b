// Review 55's any-trampoline fix (issue 11), its second half: the saved
// stack pointer. A run-time-chosen call out of the vault (the
// any-trampoline, pass/Stacks.cpp finishAnyTrampolines) saves the vault's
// stack pointer on the callee's stack (main's, key-0), and its CFA
// expression takes the vault caller's frame from there; now its CFI also
// places the vault's callee-saved registers relative to that CFA. Not
// checked, a moved pointer would give the vault's catch a frame and
// registers of the mover's choosing (review 53's attack on the static
// trampolines, attacks-rev53-unwind-saved-sp.cpp, model A).
// How: vault_run calls vault_step in a try; vault_step copies the
// program's request onto its stack and calls lib_apply(cb) (a tail jump
// in top-level assembly, code the pass never saw), cb being the program's
// callback through its wrapper, entered with the vault's rights: the
// any-trampoline. The callback waits (as for I/O), then makes the vault
// throw. Meanwhile a second thread (key-0 loads and stores only) finds the
// any-trampoline's frame on main's stack and moves the saved pointer up by
// vault_step's frame (read from its prologue in the binary), as if the
// trampoline's caller were vault_run.
// Seen in the guest (LLVM 19, -O2), 3 of 3 each: with main's build
// (registers without CFI, pointer unchecked) the moved pointer was
// followed: vault_step's frame, which kept vault_run's rbx, was skipped and
// the catch crashed at address 0x0 (the control caught); with the
// registers' CFI but the pointer unchecked the catch ran as the control's
// (the rbx read at the moved frame is the one vault_step kept). No ATTACK
// SUCCEEDED line either way: this is the check's regression test, not an
// attack test.
// Now the any-trampoline's CFA expression is marked as a record's (abi.h,
// BH_CFA_SAVED_SP_MARK twice) and the runtime's copy of its FDE checks the
// pointer as the way back (__bulkhead_return_to_index) does: in the vault's
// arena, at a record holding the vault's index and cookie; moved, the
// unwinder reads BH_UNWIND_STOP and the program stops with one line. The
// control (an argument) leaves the pointer alone and catches.
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 -pthread %s -o %t
// RUN: %run %t control | FileCheck %s --check-prefix=CONTROL
// RUN: not %run %t > %t.out 2>&1; FileCheck %s < %t.out
// CONTROL: vault_step's frame: found
// CONTROL: saved stack pointer found
// CONTROL: request failed: 1, status 0x2144454e574f50
// CONTROL: vault key intact
// CHECK: saved stack pointer found
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: bulkhead: the unwinder stopped in compartment 'vault' at a call out of the compartment whose saved stack pointer does not point at
// CHECK-NOT: ATTACK SUCCEEDED
#include "Inputs/vault-key.h"
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

BULKHEAD_DATA(vault) long vault_sum;

static struct {
  long before[32];
  long words[5];
} request;
static volatile long fail_code = 1;

extern "C" void app_callback(void);
/* The callback, as the vault gets it: not known at compile time. */
static void (*volatile callback)(void) = app_callback;

extern "C" BULKHEAD_INTERNAL(vault) __attribute__((noinline)) void
vault_check(const long *b) {
  for (int i = 0; i < 5; i++)
    vault_sum += b[i];
}

/* A copy of the request on the vault's stack, the program's callback
 * through the library, then a check of the copy. */
extern "C" BULKHEAD_INTERNAL(vault) __attribute__((noinline)) void
vault_step(const long *in) {
  long buf[5];
  memcpy(buf, in, sizeof buf);
  lib_apply(callback);
  vault_check(buf); /* after: no tail call, nothing kept in a register */
}

extern "C" BULKHEAD_ENTRY(vault) int vault_run(const long *in, long *status) {
  try {
    vault_step(in);
  } catch (E &e) {
    *status = e.v;
    return 1;
  }
  return 0;
}

static int ack[2], armed;
static volatile int ready;
static uintptr_t *volatile top;

/* Waits for the program's other thread (as for I/O), then fails. */
extern "C" void app_callback(void) {
  char c;
  if (read(ack[0], &c, 1) == 1)
    vault_throw(fail_code);
}

static void *attacker(void *) {
  uintptr_t desc, key, step;
  __asm__("leaq __bulkhead_domain.vault(%%rip), %0" : "=r"(desc));
  __asm__("leaq vault_key(%%rip), %0" : "=r"(key));
  __asm__("leaq vault_step(%%rip), %0" : "=r"(step));
  /* The arena's bounds, from the vault's descriptor (BH_DOMAIN_STACK_LO,
   * BH_DOMAIN_STACK_HI). */
  uintptr_t lo = *(uintptr_t *)(desc + 40), hi = *(uintptr_t *)(desc + 48);
  /* vault_step's frame below its return address, from its prologue:
   * pushes, then "subq $n, %rsp". */
  const unsigned char *p = (const unsigned char *)step;
  long frame = 0;
  for (;; frame += 8)
    if (p[0] >= 0x50 && p[0] <= 0x57)
      p += 1;
    else if (p[0] == 0x41 && p[1] >= 0x50 && p[1] <= 0x57)
      p += 2;
    else
      break;
  if (!memcmp(p, "\x48\x89\xe5", 3)) /* movq %rsp, %rbp */
    p += 3;
  frame = !memcmp(p, "\x48\x83\xec", 3) ? frame + p[3] : -1;
  printf("vault_step's frame: %s\n", frame < 0 ? "not found" : "found");
  for (int i = 0; i < 32; i++)
    request.before[i] = (long)key;
  for (int i = 0; i < 5; i++)
    request.words[i] = (long)key;
  fail_code = POWNED;
  ready = 1;
  while (!top)
    ;
  usleep(200000); /* the callback is waiting */
  /* The any-trampoline's frame on main's stack (abi.h): the vault's saved
   * stack pointer (BH_FRAME_FROM_SP: in its arena, at the record, 16-
   * aligned) just above the caller's index (BH_FRAME_FROM_OLD_SLOT: 0). */
  volatile uintptr_t *found = NULL;
  /* From the top down: lower, stale words of the runtime's own earlier
   * calls (a stack's hand-over area, with a 0 below) can match too. */
  for (volatile uintptr_t *w = top - 1; w > top - 4096 && !found; w--)
    if (w[0] > lo && w[0] <= hi && w[0] % 16 == 0 && w[-1] == 0)
      found = w;
  printf("saved stack pointer %s\n", found ? "found" : "not found");
  /* As if the trampoline's caller were vault_step's caller: 8 for the
   * return address into vault_step. */
  if (found && frame >= 0 && armed)
    *found += frame + 8;
  if (write(ack[1], "k", 1) != 1)
    puts("no acknowledgement");
  return NULL;
}

int main(int argc, char **argv) {
  (void)argv;
  setvbuf(stdout, NULL, _IONBF, 0);
  armed = argc < 2;
  if (pipe(ack)) {
    puts("no pipe");
    return 1;
  }
  pthread_t t;
  pthread_create(&t, NULL, attacker, NULL);
  while (!ready)
    ;
  uintptr_t here;
  top = &here;
  long status = 0;
  int failed = vault_run(request.words, &status);
  pthread_join(t, NULL);
  report(failed, status);
  return 0;
}
