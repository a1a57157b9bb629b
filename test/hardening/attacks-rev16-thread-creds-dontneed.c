// Review 16 (attacker model B): attacks-review6-thread-creds.c with
// MADV_DONTNEED. Credentials are per thread; the rule of step 3
// (docs/hardening.md, "Executable file mappings"; supervisor-exec.c,
// changeable()) reads only the calling thread's /proc/<tid>/status. A
// root process's main thread drops everything with the raw system calls
// (every id nobody's, no capability, no saved root), another thread stays
// root. The dropped thread maps a file root owns, mode 0644: judged as
// nobody it "cannot be changed", so the kernel maps the file itself (no
// sealed copy) and step 6 makes its pages copies. The root thread writes
// WRPKRU; ret into the file, the page is advised away (MADV_DONTNEED: a
// mapping made after start-up is no protected range) and the next access
// reads the file: the jump with eax = ecx = edx = 0 opens every key and
// reads the vault. Review 6 closed the plain write with step 6's copies,
// and review 15 closed DONTNEED with the sealed copy, but only for callers
// whose own rights reach the file.
// Reproduced in the PKU guest: "ATTACK SUCCEEDED".
// Fixed: step 3 judges the rights of every thread of the process (each
// task's status, read while the supervisor holds them all stopped), so
// the root sibling makes the file "changeable" and the kernel maps a
// sealed copy: the jump lands on the old bytes (int3, signal 5).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t.on -lpthread
// RUN: %run %t.on > %t.out 2>&1 || true
// RUN: FileCheck %s --check-prefix=ON < %t.out
// ON-NOT: ATTACK SUCCEEDED
// ON: mapped by a thread with no privilege
// ON: thread-creds-dontneed: stopped by signal 5
// ON: parent's vault intact: 1
#include "Inputs/target.h"
#include "Inputs/libc-wrpkru.h"

#include <pthread.h>

#define FILE_PATH "/tmp/rev16-tc-code"

static int go[2], done[2];

/* The thread that stays root: writes the file when told to. */
static void *root_thread(void *unused) {
  (void)unused;
  char c;
  if (read(go[0], &c, 1) != 1)
    return NULL;
  const unsigned char code[4] = {0x0f, 0x01, (unsigned char)(0xff ^ flip), 0xc3};
  int w = open(FILE_PATH, O_WRONLY);
  c = w >= 0 && pwrite(w, code, 4, 0x100) == 4 ? 'y' : 'n';
  if (write(done[1], &c, 1) != 1)
    return NULL;
  return NULL;
}

static void attack(void) {
  if (getuid() != 0) {
    printf("setup: not root\n");
    return;
  }
  static unsigned char page[4096];
  memset(page, 0xcc, sizeof page);
  int fd = open(FILE_PATH, O_RDWR | O_CREAT | O_TRUNC, 0644);
  pthread_t t;
  if (fd < 0 || write(fd, page, sizeof page) != sizeof page || close(fd) ||
      pipe(go) || pipe(done) || pthread_create(&t, NULL, root_thread, NULL)) {
    printf("setup: %s\n", strerror(errno));
    return;
  }
  /* This thread alone becomes nobody, for good. */
  if (syscall(SYS_setgroups, 0, NULL) || syscall(SYS_setresgid, 65534, 65534, 65534) ||
      syscall(SYS_setresuid, 65534, 65534, 65534)) {
    printf("setup: %s\n", strerror(errno));
    return;
  }
  fd = open(FILE_PATH, O_RDONLY);
  unsigned char *m =
      fd < 0 ? MAP_FAILED : mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
  if (m == MAP_FAILED) {
    report_read("a file a root thread wrote, its copy advised away", NULL);
    return;
  }
  printf("mapped by a thread with no privilege\n");
  fflush(stdout);
  char c = 'g';
  if (write(go[1], &c, 1) != 1 || read(done[0], &c, 1) != 1 || c != 'y') {
    report_read("a file a root thread wrote, its copy advised away", NULL);
    return;
  }
  const unsigned char code[4] = {0x0f, 0x01, (unsigned char)(0xff ^ flip), 0xc3};
  /* MADV_DONTNEED drops the copy (the mapping is no protected range):
   * the next access reads the file. */
  int adv = madvise(m, 4096, MADV_DONTNEED);
  printf("advised away: %d, mapping shows the write: %d\n", adv,
         !memcmp(m + 0x100, code, 4));
  fflush(stdout);
  static char out[48];
  JUMP_AND_READ(m + 0x100, out);
  report_read("a file a root thread wrote, its copy advised away", out);
}

int main(void) {
  struct attack a[] = {{"thread-creds-dontneed", attack}};
  return run_attacks(a, 1);
}
