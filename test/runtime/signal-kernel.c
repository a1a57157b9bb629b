// What Linux does with PKRU around signals, measured (docs/signals.md); the
// runtime's design depends on each of these facts.
//  1. A handler starts with the kernel's default PKRU (0x55555554: every key
//     but 0 access-disabled), whatever the interrupted code had; it is no
//     domain's PKRU, hence every handler's wrapper gates into its domain.
//  2. The signal frame's XSAVE image holds the interrupted PKRU.
//  3. sigreturn installs whatever PKRU the frame holds: a handler (or any
//     code forging a frame) can change the rights the interrupted code
//     resumes with. Bulkhead does not prevent this.
//  (Built with -fno-pkey-syscall-filter: fact 4 is measured by tagging an
//  alternate stack with pkey_mprotect after start-up, which the system-call
//  filter refuses, docs/hardening.md.)
//  4. The kernel writes the frame with the interrupted PKRU and the handler
//     starts with the default one: an alternate signal stack on pages tagged
//     with a compartment key kills the process, whoever was interrupted.
// REQUIRES: pku
// RUN: %clang -O2 -c %S/Inputs/raw-handler.c -o %t.raw.o
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-syscall-filter -O2 %s %t.raw.o -o %t
// RUN: %run %t | FileCheck %s
// CHECK: handler entry PKRU 0x55555554
// CHECK: signal-kernel: ok
#include "Inputs/check.h"
#include <sys/mman.h>

extern volatile uint32_t raw_entry_pkru, raw_frame_pkru, raw_new_frame_pkru;
int raw_install(int sig);

BULKHEAD_DATA(vault) static volatile int secret = 77;
BULKHEAD_ENTRY(vault) void vault_raise(int sig) { raise(sig); }
BULKHEAD_ENTRY(other) void other_raise(int sig) { raise(sig); }
BULKHEAD_ENTRY(vault) void vault_nop(void) {}

static void plain_handler(int sig) { (void)sig; }
BULKHEAD_ENTRY(vault) void vault_handler(int sig) { (void)sig; }

/* Fact 4, in a child: delivery on an alternate stack tagged with the vault's
 * key, interrupting the default domain or the vault itself. */
static int altstack_child(int from_vault) {
  fflush(NULL);
  pid_t pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    size_t len = 1 << 16;
    void *st = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(st != MAP_FAILED);
    CHECK(pkey_mprotect(st, len, PROT_READ | PROT_WRITE,
                        bulkhead_compartment_pkey("vault")) == 0);
    stack_t ss = {.ss_sp = st, .ss_size = len};
    CHECK(sigaltstack(&ss, NULL) == 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = from_vault ? vault_handler : plain_handler;
    sa.sa_flags = SA_ONSTACK;
    CHECK(sigaction(SIGUSR2, &sa, NULL) == 0);
    if (from_vault)
      vault_raise(SIGUSR2);
    else
      raise(SIGUSR2);
    _exit(0);
  }
  int status;
  CHECK(waitpid(pid, &status, 0) == pid);
  return WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

int main(void) {
  const uint32_t dflt = bulkhead_domain_pkru(NULL);
  const uint32_t vault = bulkhead_domain_pkru("vault");
  const uint32_t other = bulkhead_domain_pkru("other");
  CHECK(raw_install(SIGUSR1) == 0);

  /* 1 and 2 */
  raise(SIGUSR1);
  uint32_t entry = raw_entry_pkru;
  CHECK(raw_frame_pkru == dflt);
  vault_raise(SIGUSR1);
  CHECK(raw_entry_pkru == entry && raw_frame_pkru == vault);
  other_raise(SIGUSR1);
  CHECK(raw_entry_pkru == entry && raw_frame_pkru == other);
  CHECK(entry != dflt && entry != vault && entry != other);
  printf("handler entry PKRU 0x%x\n", entry);

  /* 3: the default domain resumes with the vault's rights. */
  raw_new_frame_pkru = vault;
  raise(SIGUSR1);
  raw_new_frame_pkru = 0;
  CHECK(test_rdpkru() == vault && secret == 77);
  vault_nop(); /* the gate back from the vault restores the default rights */
  CHECK(test_rdpkru() == dflt);

  /* 4 */
  CHECK(altstack_child(0) == SIGSEGV);
  CHECK(altstack_child(1) == SIGSEGV);
  printf("signal-kernel: ok\n");
  return 0;
}
