/* unwind-vault.h - the vault and the program of the attacks on a
 * compartment's unwinding through a call out (attacks-rev53-unwind-
 * saved-sp.cpp, attacks-rev53-forged-sigframe.cpp): vault_run copies the
 * program's request onto the vault's stack (vault_step) and calls the
 * program's callback out of the vault, which waits for the program's
 * other thread (the attacker) on a pipe and makes the vault throw
 * fail_code; vault_run's catch stores it through the caller's status
 * pointer with the vault's rights. An attacker that steers the unwinder
 * makes that store land in vault_key. The test defines the attacker
 * thread and main. */
#ifndef UNWIND_VAULT_H
#define UNWIND_VAULT_H
#include "vault-key.h"
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <ucontext.h>
#include <unistd.h>

BULKHEAD_DATA(vault) long vault_sum;

/* The program's request (the five words the vault reads, after 32 others)
 * and the code its callback fails with: key-0 memory. */
static struct {
  long before[32];
  long words[5];
} request;
static volatile long fail_code = 1;

extern "C" void app_callback(void);

extern "C" BULKHEAD_INTERNAL(vault) __attribute__((noinline)) void
vault_check(const long *b) {
  for (int i = 0; i < 5; i++)
    vault_sum += b[i];
}

/* A copy of the request on the vault's stack, then the program's
 * callback. */
extern "C" BULKHEAD_INTERNAL(vault) __attribute__((noinline)) void
vault_step(const long *in) {
  long buf[5];
  memcpy(buf, in, sizeof buf);
  vault_check(buf);
  app_callback();
}

/* The request's error code goes to the caller's status word. */
extern "C" BULKHEAD_ENTRY(vault) int vault_run(const long *in, long *status) {
  try {
    vault_step(in);
  } catch (E &e) {
    *status = e.v;
    return 1;
  }
  return 0;
}

static int ack[2];
static volatile int ready;
static uintptr_t *volatile top; /* near the top of main's stack */

/* Waits for the program's other thread (as for I/O), then fails. */
extern "C" void app_callback(void) {
  char c;
  if (read(ack[0], &c, 1) == 1)
    vault_throw(fail_code);
}

/* vault_step's frame below its return address, from its prologue; -1 if
 * the prologue is not one of the two the compilers give it. */
static long vault_step_frame(void) {
  uintptr_t step;
  __asm__("leaq vault_step(%%rip), %0" : "=r"(step));
  const unsigned char *p = (const unsigned char *)step;
  if (!memcmp(p, "\x55\x48\x89\xe5\x48\x83\xec", 7))
    return 8 + p[7];
  if (!memcmp(p, "\x48\x83\xec", 3))
    return p[3];
  return -1;
}

/* Every word of the request the address of the vault's key, and the
 * callback's code "POWNED!"; then main may call the vault. */
static void arm_request(void) {
  uintptr_t key;
  __asm__("leaq vault_key(%%rip), %0" : "=r"(key));
  for (int i = 0; i < 32; i++)
    request.before[i] = (long)key;
  for (int i = 0; i < 5; i++)
    request.words[i] = (long)key;
  fail_code = POWNED;
  ready = 1;
}

/* Once main is in the vault and the callback waits: the call out's frame
 * on main's stack, at the vault's saved stack pointer (in its arena, 8
 * mod 16) just above the vault's old slot (in its arena, 16-aligned,
 * higher); NULL if not found. */
static volatile uintptr_t *find_saved_sp(void) {
  uintptr_t desc;
  __asm__("leaq __bulkhead_domain.vault(%%rip), %0" : "=r"(desc));
  /* The arena's bounds, from the vault's descriptor (BH_DOMAIN_STACK_LO,
   * BH_DOMAIN_STACK_HI). */
  uintptr_t lo = *(uintptr_t *)(desc + 40), hi = *(uintptr_t *)(desc + 48);
  while (!top)
    ;
  usleep(200000); /* the callback is waiting */
  for (volatile uintptr_t *w = top - 4096; w < top; w++) {
    uintptr_t v = w[0], s = w[-1];
    if (v > lo && v <= hi && v % 16 == 8 && s > v && s <= hi && s % 16 == 0)
      return w;
  }
  return NULL;
}
/* The forgery (review 53): below the saved stack pointer FOUND, the old
 * slot, the top, then the callback's return address, set to RA; above it,
 * where a signal handler's return address to the stub would be, a
 * ucontext that resumes vault_run's catch (BACK, vault_step's return
 * point) with rbx KEY and rbp the program's request. vault_step's return
 * address is 64 bytes above the saved stack pointer (the call out's six
 * registers, slot and cookie); vault_run's stack pointer is above it and
 * vault_step's FRAME. */
static void forge_sigframe(volatile uintptr_t *found, long frame,
                           uintptr_t back, uintptr_t key, uintptr_t ra) {
  volatile uintptr_t *ret = found - 4;
  volatile char *uc = (volatile char *)(ret + 1);
#define REG(r) (*(volatile uintptr_t *)(uc + offsetof(ucontext_t, uc_mcontext.gregs[r])))
  REG(REG_RIP) = back - 1;
  REG(REG_RSP) = *found + 64 + 8 + frame + 8;
  REG(REG_RBX) = key;
  REG(REG_RBP) = (uintptr_t)request.words;
#undef REG
  *ret = ra;
}
#endif
