// Attacker model B. The rule against files the process could change
// (runtime/supervisor-exec.c changeable()) judges the calling thread's
// credentials (/proc/<tid>/status). Credentials are per thread in Linux
// (glibc's setresuid broadcasts to every thread; the system call does
// not). A root process's main thread drops everything with the raw system
// calls (setgroups, setresgid, setresuid 65534: every id nobody's, no
// capability left, no saved root either), while another thread stays
// root. The dropped thread maps a file root owns, mode 0644: judged as
// nobody, it "cannot be changed", and is mapped after the scan. The root
// thread then writes WRPKRU; ret into the file, which the private mapping
// shows, and the dropped thread jumps to it with eax = ecx = edx = 0:
// every key opens and the vault's page reads. The fifth review's
// saved-root finding (attacks-review5-saved-root.c) proposes judging what
// the caller can become (all its ids, CapPrm): that misses this case,
// where the caller can become nothing and a sibling is root. Found in the
// sixth review; reproduced in the QEMU guest (6.1).
//
// Fixed without judging threads: once the kernel has mapped the file,
// and before any thread of the process runs again, the supervisor writes
// every page of the new mapping with its own bytes through
// /proc/<pid>/mem (runtime/supervisor-own.c), so the pages are the
// process's own copies, which the root thread's write does not reach,
// and scans those copies. The jump lands on the file's old bytes (int3:
// SIGTRAP). It failed before ("mapping shows the write: 1", ATTACK
// SUCCEEDED).
//
// The second case (review 16) advises the copy away after the root
// thread's write (MADV_DONTNEED: a mapping made after start-up is no
// protected range), and the next access read the file: ATTACK SUCCEEDED.
// Fixed: step 3 judges every thread's rights, read while the supervisor
// holds them all stopped; the root sibling makes the file changeable, so
// the kernel maps a sealed copy, which nothing drops back to the file.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t.on -lpthread
// RUN: %run %t.on | FileCheck %s --check-prefix=ON
// ON-NOT: ATTACK SUCCEEDED
// ON: mapped by a thread with no privilege
// ON-NEXT: mapping shows the write: 0
// ON: thread-creds: stopped by signal 5
// ON: mapped by a thread with no privilege
// ON-NEXT: advised away: 0
// ON-NEXT: mapping shows the write: 0
// ON: thread-creds-dontneed: stopped by signal 5
// ON: parent's vault intact: 1
#include "Inputs/target.h"
#include "Inputs/libc-wrpkru.h"

#include <pthread.h>

#define FILE_PATH "/tmp/r6tc-code"

static int go[2], done[2];

/* The thread that stays root: writes the file when told to. */
static void *root_thread(void *unused) {
  (void)unused;
  char c;
  if (read(go[0], &c, 1) != 1)
    return NULL;
  unsigned char code[4];
  wrpkru_ret(code);
  int w = open(FILE_PATH, O_WRONLY);
  c = w >= 0 && pwrite(w, code, 4, 0x100) == 4 ? 'y' : 'n';
  if (write(done[1], &c, 1) != 1)
    return NULL;
  return NULL;
}

/* advise: the copy advised away (MADV_DONTNEED) before the jump. */
static void attack_as(int advise) {
  if (getuid() != 0) {
    printf("setup: not root\n");
    return;
  }
  static unsigned char page[4096];
  if (write_int3_file(FILE_PATH, page))
    return;
  pthread_t t;
  if (pipe(go) || pipe(done) || pthread_create(&t, NULL, root_thread, NULL)) {
    printf("setup: %s\n", strerror(errno));
    return;
  }
  /* This thread alone becomes nobody, for good. */
  if (thread_becomes_nobody())
    return;
  unsigned char *m = map_exec_file(FILE_PATH);
  if (m == MAP_FAILED) {
    report_read("a file a root thread wrote", NULL);
    return;
  }
  printf("mapped by a thread with no privilege\n");
  fflush(stdout);
  char c = 'g';
  if (write(go[1], &c, 1) != 1 || read(done[0], &c, 1) != 1 || c != 'y') {
    report_read("a file a root thread wrote", NULL);
    return;
  }
  unsigned char code[4];
  wrpkru_ret(code);
  if (advise)
    printf("advised away: %d\n", madvise(m, 4096, MADV_DONTNEED));
  printf("mapping shows the write: %d\n", !memcmp(m + 0x100, code, 4));
  fflush(stdout);
  static char out[48];
  JUMP_AND_READ(m + 0x100, out);
  report_read("a file a root thread wrote", out);
}

static void plain(void) { attack_as(0); }
static void advised(void) { attack_as(1); }

int main(void) {
  struct attack a[] = {{"thread-creds", plain}, {"thread-creds-dontneed", advised}};
  return run_attacks(a, 2);
}
