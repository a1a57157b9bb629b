// Review 7 (attacker B; this attack needs only key-0 stores made while a
// signal handler runs, attacker A's power): a kept signal frame
// (runtime/signals.c, docs/signals.md) is a copy of the interrupted
// context on the compartment's own stack, below the interrupted frame;
// while the program's handler runs, the compartment's stack slot (key-0
// TLS) points at the copy's record, so that a nested entry continues below
// it. The slot is key-0 memory, and the trampolines check only that it
// lies in the arena and is 16-byte aligned (design.md): the handler, or
// any store during it, points it into the copy itself, above the record,
// and a nested call of any entry writes its trampoline frame over the
// copy's general registers: the default domain's old slot (any value the
// default domain stored in __bulkhead_stack.0) lands on one register of
// the context, the caller's stack pointer and the entry's return address
// on others. The record below stays intact, so the dispatcher's
// give_back accepts the copy and rt_sigreturn resumes the compartment
// with registers the default domain chose.
// Here the vault copies its public banner into the caller's buffer, the
// banner's address in rbx across a system call that raises a signal (as
// any asynchronous signal may land anywhere in compartment code). The
// handler sets the vault's slot to the record + 192 (rbx's place in the
// copy is 16 bytes below that) and the default slot to the vault's key,
// calls vault_peek(), and puts both back. The vault resumes with rbx = its
// key's address and copies its key into the caller's buffer.
// Without the slot moved (-DCONTROL) the banner arrives (first RUN line).
// Reproduced in the PKU guest: "LEAK".
// Fixed: the record is the vault's mark while the handler runs (abi.h,
// BH_STACK_HEADER), and the nested entry's trampoline takes the mark
// instead of a slot above it: the copy stays whole and the vault resumes
// where it was interrupted (the attack runs in a child, which must end
// normally, nothing leaked).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -DCONTROL %s -o %t.control && %run %t.control | FileCheck --check-prefix=CONTROL %s
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t && %run %t | FileCheck --check-prefix=FIXED %s
// FIXED: attacks-review7b-kept-frame-slot: ok (the entry continued below the mark)
// CONTROL: banner arrived
#include "Inputs/tls-words.h"
#include "Inputs/below-mark-child.h"

#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static const char original[32] = "vault master key 0123456789abcd";
BULKHEAD_DATA(vault) static char master[32] = "vault master key 0123456789abcd";
static const char banner[32] = "the vault's public banner .....";

BULKHEAD_ENTRY(vault) void vault_banner(char *dst) {
  const char *src = banner;
  long r;
  __asm__ volatile("syscall"
                   : "=a"(r), "+b"(src)
                   : "a"((long)SYS_kill), "D"((long)getpid()),
                     "S"((long)SIGUSR1)
                   : "rcx", "r11", "memory");
  memcpy(dst, src, 32);
}

BULKHEAD_ENTRY(vault) int vault_peek(void) { return 7; }

static uintptr_t *vault_slot, *default_slot;

static void on_usr1(int sig) {
  (void)sig;
#ifndef CONTROL
  uintptr_t k = *vault_slot; /* the kept frame's record */
  uintptr_t saved = *default_slot;
  /* The copy's ucontext is 48 bytes above the record; rbx is gregs[11],
   * at 40 + 8 * 11 from it: 16 bytes below the slot the frame starts at. */
  *vault_slot = k + 192;
  *default_slot = (uintptr_t)master;
  CHECK(vault_peek() == 7);
  *default_slot = saved;
  *vault_slot = k;
#else
  CHECK(vault_peek() == 7);
#endif
}

static int attack(void) {
  vault_slot = tls_word("__bulkhead_stack.vault");
  default_slot = tls_word("__bulkhead_stack.0");
  struct sigaction sa = {0};
  sa.sa_handler = on_usr1;
  CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
  char out[33] = {0};
  vault_banner(out);
  if (!memcmp(out, original, 32)) {
    fprintf(stderr, "attacks-review7b-kept-frame-slot: LEAK: the vault "
                    "copied its key \"%s\" out\n",
                    out);
    return 1;
  }
  CHECK(!memcmp(out, banner, 32));
  printf("banner arrived\n");
  return 0;
}

/* The attack in a child: fixed, the nested entry continues below the
 * vault's mark, and the child ends normally having leaked nothing; the
 * control likewise. */
int main(void) {
#ifdef CONTROL
  return below_mark_in_child(attack, "attacks-review7b-kept-frame-slot", 1);
#else
  return below_mark_in_child(attack, "attacks-review7b-kept-frame-slot", 0);
#endif
}
