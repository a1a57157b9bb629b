// fork keeps the child's protections: the child has its parent's PKRU, the
// same keys on the same pages, its default domain cannot read compartment
// data and its compartment code can; a fork from inside a compartment
// continues there in the child and leaves through the gate as in the
// parent. exec starts fresh, whichever domain calls it: an uninstrumented
// program starts with the kernel's default PKRU and a full set of free keys,
// and a compartmentalized one sets up its own keys from scratch.
// REQUIRES: pku
// RUN: %clang -O2 %S/Inputs/exec-checker.c -o %t.checker
// RUN: %bulkhead_clang -fpkey-compartments -O2 '-DCHECKER="%t.checker"' %s -o %t
// RUN: %run %t | FileCheck %s
// CHECK: checker: PKRU 0x55555554, first pkey 1
// CHECK-NEXT: checker: PKRU 0x55555554, first pkey 1
// CHECK-NEXT: re-exec'd: vault pkey [[KEY:[0-9]+]], PKRU is the default domain's
// CHECK-NEXT: fork-exec: ok; vault pkey [[KEY]]
#define _GNU_SOURCE
#include "Inputs/check.h"
#include <sys/mman.h>

/* The checker program, carried inside this one so that it reaches the PKU
 * guest without being copied there; exec'd through a memfd. */
__asm__(".pushsection .rodata\n"
        ".p2align 4\n"
        "checker_start:\n"
        ".incbin \"" CHECKER "\"\n"
        "checker_end:\n"
        ".popsection\n");
extern const char checker_start[] __asm__("checker_start");
extern const char checker_end[] __asm__("checker_end");

BULKHEAD_DATA(vault) static volatile int secret = 77;
BULKHEAD_ENTRY(vault) volatile int *vault_address(void) { return &secret; }
BULKHEAD_ENTRY(vault) int vault_read(void) { return secret; }

static int expect(int cond) { return cond ? 0 : 1; }
static void read_secret(void *unused) {
  (void)unused;
  (void)secret;
}
static int default_cannot_read(void) {
  struct outcome o = run_in_child(read_secret, NULL);
  return o.signo == SIGSEGV && o.code == SEGV_PKUERR &&
         o.pkey == bulkhead_compartment_pkey("vault");
}

/* Exits the child with 0 if everything it checks holds. */
static int wait_child(pid_t pid) {
  int status;
  CHECK(pid >= 0 && waitpid(pid, &status, 0) == pid);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status);
}

static void check_child_protections(int key, uint32_t dflt) {
  int bad = 0;
  bad |= expect(test_rdpkru() == dflt) << 0;
  bad |= expect(bulkhead_compartment_pkey("vault") == key) << 1;
  bad |= expect(page_pkey((const void *)vault_address()) == key) << 2;
  bad |= expect(vault_read() == 77) << 3;
  bad |= expect(default_cannot_read()) << 4;
  _exit(bad);
}

/* fork from inside the vault: the child continues here with the vault's
 * rights; both return through the entry's gate. */
BULKHEAD_ENTRY(vault) pid_t vault_fork(int *ok) {
  pid_t pid = fork();
  *ok = test_rdpkru() == bulkhead_domain_pkru("vault") && secret == 77;
  return pid;
}

static void exec_checker(void) {
  int fd = memfd_create("checker", MFD_CLOEXEC);
  CHECK(fd >= 0);
  size_t len = (size_t)(checker_end - checker_start);
  CHECK(write(fd, checker_start, len) == (ssize_t)len);
  char *argv[] = {"checker", NULL}, *envp[] = {NULL};
  fexecve(fd, argv, envp);
  _exit(90);
}
BULKHEAD_ENTRY(vault) void vault_exec_checker(void) { exec_checker(); }
BULKHEAD_ENTRY(vault) void vault_exec_self(const char *key) {
  execl("/proc/self/exe", "fork-exec", "reexec", key, (char *)NULL);
  _exit(91);
}

int main(int argc, char **argv) {
  const uint32_t dflt = bulkhead_domain_pkru(NULL);
  const int key = bulkhead_compartment_pkey("vault");
  if (argc == 3) { /* re-exec'd from inside the vault */
    CHECK(test_rdpkru() == dflt && key == atoi(argv[2]));
    CHECK(page_pkey((const void *)vault_address()) == key);
    CHECK(vault_read() == 77 && default_cannot_read());
    printf("re-exec'd: vault pkey %d, PKRU is the default domain's\n", key);
    return 0;
  }
  CHECK(page_pkey((const void *)vault_address()) == key);

  fflush(NULL);
  pid_t pid = fork();
  if (pid == 0)
    check_child_protections(key, dflt);
  CHECK(wait_child(pid) == 0);

  int ok = 0;
  fflush(NULL);
  pid = vault_fork(&ok);
  CHECK(ok && test_rdpkru() == dflt);
  if (pid == 0)
    check_child_protections(key, dflt);
  CHECK(wait_child(pid) == 0);

  /* exec from the default domain and from inside the vault */
  fflush(NULL);
  if ((pid = fork()) == 0)
    exec_checker();
  CHECK(wait_child(pid) == 0);
  if ((pid = fork()) == 0)
    vault_exec_checker();
  CHECK(wait_child(pid) == 0);
  char keystr[8];
  snprintf(keystr, sizeof keystr, "%d", key);
  if ((pid = fork()) == 0)
    vault_exec_self(keystr);
  CHECK(wait_child(pid) == 0);
  printf("fork-exec: ok; vault pkey %d\n", key);
  return 0;
}
