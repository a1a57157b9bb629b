/* longjmp-stale-record.h - review 63b's scene (attacks-rev63b-default-
 * longjmp-stale-record.c, its header says the attack): the vault's check
 * and logger are program callbacks reached through an uninstrumented
 * lib_apply (the any-trampoline); the check denies by a longjmp with the
 * default domain's rights, and the logger (when `armed`) moves its call
 * out's saved stack pointer to the check's dead record. The test defines
 * vault_state() and calls stale_record_scene(). */
#ifndef BULKHEAD_TEST_LONGJMP_STALE_RECORD_H
#define BULKHEAD_TEST_LONGJMP_STALE_RECORD_H
#include <bulkhead.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

BULKHEAD_DATA(vault) int vault_unlocked;
BULKHEAD_DATA(vault) int vault_logged;

/* An uninstrumented library's function that calls a pointer it is given
 * (a tail call: no frame of its own). */
void lib_apply(void (*f)(void));
__asm__(".text\n.globl lib_apply\n.type lib_apply,@function\nlib_apply:\n"
        "\tjmp *%rdi\n.size lib_apply, .-lib_apply\n");

void app_check(void);
void app_log(void);
/* The callbacks, as the vault gets them: not known at compile time. */
static void (*volatile check_cb)(void) = app_check;
static void (*volatile log_cb)(void) = app_log;

/* Deep on the vault's stack: unlocks only if the program's check
 * returns. */
BULKHEAD_INTERNAL(vault) __attribute__((noinline)) void vault_authorize(void) {
  volatile long pad[4096];
  for (int i = 0; i < 4096; i += 64)
    pad[i] = i;
  lib_apply(check_cb);
  vault_unlocked = 1;
  (void)pad[64];
}

BULKHEAD_ENTRY(vault) void vault_open(void) { vault_authorize(); }

BULKHEAD_ENTRY(vault) int vault_run(void) {
  lib_apply(log_cb);
  vault_logged = 1;
  return 7;
}

/* The vault's flags (0: unlocked, 1: logged); the test defines it. */
BULKHEAD_ENTRY(vault) int vault_state(int which);

static int armed;
static uintptr_t stale;
static jmp_buf denied;

/* The any-trampoline's frame on main's stack, above the callback's
 * (abi.h): the vault's saved stack pointer (BH_FRAME_FROM_SP: in its
 * arena, at the record, 16-aligned) just above the caller's index
 * (BH_FRAME_FROM_OLD_SLOT: the vault's, 0). */
static __attribute__((noinline)) volatile uintptr_t *saved_sp(void) {
  uintptr_t desc;
  __asm__("leaq __bulkhead_domain.vault(%%rip), %0" : "=r"(desc));
  uintptr_t lo = *(uintptr_t *)(desc + 40), hi = *(uintptr_t *)(desc + 48);
  volatile uintptr_t *w = (volatile uintptr_t *)__builtin_frame_address(0);
  for (int i = 1; i < 512; i++)
    if (w[i] > lo && w[i] <= hi && w[i] % 16 == 0 && w[i - 1] == 0)
      return &w[i];
  return NULL;
}

/* The program's check: denies by a longjmp of its own (the default
 * domain's rights) back to main, past the vault's whole entry. */
__attribute__((noinline)) void app_check(void) {
  volatile uintptr_t *s = saved_sp();
  printf("check: saved stack pointer %s\n", s ? "found" : "not found");
  if (s)
    stale = *s;
  longjmp(denied, 1);
}

/* The program's logger. The attack points its call out's saved stack
 * pointer at the check's dead record first. */
__attribute__((noinline)) void app_log(void) {
  volatile uintptr_t *s = saved_sp();
  printf("log: saved stack pointer %s\n", s ? "found" : "not found");
  if (s && stale && armed)
    *s = stale;
}

/* The scene: vault_open's check denies by a longjmp to here; then
 * vault_run's logger (with `armed`, the attack's store) runs; the vault's
 * flags tell whether the dead frames resumed. `who` names the process. */
static void stale_record_scene(const char *who) {
  if (setjmp(denied) == 0)
    vault_open();
  else
    printf("%s: the check denied\n", who);
  int r = vault_run();
  printf("vault_run: %d\n", r);
  int unlocked = vault_state(0), logged = vault_state(1);
  printf("unlocked %d, logged %d\n", unlocked, logged);
  if (unlocked)
    printf("ATTACK SUCCEEDED: the vault unlocked though its check denied\n");
  else
    printf("vault stays locked\n");
}

#endif
