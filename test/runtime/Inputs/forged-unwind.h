/* forged-unwind.h - what the attacks that forge the way the vault's
 * unwinder walks into vault_process's frame share (reviews 59b, 62, 64b):
 * vault_process, an entry whose call out to the test's app_event runs in a
 * try and whose catch stores E's value through `status` (at -O2 that
 * pointer stays in rbx across the call out); the run's `mode`
 * from argv; where the return address into vault_process lies on the
 * vault's stack, as app_event finds it; and how the forked attack child
 * ended. Include it after vault-key.h. */
#ifndef BULKHEAD_TEST_FORGED_UNWIND_H
#define BULKHEAD_TEST_FORGED_UNWIND_H
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern "C" void app_event(long *status);

extern "C" BULKHEAD_ENTRY(vault) int vault_process(long *status) {
  try {
    app_event(status);
  } catch (E &e) {
    *status = e.v;
    return 1;
  }
  return 0;
}

static int mode; /* 0 attack, 1 "control", 2 "plain" (the test may add) */
static void read_mode(int argc, char **argv) {
  if (argc > 1 && !strcmp(argv[1], "control"))
    mode = 1;
  else if (argc > 1 && !strcmp(argv[1], "plain"))
    mode = 2;
}

/* FP is app_event's frame address. The call out's trampoline saved the
 * vault's stack pointer at its call (below the return address into
 * vault_process and the six registers, the slot word and the cookie it
 * pushed) on the default domain's stack, 0x20 above app_event's return
 * address: key-0 memory. Returns A, the address of the return address into
 * vault_process on the vault's stack. */
static uintptr_t vault_process_ra(const char *fp) {
  uintptr_t saved = *(const uintptr_t *)(fp + 8 + 0x20);
  return saved + 64;
}

/* Waits for the attack child PID and says how it ended. */
static void report_attack_child(pid_t pid) {
  int st;
  waitpid(pid, &st, 0);
  if (WIFEXITED(st))
    printf("attack child: exited %d\n", WEXITSTATUS(st));
  else
    printf("attack child: signal %d\n", WTERMSIG(st));
}
#endif
