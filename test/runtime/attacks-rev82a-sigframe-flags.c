// Review 82a, attacker model A: key-0 loads only, and the program's own
// timer and handler. A signal that interrupts compartment code makes the
// kernel save its registers in a frame on the key-0 alternate stack; the
// dispatcher keeps a copy on the compartment's stack, resumes from it, and
// wipes the kernel's frame of the register contents (attacks-sigframe-
// registers.c). It left the frame's flags and the x87 status and tag words
// and last-instruction words: the arithmetic flags (CF, PF, AF, ZF, SF, OF)
// are the result of the vault's last compare or arithmetic on its values,
// and the x87 condition codes C0-C3 of its last fcom or fxam. Here the
// vault compares two words of its key (cmp and fcom) and spins with
// nothing else setting flags; a honest handler notes its ucontext, and
// main reads the frame's EFLAGS and FSW: they tell whether the first word
// is below, equal to or above the second, and the difference's sign,
// parity and overflow. The wipe now clears the arithmetic flags (keeping
// the system ones: TF, IF, DF, AC, ...), and the x87 status word's
// condition codes and TOP, its tag word, FOP, FIP and FDP (the compartment
// resumes from its copy, so none of it is needed in the kernel's frame).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s -o %t0
// RUN: %run %t0 | FileCheck %s
// CHECK: the handler ran in the vault's code: yes
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: vault's compare in the handler's frame: no
#include "Inputs/check.h"
#include "Inputs/key-scan.h"

/* Two 8-byte words: as signed and unsigned integers the first is below
 * the second (so the difference has its sign bit set and a borrow):
 * flags no wiped frame shows. */
#define KEY "Zr9!wX4b" "Kq7#vP2m"
BULKHEAD_DATA(vault) char vault_key[16] = KEY;

static volatile int got_signal;
static const void *volatile frame; /* the ucontext the handler was given */
extern const char vault_loop_begin[], vault_loop_end[]; /* in its asm */

/* The vault compares its key's words, as integers (cmp) and on the x87
 * (fcom), and waits: no instruction in its loop sets flags (jrcxz). */
BULKHEAD_ENTRY(vault) void vault_compare(void) {
  __asm__ volatile("movq (%0), %%r12\n"
                   "movq 8(%0), %%r13\n"
                   "fildq 8(%0)\n"
                   "fildq (%0)\n"
                   "fcom %%st(1)\n"
                   "cmpq %%r13, %%r12\n"
                   "vault_loop_begin: pause\n"
                   "movl (%1), %%ecx\n"
                   "jrcxz vault_loop_begin\n"
                   "vault_loop_end:\n"
                   "fstp %%st(0)\n"
                   "fstp %%st(0)\n"
                   "xorl %%r12d, %%r12d\n"
                   "xorl %%r13d, %%r13d\n" ::"r"(vault_key),
                   "r"(&got_signal)
                   : "rcx", "r12", "r13", "memory", "cc");
}

static void on_alarm(int sig, siginfo_t *si, void *ucv) {
  (void)sig, (void)si;
  if (timer_landed(ucv)) {
    frame = ucv;
    got_signal = 1;
  }
}

#define ARITH_FLAGS 0x8d5u /* CF PF AF ZF SF OF */
#define X87_CC 0x4500u     /* C0 C2 C3 */

int main(void) {
  timer_until(on_alarm, vault_loop_begin, vault_loop_end);
  vault_compare();
  say_timer_landed();
  /* What the frame would show of the same compare (the test knows the
   * key; the attacker learns these bits of it). */
  static const char key[] = KEY;
  unsigned long flags;
  unsigned short sw;
  __asm__ volatile("movq (%2), %%r8\n"
                   "fildq 8(%2)\n"
                   "fildq (%2)\n"
                   "fcom %%st(1)\n"
                   "fnstsw %1\n"
                   "fstp %%st(0)\n"
                   "fstp %%st(0)\n"
                   "cmpq 8(%2), %%r8\n"
                   "pushfq\n"
                   "popq %0\n"
                   : "=r"(flags), "=m"(sw)
                   : "r"(key)
                   : "r8", "memory", "cc");
  const ucontext_t *uc = (const ucontext_t *)frame;
  unsigned long got = 0;
  unsigned short got_sw = 0;
  if (uc) {
    got = (unsigned long)uc->uc_mcontext.gregs[REG_EFL];
    memcpy(&got_sw, (const char *)uc->uc_mcontext.fpregs + 2, 2);
  }
  printf("flags %#lx (compare %#lx), x87 status %#x (compare %#x)\n",
         got & ARITH_FLAGS, flags & ARITH_FLAGS, got_sw & X87_CC, sw & X87_CC);
  int leaked = uc && (((got & ARITH_FLAGS) == (flags & ARITH_FLAGS) &&
                       (flags & ARITH_FLAGS)) ||
                      ((got_sw & X87_CC) == (sw & X87_CC) && (sw & X87_CC)));
  if (leaked)
    puts("ATTACK SUCCEEDED: the frame keeps the vault's compare of its key");
  printf("vault's compare in the handler's frame: %s\n", leaked ? "yes" : "no");
  return 0;
}
