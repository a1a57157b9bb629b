/* Shared by attacks-rev57-stale-record-{unwind,return}.cpp (review 57):
 * a run-time-chosen call out of the vault (the any-trampoline) that a
 * longjmp (with the vault's rights) left leaves its record (abi.h, BH_RECORD_*: the
 * vault's index, its unmarked cookie) on the vault's stack; a later such
 * call's saved stack pointer (key-0, on main's stack) is moved to it.
 * STALE_THROW: the later callback throws (the unwinder's check takes the
 * record); else it returns (the way back, __bulkhead_return_to_index). */
#include <bulkhead.h>
#include <stdint.h>
#include <stdio.h>
#include <setjmp.h>
#include <string.h>

BULKHEAD_DATA(vault) int vault_unlocked;
BULKHEAD_DATA(vault) int vault_denials;
BULKHEAD_DATA(vault) int vault_logged;
BULKHEAD_DATA(vault) int vault_retries;
BULKHEAD_DATA(vault) long vault_sum;
BULKHEAD_DATA(vault) jmp_buf vault_jb;

struct E {
  long v;
};
struct Retry {
  long v;
};

/* An uninstrumented library's function that calls a pointer it is given
 * (a tail call: no frame of its own). */
extern "C" void lib_apply(void (*f)(void));
__asm__(".text\n.globl lib_apply\n.type lib_apply,@function\nlib_apply:\n"
        "\tjmp *%rdi\n.size lib_apply, .-lib_apply\n");

extern "C" void app_check(void);
extern "C" void app_log(void);
/* The callbacks, as the vault gets them: not known at compile time. */
static void (*volatile check_cb)(void) = app_check;
static void (*volatile log_cb)(void) = app_log;

extern "C" BULKHEAD_ENTRY(vault) void vault_throw(long code) {
  throw E{code};
}

/* A denial: back to vault_open's setjmp. */
extern "C" BULKHEAD_ENTRY(vault) void vault_deny(void) { longjmp(vault_jb, 1); }

extern "C" BULKHEAD_ENTRY(vault) void vault_throw_retry(long code) {
  throw Retry{code};
}

/* Deep on the vault's stack (its caller's catch runs above its frame):
 * unlocks only if the program's check returns; the check may ask for a
 * retry. */
extern "C" BULKHEAD_INTERNAL(vault) __attribute__((noinline)) void
vault_authorize(void) {
  volatile long pad[4096];
  for (int i = 0; i < 4096; i += 64)
    pad[i] = i;
  try {
    lib_apply(check_cb);
  } catch (Retry &) {
    vault_retries++;
    return;
  }
  vault_unlocked = 1;
  vault_sum += pad[64];
}

/* The check (a denial is a longjmp back here). */
extern "C" BULKHEAD_ENTRY(vault) void vault_open(void) {
  if (setjmp(vault_jb) == 0)
    vault_authorize();
  else
    vault_denials++;
}

/* The program's logger, whose failure (a throw) fails the request. */
extern "C" BULKHEAD_ENTRY(vault) int vault_run(long *status) {
  try {
    lib_apply(log_cb);
    vault_logged = 1;
  } catch (E &e) {
    *status = e.v;
    return 1;
  } catch (Retry &e) {
    *status = e.v;
    return 1;
  }
  return 0;
}

extern "C" BULKHEAD_ENTRY(vault) int vault_state(int which) {
  return which == 0   ? vault_unlocked
         : which == 1 ? vault_denials
         : which == 2 ? vault_logged
                      : vault_retries;
}

static int armed;
static uintptr_t stale;

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

/* The program's check: denies (the vault longjmps past its call out);
 * keeps where the call out's record was. */
extern "C" __attribute__((noinline)) void app_check(void) {
  volatile uintptr_t *s = saved_sp();
  printf("check: saved stack pointer %s\n", s ? "found" : "not found");
  if (s)
    stale = *s;
  vault_deny();
}

/* The program's logger: fails the request. The attack points its call
 * out's saved stack pointer at the check's dead record first. */
extern "C" __attribute__((noinline)) void app_log(void) {
  volatile uintptr_t *s = saved_sp();
  printf("log: saved stack pointer %s\n", s ? "found" : "not found");
  if (s && stale && armed)
    *s = stale;
#ifdef STALE_THROW
  vault_throw_retry(2);
#endif
}

int main(int argc, char **argv) {
  (void)argv;
  setvbuf(stdout, NULL, _IONBF, 0);
  armed = argc < 2;
  long status = 0;
  vault_open();
  int failed = vault_run(&status);
  printf("request failed: %d, status %ld\n", failed, status);
  int unlocked = vault_state(0), denials = vault_state(1),
      logged = vault_state(2), retries = vault_state(3);
  printf("unlocked %d, denials %d, logged %d, retries %d\n", unlocked,
         denials, logged, retries);
  if (unlocked)
    printf("ATTACK SUCCEEDED: the vault unlocked though its check denied\n");
  else if (denials != 1 || retries)
    printf("ATTACK SUCCEEDED: a catch of the check's dead frame ran\n");
#ifdef STALE_THROW
  else if (logged)
    printf("ATTACK SUCCEEDED: the vault went on past a logger that threw\n");
#endif
  else
    printf("vault stays locked\n");
  return 0;
}
