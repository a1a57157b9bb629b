// Data-only attacks on the stack-switching trampolines (found in review).
// Default-domain code, writing only key-0 memory, rewrites the frame that
// the trampoline which called it keeps on the default stack:
//  - "slots": the stack slots it restores on the way back, pointed at the
//    vault's data. The next call out of the vault writes its frame at the
//    default slot; that write must come with the default domain's rights,
//    and fault, not with the vault's (before the fix it landed silently);
//  - "sp": the vault's saved stack pointer, pointed at the vault's data. The
//    way back checks it against the vault's stack arena and traps.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t && %run %t
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s -o %t0 && %run %t0
#include "Inputs/check.h"

BULKHEAD_DATA(vault) long table[512] = {1, 2, 3, 4, 5, 6, 7, 8};

extern __thread char *default_slot __asm__("__bulkhead_stack.0")
    __attribute__((visibility("hidden")));

static char *target; /* inside table, the vault's data */
static int first, last;  /* words of the frame to overwrite */
__attribute__((noinline)) void point_slot(void) {
  /* The frame of the trampoline that called us sits just above the
   * default slot's value: {unused, default slot, vault slot, vault sp}. */
  long **p = (long **)default_slot;
  for (int i = first; i <= last; i++)
    p[i] = (long *)target;
}
__attribute__((noinline)) void plain(void) { (void)0; }

BULKHEAD_ENTRY(vault) long *vault_table(void) { return table; }
BULKHEAD_ENTRY(vault) long vault_sum(void) {
  long s = 0;
  for (int i = 0; i < 512; i++)
    s += table[i];
  return s;
}
BULKHEAD_ENTRY(vault) void vault_run(void) {
  point_slot(); /* a callback into the default domain */
  plain();      /* the next call out */
}

static void attack(void *unused) {
  (void)unused;
  vault_run();
  /* survived: the vault's data must be as it was */
  CHECK(vault_sum() == 36);
}

int main(void) {
  target = (char *)(vault_table() + 256);
  CHECK(vault_sum() == 36);

  first = 3, last = 3; /* "sp" */
  fflush(NULL);
  pid_t pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    vault_run();
    _exit(0);
  }
  int status;
  CHECK(waitpid(pid, &status, 0) == pid);
  CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGILL);

  first = 1, last = 2; /* "slots" */
  struct outcome o = run_in_child(attack, NULL);
  /* Either the frame write faulted with the default domain's rights on
   * the vault's data, or nothing happened; never a silent write. */
  if (o.signo) {
    CHECK(o.signo == SIGSEGV && o.code == SEGV_PKUERR &&
          o.pkey == bulkhead_compartment_pkey("vault"));
    CHECK((char *)o.addr >= (char *)vault_table() &&
          (char *)o.addr < (char *)(vault_table() + 512));
  }
  printf("attacks-stacks: ok (%s)\n", o.signo ? "write faulted" : "no effect");
  return 0;
}
