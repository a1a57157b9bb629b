// Review 16 (attacker model B): the rule of step 3 (docs/hardening.md,
// "Executable file mappings") counts a caller's permitted CAP_DAC_OVERRIDE
// and CAP_FOWNER as "may write every file", but no other capability
// (runtime/supervisor-exec.c, changeable()). A process that keeps only
// CAP_SETUID, CAP_CHOWN or CAP_SETGID (a service that switches users, a
// file server) is judged as its ids are now, yet each of those makes a
// file writable after the look:
//   - setuid: ids all nobody's, CapPrm = CAP_SETUID. It maps a file root
//     owns, mode 0644: "cannot change", mapped from the file, its pages
//     copied (step 6). Then setresuid(0, 0, 0): root owns the file and
//     its owner bit lets it write, no CAP_DAC_OVERRIDE needed;
//   - chown: CapPrm = CAP_CHOWN: chown the file to nobody, then write it
//     as its owner (mode 0644);
//   - setgid: CapPrm = CAP_SETGID, a file of group 0, mode 0664:
//     setresgid(0, 0, 0), then write it as its group.
// Each writes WRPKRU; ret into the file, advises the page away
// (MADV_DONTNEED: a file mapped after start-up is no protected range, so
// madvise goes through) and the next access reads the file: the jump with
// eax = ecx = edx = 0 opens every key and reads the vault.
// Reproduced in the PKU guest: each prints "ATTACK SUCCEEDED".
// The start-up rule (supervisor-own.c, could_become) already takes any
// permitted capability as all of them; step 3's does not.
// Fixed: changeable() counts any permitted or effective capability as
// "may write every file", as could_become does: the kernel maps a sealed
// copy and the jump lands on int3 (signal 5).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t.on
// RUN: %run %t.on > %t.out 2>&1 || true
// RUN: FileCheck %s --check-prefix=ON < %t.out
// ON-NOT: ATTACK SUCCEEDED
// ON: setuid: stopped by signal 5
// ON: chown: stopped by signal 5
// ON: setgid: stopped by signal 5
// ON: parent's vault intact: 1
#include "Inputs/target.h"
#include "Inputs/libc-wrpkru.h"

#include <linux/capability.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>

#define FILE_PATH "/tmp/rev16-cap-code"

/* Keeps only capability cap, permitted and effective, with ids nobody's. */
static int keep_only(int cap) {
  struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct d[2] = {{0}};
  d[0].permitted = d[0].effective = 1u << cap;
  if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) || setgroups(0, NULL) ||
      setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534) ||
      syscall(SYS_capset, &h, d))
    return -1;
  prctl(PR_SET_DUMPABLE, 1, 0, 0, 0); /* the supervisor reads our memory */
  return 0;
}

static void attack(int cap, mode_t mode) {
  static unsigned char page[4096];
  memset(page, 0xcc, sizeof page);
  unlink(FILE_PATH);
  int fd = open(FILE_PATH, O_RDWR | O_CREAT | O_TRUNC, mode);
  if (fd < 0 || write(fd, page, sizeof page) != sizeof page ||
      fchown(fd, 0, 0) || fchmod(fd, mode) || close(fd) || keep_only(cap)) {
    printf("setup: %s\n", strerror(errno));
    return;
  }
  fd = open(FILE_PATH, O_RDONLY);
  unsigned char *m =
      fd < 0 ? MAP_FAILED : mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
  printf("mapped: %d\n", m != MAP_FAILED);
  fflush(stdout);
  if (m == MAP_FAILED)
    return;
  /* Now make the file writable with the one capability kept. */
  int ok = cap == CAP_SETUID   ? !setresuid(0, 0, 0)
           : cap == CAP_CHOWN  ? !chown(FILE_PATH, 65534, -1)
                               : !setresgid(0, 0, 0);
  const unsigned char code[4] = {0x0f, 0x01, (unsigned char)(0xff ^ flip), 0xc3};
  int w = ok ? open(FILE_PATH, O_WRONLY) : -1;
  printf("file writable now: %d\n", w >= 0);
  if (w < 0 || pwrite(w, code, 4, 0x100) != 4) {
    report_read("a file made writable after the look, its copy advised away", NULL);
    return;
  }
  int adv = madvise(m, 4096, MADV_DONTNEED);
  printf("advised away: %d, the code shows the write: %d\n", adv,
         !memcmp(m + 0x100, code, 4));
  fflush(stdout);
  static char out[48];
  JUMP_AND_READ(m + 0x100, out);
  report_read("a file made writable after the look, its copy advised away", out);
}

static void by_setuid(void) { attack(CAP_SETUID, 0644); }
static void by_chown(void) { attack(CAP_CHOWN, 0644); }
static void by_setgid(void) { attack(CAP_SETGID, 0664); }

int main(void) {
  if (getuid() != 0) {
    printf("setup: run as root\n");
    return 1;
  }
  struct attack a[] = {{"setuid", by_setuid}, {"chown", by_chown}, {"setgid", by_setgid}};
  return run_attacks(a, 3);
}
