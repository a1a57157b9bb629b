// Review 77b, attacker model B (the default domain's code, its own
// SIGSEGV handler, mprotect of its own pages). Question: review 74a's
// end-of-stack FDE (runtime/unwind-find.c, no_fde) in the cleanup phase
// only: a frame that had an FDE in the search phase (which found the
// vault's catch) and has none in the cleanup phase. libgcc_s's cleanup
// phase then ends with an error: _Unwind_RaiseException returns it (and
// __cxa_throw calls std::terminate), _Unwind_Resume (after a cleanup's
// pad) calls abort (libgcc_s's assertion). Neither may run the catch the
// search phase found.
// How (as attacks-rev74b-stub-reread.cpp): the vault's callback (default
// domain) copies the call out's frame from main's stack to pages of its
// own (P1 ends with the return address into the call-out trampoline, P2
// holds the rest, with the saved vault stack pointer) and enters the
// vault's vault_throw there. P1 and P2 start PROT_NONE. The search phase
// reads the return address (P1 faults first, at the entry's own push:
// made writable), then the call out's saved pointer (fault on P2: made
// readable, and the return address in P1 rewritten to Y). The cleanup
// phase then reads Y. The handlers run on the alternate stack (the
// frames below the pivot are P1's).
// Modes: "control" (no rewrite: the catch in vault_run gets the code, the
// mechanism is real); "swap" (Y: a readable page of the program's, in no
// object: no FDE, the runtime's end-of-stack FDE); "zero" (Y = 0);
// "resume" (as swap, but the vault's throw has a cleanup, so the rest of
// the cleanup phase runs in _Unwind_Resume).
// Seen in the guest (LLVM 19, -O2) on main at c3568ac: control "request
// failed: 1, status 0x2144454e574f50", key intact; swap and zero the
// std::terminate line; resume libgcc_s's abort (the program's SIGABRT
// handler, default domain); the catch never ran; 3 of 3. Not a finding:
// the end-of-stack FDE ends the cleanup phase as "no FDE" did.
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 -fno-omit-frame-pointer %s -o %t
// RUN: %run %t control 2>&1 | FileCheck %s --check-prefix=CONTROL
// RUN: not %run %t swap 2>&1 | FileCheck %s
// RUN: not %run %t zero 2>&1 | FileCheck %s
// RUN: not %run %t resume 2>&1 | FileCheck %s --check-prefix=RESUME
// CONTROL: frame copied
// CONTROL: faults 2
// CONTROL: request failed: 1, status 0x2144454e574f50
// CONTROL: vault key intact
// CONTROL-NOT: ATTACK SUCCEEDED
// CHECK: frame copied
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: std::terminate called in compartment 'vault'
// CHECK-NOT: ATTACK SUCCEEDED
// RESUME: frame copied
// RESUME-NOT: ATTACK SUCCEEDED
// RESUME-NOT: std::terminate
// RESUME: SIGABRT in the program's handler
#include "Inputs/vault-key.h"
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

extern "C" void app_callback(void);
BULKHEAD_DATA(vault) long vault_sum;

extern "C" BULKHEAD_INTERNAL(vault) __attribute__((noinline)) void
vault_step(const long *in) {
  volatile long sum = in[0];
  (void)sum;
  app_callback();
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

struct Guard {
  __attribute__((always_inline)) ~Guard() { vault_sum++; }
};

/* vault_throw with a cleanup: its pad runs, then _Unwind_Resume. */
extern "C" BULKHEAD_ENTRY(vault) void vault_throw_clean(long code) {
  Guard g;
  (void)g;
  if (code)
    throw E{code};
}

static const long PAGE = 4096;
static char *p1, *p2, *other; /* p2 = p1 + PAGE */
static int mode;              /* 0 swap, 1 control, 2 zero, 3 resume */
static volatile int step, faults;
static long request[40];

/* Enters fn(code) at sp, whose word is the return address. */
extern "C" void pivot(uintptr_t sp, long code, void *fn);
__asm__(".text\n.globl pivot\n.type pivot,@function\npivot:\n"
        "\tmovq %rdi, %rsp\n\tmovq %rsi, %rdi\n"
        "\tjmp *%rdx\n.size pivot, .-pivot\n");

static void say(const char *s) {
  if (write(1, s, strlen(s)) < 0) {
  }
}

static void on_segv(int, siginfo_t *si, void *) {
  char *a = (char *)si->si_addr;
  faults++;
  if (getenv("DEBUG")) {
    char b[96];
    snprintf(b, sizeof b, "fault %d at %s (%p), step %d\n", faults,
             a >= p1 && a < p1 + PAGE   ? "P1"
             : a >= p2 && a < p2 + PAGE ? "P2"
                                        : "?",
             (void *)a, step);
    say(b);
  }
  if (a >= p1 && a < p1 + PAGE && step < 2) {
    mprotect(p1, PAGE, PROT_READ | PROT_WRITE);
    step = 1;
  } else if (a >= p2 && a < p2 + PAGE && step < 2) {
    mprotect(p2, PAGE, PROT_READ);
    if (mode != 1)
      *(uintptr_t *)(p2 - 8) = mode == 2 ? 0 : (uintptr_t)other + 64;
    step = 2;
  } else {
    say("unexpected fault\n");
    _exit(3);
  }
}

static void on_abrt(int) {
  say("SIGABRT in the program's handler\n");
  _exit(4);
}

extern "C" __attribute__((noinline)) void app_callback(void) {
  uintptr_t *slot = (uintptr_t *)__builtin_frame_address(0) + 1;
  uintptr_t ra = (uintptr_t)__builtin_return_address(0);
  if (*slot != ra) {
    printf("frame not found\n");
    _exit(1);
  }
  /* The call out's frame: from this frame's CFA up, on main's stack. */
  memcpy(p2, slot + 1, 1024);
  *(uintptr_t *)(p2 - 8) = ra;
  printf("frame copied\n");
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_segv;
  /* on the alternate stack: the frames below the pivot's are P1's */
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigaction(SIGSEGV, &sa, NULL);
  sa.sa_sigaction = NULL;
  sa.sa_handler = on_abrt;
  sa.sa_flags = SA_ONSTACK;
  sigaction(SIGABRT, &sa, NULL);
  mprotect(p1, PAGE, PROT_NONE);
  mprotect(p2, PAGE, PROT_NONE);
  void *fn = mode == 3 ? (void *)vault_throw_clean : (void *)vault_throw;
  pivot((uintptr_t)p2 - 8, POWNED, fn);
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  const char *m = argc < 2 ? "swap" : argv[1];
  mode = !strcmp(m, "control") ? 1 : !strcmp(m, "zero") ? 2
       : !strcmp(m, "resume") ? 3 : 0;
  char *pg = (char *)mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (pg == MAP_FAILED) {
    puts("no memory");
    return 1;
  }
  p1 = pg, p2 = pg + PAGE, other = pg + 2 * PAGE;
  for (int i = 0; i < 40; i++)
    request[i] = 1;
  long status = 0;
  int failed = vault_run(request, &status);
  printf("faults %d\n", faults);
  if (mode != 1)
    printf("ATTACK SUCCEEDED: the vault's catch ran though the cleanup "
           "phase met another frame\n");
  report(failed, status);
  printf("program ends\n");
  return 0;
}
