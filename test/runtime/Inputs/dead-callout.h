/* dead-callout.h - the vault and program of the attacks on a call out of a
 * compartment left dead where no voiding ran (attacks-dead-callout-*.cpp):
 * vault_open (an entry) calls vault_authorize (a 32 KiB frame, so that
 * later entries' frames stay above its own), which calls the program's
 * check, a call out: its record (abi.h: the marked cookie) is on the
 * vault's stack. The check denies without returning, as the test chooses
 * (DEAD_DENY: a throw caught outside the vault, a longjmp with the default
 * domain's rights), so the code after the check (the unlock, then the
 * program's app_opened) never runs. The check keeps its call out's saved
 * stack pointer (key-0, on main's stack: BH_FRAME_FROM_SP). Later
 * vault_run (another entry) calls the program's logger; the attack (not
 * the control) writes the kept value into the logger's call out's saved
 * stack pointer: if the way back takes the dead record, the vault resumes
 * after its denied check, unlocks and calls app_opened, which says so. */
#ifndef DEAD_CALLOUT_H
#define DEAD_CALLOUT_H
#include <bulkhead.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

BULKHEAD_DATA(vault) int vault_unlocked;
BULKHEAD_DATA(vault) long vault_sum;

struct E {
  long v;
};

extern "C" void app_check(void);
extern "C" void app_log(void);
extern "C" void app_opened(void);

extern "C" BULKHEAD_ENTRY(vault) void vault_throw(long code) {
  throw E{code};
}

/* Unlocks only when the program's check returns. */
extern "C" BULKHEAD_INTERNAL(vault) __attribute__((noinline)) void
vault_authorize(void) {
  volatile long pad[4096];
  for (int i = 0; i < 4096; i += 64)
    pad[i] = i;
  app_check();
  vault_unlocked = 1;
  vault_sum += pad[64];
  app_opened();
}

extern "C" BULKHEAD_ENTRY(vault) int vault_run(void) {
  app_log();
  return vault_unlocked;
}

extern "C" BULKHEAD_ENTRY(vault) int vault_state(void) {
  return vault_unlocked;
}

static int armed;
static uintptr_t stale;
static jmp_buf denied;

/* This callback's call out's saved stack pointer: the nearest word above
 * its frame that lies in the vault's arena at 8 mod 16 (a record's marked
 * cookie), just above the vault's old slot (in its arena, 16-aligned). The
 * arena's bounds from the vault's descriptor (BH_DOMAIN_STACK_LO,
 * BH_DOMAIN_STACK_HI). */
static __attribute__((noinline)) volatile uintptr_t *saved_sp(void) {
  uintptr_t desc;
  __asm__("leaq __bulkhead_domain.vault(%%rip), %0" : "=r"(desc));
  uintptr_t lo = *(uintptr_t *)(desc + 40), hi = *(uintptr_t *)(desc + 48);
  volatile uintptr_t *w = (volatile uintptr_t *)__builtin_frame_address(0);
  for (int i = 1; i < 512; i++)
    if (w[i] > lo && w[i] <= hi && w[i] % 16 == 8 && w[i - 1] > lo &&
        w[i - 1] <= hi && w[i - 1] % 16 == 0)
      return &w[i];
  return NULL;
}

/* The program's check: keeps where its call out's record is, and denies. */
extern "C" __attribute__((noinline)) void app_check(void) {
  volatile uintptr_t *s = saved_sp();
  printf("check: saved stack pointer %s\n", s ? "found" : "not found");
  if (s)
    stale = *s;
  DEAD_DENY();
}

/* The program's logger; the attack points its call out's saved stack
 * pointer at the check's dead record (once). */
extern "C" __attribute__((noinline)) void app_log(void) {
  volatile uintptr_t *s = saved_sp();
  printf("log: saved stack pointer %s\n", s ? "found" : "not found");
  if (s && stale && armed) {
    armed = 0;
    *s = stale;
  }
}

/* Called by the vault after its check passed: never, unless the vault
 * resumed after its denied check. */
extern "C" void app_opened(void) {
  printf("ATTACK SUCCEEDED: the vault ran the code after its denied check "
         "(unlocked %d)\n",
         vault_state());
  _exit(0);
}

/* The way back's refusal (ud2): the attack's end once the record is void. */
static void trapped(int sig) {
  (void)sig;
  static const char m[] = "SIGILL: the way back refused\n";
  write(1, m, sizeof m - 1);
  _exit(0);
}

static void watch_traps(void) { signal(SIGILL, trapped); }

static void report(void) {
  int u = vault_state();
  printf("vault_run: unlocked %d\n", u);
  if (u)
    printf("ATTACK SUCCEEDED: the vault is unlocked\n");
  else
    printf("vault stays locked\n");
}
#endif
