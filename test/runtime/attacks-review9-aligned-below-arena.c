// Attacker model A (the sizes of a compartment's allocations are its
// caller's; another default-domain thread reads key-0 memory). The
// alignment gap of attacks-review9-aligned-alloca.c on the arena's first
// stack goes past the arena: a dynamic allocation aligned to 256 KiB,
// probed down into stack 0's guard page without touching it, is rounded
// down past the arena's 64 KiB leading guard, into the key-0 memory the
// kernel mapped below the arena (in the guest, a read-write anonymous
// mapping there; the test prints it). The touch of its first byte succeeds there, and the
// vault's next frames are in key-0 memory: a vault function that works on
// a copy of its key (BULKHEAD_DATA) in its frame leaves the key where a
// default-domain thread reads it ("BROKEN: the vault's key in key-0
// memory"); its return addresses and spills there are as writable. (Left
// alone, the process dies of SIGILL at its next call out, when a
// trampoline checks the stack pointer: too late.) About one layout in
// four puts a 256 KiB boundary in the leading guard, where the touch
// faults: the test runs the attack in a fresh process until the layout
// lets it through.
// Reproduced in the PKU guest at -O2 and -O0 and with the LLVM 22 build;
// -DCONTROL (the allocation ends on a boundary inside the stack) ends
// normally.
//
// Fix: as for attacks-review9-aligned-alloca.c (probe from the probed
// bottom down to the aligned one, or allocate size + alignment - 1 and
// align by hand, or refuse alignments above a page in code that may run
// on a compartment stack).
// Built without the system-call filter: a hardened program reserves the
// stack arenas of keys it may give later next to its own (PROT_NONE), so
// nothing key-0 lies below the arena there; the layout this attack needs
// is the unfiltered one, and the defence (stack probes) is the pass's.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-syscall-filter -O2 -pthread -DCONTROL %s -o %t.c && %run %t.c | FileCheck --check-prefix=CONTROL %s
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-syscall-filter -O2 -pthread %s -o %t
// RUN: not %run %t > %t.out 2>&1
// RUN: FileCheck --check-prefix=NOLEAK %s < %t.out
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-syscall-filter -O0 -pthread %s -o %t.0
// RUN: not %run %t.0 > %t.0.out 2>&1
// RUN: FileCheck --check-prefix=NOLEAK %s < %t.0.out
// CONTROL: below-arena: ok
// NOLEAK-NOT: BROKEN
#include "Inputs/check.h"
#include <pthread.h>
#include <sched.h>
#include <stdint.h>

BULKHEAD_DATA(vault) static char key[32] = "TOP-SECRET-VAULT-KEY";
static volatile uintptr_t seen_p, seen_q;

__attribute__((noinline)) int report(char *p, char *q) {
  seen_p = (uintptr_t)p;
  seen_q = (uintptr_t)q;
  return 0;
}

/* Works on a copy of the key in its frame (honest vault code). */
BULKHEAD_INTERNAL(vault) __attribute__((noinline)) int vault_fill(char *q) {
  volatile char buf[512];
  for (int k = 0; k < 32; k++)
    buf[k] = key[k];
  for (int r = 0; r < 20000000; r++) /* a long computation with it */
    buf[32 + r % 400] += buf[r % 32];
  q[0] = buf[3];
  return buf[3];
}

/* One allocation sized by the caller, then, when asked, a buffer of a
 * size the caller gives, aligned to 256 KiB. */
BULKHEAD_ENTRY(vault) int vault_two(unsigned long a, unsigned long b) {
  char *p = __builtin_alloca(a);
  p[0] = 1;
  char *q = p;
  if (b) {
    q = __builtin_alloca_with_align(b, 8 * 262144);
    vault_fill(q);
  }
  return report(p, q);
}

static volatile uintptr_t spy_at;

/* Another default-domain thread: watches key-0 memory below the arena. */
static void *spy(void *arg) {
  (void)arg;
  while (!spy_at)
    sched_yield();
  for (;;)
    for (volatile char *c = (char *)spy_at - 4096; c < (char *)spy_at; c++)
      if (c[0] == 'T' && c[1] == 'O' && c[2] == 'P' && c[3] == '-') {
        char got[21];
        for (int k = 0; k < 20; k++)
          got[k] = c[k];
        got[20] = 0;
        printf("BROKEN: the vault's key in key-0 memory at %p: %s\n",
               (void *)c, got);
        fflush(stdout);
        _exit(1);
      }
}

static int attack(void);

/* The layout is random: where a 256 KiB boundary falls in the arena's
 * leading guard (about one run in four) the rounding stops there and
 * faults, so the attack runs in a fresh process (new addresses) until the
 * layout lets it through. */
int main(int argc, char **argv) {
  if (argc > 1)
    return attack();
  for (int i = 0; i < 12; i++) {
    fflush(stdout);
    pid_t p = fork();
    CHECK(p >= 0);
    if (!p) {
      execl("/proc/self/exe", argv[0], "attack", (char *)NULL);
      _exit(2);
    }
    int st;
    CHECK(waitpid(p, &st, 0) == p);
    if (WIFEXITED(st) && WEXITSTATUS(st) == 3)
      continue;
    if (WIFSIGNALED(st)) {
      printf("attack process: %s\n", strsignal(WTERMSIG(st)));
      return 1;
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
  }
  puts("no layout let the attack through");
  return 0;
}

static int attack(void) {
  vault_two(16, 0); /* this thread: the vault's stack 0 */
  uintptr_t s = seen_p + 16, lo = 0, hi = 0;
  mapping_of(s - 16, &lo, &hi);
  /* Below the frames (runtime/internal.h, BH_STACK_LOW): a guard page, the
   * exception hand-over's 8 KiB stack, the unwinder's 16 KiB ring, a guard
   * page; below stack 0, the arena's 64 KiB leading guard, whose first
   * page is the vault's cookie. */
  uintptr_t arena = lo - (4096 + 8192 + 16384 + 4096) - 65536,
            R = (lo - 4096) & ~(uintptr_t)262143;
  printf("stack %#lx-%#lx, arena from %#lx; the rounding goes to %#lx\n",
         (unsigned long)lo, (unsigned long)hi, (unsigned long)arena,
         (unsigned long)R);
  fflush(stdout);
  if (R >= arena)
    return 3; /* into the leading guard: try another layout */
  /* Threads made now get their (key-0) stacks below the arena. */
  pthread_t t[4];
  for (int i = 0; i < 4; i++)
    CHECK(pthread_create(&t[i], NULL, spy, NULL) == 0);
  FILE *f = fopen("/proc/self/maps", "r");
  for (char line[256]; fgets(line, sizeof line, f);) {
    unsigned long x, y;
    if (sscanf(line, "%lx-%lx", &x, &y) == 2 && x < R && R <= y)
      printf("below the arena: %s", line);
  }
  fclose(f);
  fflush(stdout);
  spy_at = R;
#ifdef CONTROL
  /* The second allocation ends on a boundary inside the stack. */
  uintptr_t P = (lo + 4096 + 262143) / 262144 * 262144 + 262144 + 16;
  vault_two(s - P, 16);
#else
  /* The first allocation ends a page above the stack's lowest page; the
   * second is probed into the guard's page, not touching it; the
   * alignment takes rsp below the arena's leading guard. */
  vault_two(s - (lo + 4096), 8192 - 16);
#endif
  printf("aligned allocation at %#lx\n", (unsigned long)seen_q);
  puts("below-arena: ok");
  fflush(stdout);
  _exit(0);
  return 0;
}
