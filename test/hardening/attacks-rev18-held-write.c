// Review 18 (attacker model B). Step 3 of the executable-file rule
// refused a call whose own descriptor is open for writing, and judged the
// process's rights as they are now (ids, groups, capabilities). A right
// the process used before and still holds was not looked for:
//   - held-fd: root opens the file for writing, keeps the descriptor,
//     then drops every id and capability for good (nothing to take back);
//   - held-shared-map: root maps the file MAP_SHARED, PROT_WRITE, keeps
//     the mapping, and drops the same way (the descriptor closed).
// The dropped process opens the file read-only and maps it executable,
// writes WRPKRU; ret into the file through what it kept, advises the page
// away (MADV_DONTNEED on a mapping made after start-up goes through) and
// jumps there with eax = ecx = edx = 0. Before the fix, judged as nobody,
// the file "could not change" and was mapped as it is (its pages copied):
// the next access read the file, the jump opened every key and read the
// vault (both ATTACK SUCCEEDED in the PKU guest).
// Fixed: every executable file mapping after start-up is a sealed memfd
// copy of the file, whoever asks (runtime/supervisor-exec.c,
// supervisor-sealed.c); the write does not reach the copy, the advised
// page reads the copy again, and the jump lands on the int3 the file held
// (signal 5), the page showing the file's old bytes.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t.on
// RUN: %run %t.on > %t.out 2>&1 || true
// RUN: FileCheck %s --check-prefix=ON < %t.out
// ON-NOT: ATTACK SUCCEEDED
// ON: written: 1, advised away: 0, the code shows the write: 0
// ON: held-fd: stopped by signal 5
// ON: written: 1, advised away: 0, the code shows the write: 0
// ON: held-shared-map: stopped by signal 5
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
  if (thread_becomes_nobody())
    return;
  printf("can open it for writing now: %d\n", open(FILE_PATH, O_WRONLY) >= 0);
  int fd = open(FILE_PATH, O_RDONLY);
  unsigned char *m =
      fd < 0 ? MAP_FAILED : mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
  if (m == MAP_FAILED) {
    report_read(how, NULL);
    return;
  }
  printf("mapped by a process with no privilege\n");
  unsigned char code[4];
  wrpkru_ret(code);
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
