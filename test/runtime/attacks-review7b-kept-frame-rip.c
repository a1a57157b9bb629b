// Review 7 (attacker B: the default domain's program counter and all key-0
// memory), the stronger form of attacks-review7b-kept-frame-slot.c: while
// a handler runs for a signal that interrupted the vault, the vault's
// stack slot (key-0 TLS) holds the record of the kept copy of the
// interrupted context (runtime/signals.c); the default domain points it
// 224 bytes above the copy's ucontext and calls an ordinary entry with ten
// integer arguments. The entry's trampoline writes its 32-byte frame over
// gregs[19..22] (ERR, TRAPNO, OLDMASK, CR2, which rt_sigreturn does not
// restore) and copies the four stack arguments, the caller's values, over
// gregs[15..18]: RSP, RIP, EFL and CSGSFS (the last two read from the
// kernel's own frame, key-0). The copy's record below is untouched, so
// the dispatcher's give_back accepts it, and rt_sigreturn resumes with the
// vault's PKRU (the XSAVE image above is untouched too) at the default
// domain's function, on its stack: that function reads the vault's key.
// No raw rt_sigreturn and no gadget: only stores into key-0 TLS and an
// ordinary call of an entry from a handler.
// Without the slot moved (-DCONTROL) the program ends normally.
// Reproduced in the PKU guest: "LEAK ... with PKRU 0x55555550" (the
// vault's).
// Fixed: the record is the vault's mark while the handler runs (abi.h,
// BH_STACK_HEADER), and the nested entry's trampoline takes the mark
// instead of a slot above it: the copy stays whole and the vault resumes
// where it was interrupted (the attack runs in a child, which must end
// normally, nothing leaked).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -DCONTROL %s -o %t.control && %run %t.control | FileCheck --check-prefix=CONTROL %s
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t && %run %t | FileCheck --check-prefix=FIXED %s
// FIXED: attacks-review7b-kept-frame-rip: ok (the entry continued below the mark)
// CONTROL: attacks-review7b-kept-frame-rip: ok
#include "Inputs/tls-words.h"
#include "Inputs/below-mark-child.h"

#include <signal.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <sys/wait.h>
#include <unistd.h>

static const char original[32] = "vault master key 0123456789abcd";
BULKHEAD_DATA(vault) static char master[32] = "vault master key 0123456789abcd";
BULKHEAD_DATA(vault) static long work;

/* Any entry that is interrupted by a signal: here its own system call. */
BULKHEAD_ENTRY(vault) long vault_work(void) {
  work++;
  return syscall(SYS_kill, getpid(), SIGUSR1);
}

/* Any entry with four stack arguments. */
BULKHEAD_ENTRY(vault) long vault_sum(long a, long b, long c, long d, long e,
                                     long f, long g, long h, long i, long j) {
  return a + b + c + d + e + f + g + h + i + j;
}

static uintptr_t *vault_slot;
static uint64_t fake_stack[8192] __attribute__((aligned(16)));

/* Resumed by the runtime's rt_sigreturn, with the vault's rights. */
__attribute__((noinline, noreturn, used)) static void steal(void) {
  char stolen[33] = {0};
  for (int k = 0; k < 32; k++)
    stolen[k] = ((volatile char *)master)[k];
  if (!memcmp(stolen, original, 32)) {
    char line[160];
    int n = snprintf(line, sizeof line,
                     "attacks-review7b-kept-frame-rip: LEAK: \"%s\" read "
                     "with PKRU 0x%x\n",
                     stolen, test_rdpkru());
    (void)!write(2, line, (size_t)n);
    _exit(1);
  }
  _exit(3);
}

static void on_usr1(int sig, siginfo_t *si, void *ucv) {
  (void)sig, (void)si;
  ucontext_t *uc = ucv; /* the kernel's frame: key-0, readable */
  uintptr_t k = *vault_slot;
  uint64_t target;
  __asm__("leaq steal(%%rip), %0" : "=r"(target));
  /* The copy's ucontext is at k + 48; its gregs at + 40. The slot at
   * gregs[23] - 8 (= uc + 224): the trampoline's 32-byte frame covers
   * gregs[19..22] (ERR, TRAPNO, OLDMASK, CR2: not restored), the four
   * stack arguments gregs[15..18]: RSP, RIP, EFL, CSGSFS. */
#ifndef CONTROL
  *vault_slot = k + 48 + 224;
#endif
  long r = vault_sum(0, 0, 0, 0, 0, 0, (long)&fake_stack[8161], (long)target,
                     (long)uc->uc_mcontext.gregs[REG_EFL],
                     (long)uc->uc_mcontext.gregs[REG_CSGSFS]);
  (void)r;
  *vault_slot = k;
}

static int attack(void) {
  vault_slot = tls_word("__bulkhead_stack.vault");
  struct sigaction sa = {0};
  sa.sa_sigaction = on_usr1;
  sa.sa_flags = SA_SIGINFO;
  CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
  vault_work();
  printf("attacks-review7b-kept-frame-rip: ok\n");
  return 0;
}

/* The attack in a child: fixed, the nested entry continues below the
 * vault's mark, and the child ends normally having leaked nothing; the
 * control likewise. */
int main(void) {
#ifdef CONTROL
  return below_mark_in_child(attack, "attacks-review7b-kept-frame-rip", 1);
#else
  return below_mark_in_child(attack, "attacks-review7b-kept-frame-rip", 0);
#endif
}
