// Review 18 (attacker model B). Step 3 of the executable-file rule
// (docs/hardening.md, "Executable file mappings") asked whether "the
// process" could change the file, and read the rights of the caller's
// threads only (/proc/<tgid>/task). Other processes the attacker runs
// under the same filter were not looked at:
//   - clone-vm: a clone(CLONE_VM) process (no CLONE_THREAD, no CLONE_FILES:
//     the filter allows it) made while the process is root, sharing its
//     memory, keeps root's credentials when the process drops every id
//     and capability (raw setresuid: a process of its own, which no
//     broadcast reaches anyway);
//   - fork: a plain fork made before the drop, which stays root.
// The dropped process maps a file root owns, mode 0644. The root process
// then writes WRPKRU; ret into the file, the dropped process advises the
// page away (MADV_DONTNEED on a mapping made after start-up goes through)
// and jumps there with eax = ecx = edx = 0. Before the fix, judged as
// nobody, the file "could not change" and was mapped as it is (its pages
// copied): the next access read the file, the jump opened every key and
// read the vault (both ATTACK SUCCEEDED in the PKU guest).
// Fixed: every executable file mapping after start-up is a sealed memfd
// copy of the file, whoever asks (runtime/supervisor-exec.c,
// supervisor-sealed.c); the advised page reads the copy again, and the
// jump lands on the int3 the file held (signal 5), the page showing the
// file's old bytes.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t.on
// RUN: %run %t.on > %t.out 2>&1 || true
// RUN: FileCheck %s --check-prefix=ON < %t.out
// ON-NOT: ATTACK SUCCEEDED
// ON: advised away: 0, the code shows the write: 0
// ON: clone-vm: stopped by signal 5
// ON: advised away: 0, the code shows the write: 0
// ON: fork: stopped by signal 5
// ON: parent's vault intact: 1
#include "Inputs/target.h"
#include "Inputs/libc-wrpkru.h"

#include <sched.h>
#include <sys/prctl.h>

#define FILE_PATH "/tmp/rev18-other-code"

static int go[2], done[2];
static char stack[65536] __attribute__((aligned(16)));

/* The root task: writes the file when told. System calls only (a
 * clone(CLONE_VM) child shares the thread's TLS). */
static int writer(void *unused) {
  (void)unused;
  char c;
  if (syscall(SYS_read, go[0], &c, 1) != 1)
    return 0;
  unsigned char code[4];
  wrpkru_ret(code);
  long w = syscall(SYS_openat, AT_FDCWD, FILE_PATH, O_WRONLY);
  c = w >= 0 && syscall(SYS_pwrite64, (int)w, code, 4, 0x100) == 4 ? 'y' : 'n';
  syscall(SYS_write, done[1], &c, 1);
  return 0;
}

static void attack(int clone_vm) {
  const char *how = clone_vm ? "a file a clone(CLONE_VM) root process wrote"
                             : "a file a root fork wrote";
  if (getuid() != 0) {
    printf("setup: run as root\n");
    return;
  }
  static unsigned char page[4096];
  unlink(FILE_PATH);
  if (write_int3_file(FILE_PATH, page))
    return;
  if (pipe(go) || pipe(done)) {
    printf("setup: %s\n", strerror(errno));
    return;
  }
  fflush(stdout);
  pid_t p = clone_vm ? clone(writer, stack + sizeof stack, CLONE_VM | SIGCHLD, NULL)
                     : fork();
  if (p == 0)
    _exit(writer(NULL));
  if (p < 0) {
    printf("setup: %s: %s\n", clone_vm ? "clone" : "fork", strerror(errno));
    return;
  }
  /* This process alone becomes nobody, for good: no id of root's, no
   * capability, nothing to take back. */
  if (thread_becomes_nobody())
    return;
  unsigned char *m = map_exec_file(FILE_PATH);
  if (m == MAP_FAILED) {
    report_read(how, NULL);
    return;
  }
  printf("mapped by a process with no privilege\n");
  fflush(stdout);
  char c = 'g';
  if (write(go[1], &c, 1) != 1 || read(done[0], &c, 1) != 1 || c != 'y') {
    printf("the root task could not write the file\n");
    report_read(how, NULL);
    return;
  }
  unsigned char code[4];
  wrpkru_ret(code);
  int adv = madvise(m, 4096, MADV_DONTNEED);
  printf("advised away: %d, the code shows the write: %d\n", adv,
         !memcmp(m + 0x100, code, 4));
  fflush(stdout);
  static char out[48];
  JUMP_AND_READ(m + 0x100, out);
  report_read(how, out);
}

static void by_clone_vm(void) { attack(1); }
static void by_fork(void) { attack(0); }

int main(void) {
  struct attack a[] = {{"clone-vm", by_clone_vm}, {"fork", by_fork}};
  return run_attacks(a, 2);
}
