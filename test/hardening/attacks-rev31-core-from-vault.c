// Review 31, attacker model B (the default domain's program counter, any
// system call the filter allows); root not needed. A core dump reads the
// process's memory with the PKRU of the thread that dumps it (the kernel's
// get_dump_page honours protection keys for the current task, and leaves
// a page it may not read out of the file), and the thread that dumps is
// the one that takes the signal. The default domain picks that thread:
// tgkill with SIGQUIT (default action: dump core) to a thread of its own
// while that thread runs a vault entry, the vault's keys open. The file
// then holds the vault's memory, and the default domain reads the file.
// Nothing needed is refused: setrlimit(RLIMIT_CORE) on itself, tgkill on
// its own thread, /proc/self/coredump_filter (a process's own procfs
// file), and the kernel's default core_pattern ("core", a file in the
// working directory; any file pattern will do, systemd-coredump's and
// apport's pipes keep the file where root reads it).
//
// Here main has the vault compute its secret at run time (the binary holds
// it XORed with a key given on the command line), then, up to 12 times,
// forks a child that raises its core limit, starts a thread that calls a
// vault entry in a loop, and sends that thread SIGQUIT; main reads the
// core file where it holds the secret's address: ATTACK SUCCEEDED when found. The control sends
// SIGQUIT to the child's main thread (default domain) instead: the core
// holds no secret there (the kernel leaves pages the dumping thread may
// not read out of the file).
//
// Seen in the guest (root): ATTACK SUCCEEDED at the first try (the core
// is sparse, 64 GiB: the runtime's reserved ranges).
//
// Fixed: no core dump for a process with compartments: install_filter
// sets RLIMIT_CORE to 1 (the kernel skips a dump to a file below a page,
// and to core_pattern's pipe helper at exactly 1), and the filter answers
// EPERM to a prlimit64 of RLIMIT_CORE that sets it (the old setrlimit call
// is refused whole). The control's dumps are gone too.
// REQUIRES: pku
// RUN: rm -rf %t && mkdir %t
// RUN: %bulkhead_clang -fpkey-compartments -O1 %s -o %t/prog
// RUN: %run %t/prog control 90 > %t/control.out 2>&1 || true
// RUN: FileCheck %s --check-prefix=CONTROL < %t/control.out
// RUN: %run %t/prog attack 90 > %t/out 2>&1 || true
// RUN: FileCheck %s < %t/out
// CONTROL: vault says
// CONTROL-NOT: ATTACK SUCCEEDED
// CONTROL: try 0: no core (-1 bytes), secret in the core: -1
// CONTROL-NOT: ATTACK SUCCEEDED
// CHECK: vault says
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: try 11: no core (-1 bytes), secret in the core: -1
// CHECK-NEXT: attack failed
#define _GNU_SOURCE
#include <elf.h>
#include <fcntl.h>
#include <stdint.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bulkhead.h>

/* "TOP-SECRET-VAULT-KEY" XOR 90 (the key comes from argv) */
static const unsigned char masked[20] = {
    0x0e, 0x15, 0x0a, 0x77, 0x09, 0x1f, 0x19, 0x08, 0x1f, 0x0e,
    0x77, 0x0c, 0x1b, 0x0f, 0x16, 0x0e, 0x77, 0x11, 0x1f, 0x03};

BULKHEAD_DATA(vault) static char secret[32];
BULKHEAD_ENTRY(vault) void vault_init(const unsigned char *m, int key) {
  for (int i = 0; i < 20; i++)
    secret[i] = (char)(m[i] ^ key);
}
BULKHEAD_ENTRY(vault) unsigned vault_work(void) {
  unsigned h = 0;
  for (int r = 0; r < 200; r++)
    for (int i = 0; secret[i]; i++)
      h = h * 31 + (unsigned char)secret[i];
  return h;
}

static volatile pid_t worker;
static void *work(void *arg) {
  (void)arg;
  worker = (pid_t)syscall(SYS_gettid);
  for (volatile unsigned h = 0;;)
    h += vault_work();
  return NULL;
}

/* The child: a thread in the vault, and SIGQUIT to it (or, for the
 * control, to the main thread). */
static void child(int attack) {
  struct rlimit r = {RLIM_INFINITY, RLIM_INFINITY};
  setrlimit(RLIMIT_CORE, &r);
  int fd = open("/proc/self/coredump_filter", O_WRONLY);
  if (fd >= 0) {
    if (write(fd, "0x3f", 4) < 0)
      _exit(3);
    close(fd);
  }
  pthread_t t;
  pthread_create(&t, NULL, work, NULL);
  while (!worker)
    usleep(1000);
  usleep(20000);
  syscall(SYS_tgkill, getpid(), attack ? worker : getpid(), SIGQUIT);
  for (;;)
    pause();
}

/* Whether the core file in the working directory holds the secret where
 * the vault keeps it (the core is sparse and huge: only the segment that
 * holds the secret's address is read). -1: no core, or no such segment. */
static int core_has_secret(void) {
  char want[21], got[20];
  for (int i = 0; i < 20; i++)
    want[i] = (char)(masked[i] ^ 90);
  want[20] = 0;
  int fd = open("core", O_RDONLY), found = -1;
  Elf64_Ehdr eh;
  if (fd < 0)
    return -1;
  uint64_t addr = (uint64_t)(uintptr_t)secret;
  if (pread(fd, &eh, sizeof eh, 0) == (ssize_t)sizeof eh)
    for (int i = 0; i < eh.e_phnum && found < 0; i++) {
      Elf64_Phdr ph;
      if (pread(fd, &ph, sizeof ph, (off_t)(eh.e_phoff + i * sizeof ph)) !=
          (ssize_t)sizeof ph)
        break;
      if (ph.p_type == PT_LOAD && addr >= ph.p_vaddr &&
          addr + 20 <= ph.p_vaddr + ph.p_filesz)
        found = pread(fd, got, 20, (off_t)(ph.p_offset + addr - ph.p_vaddr)) ==
                        20 &&
                !memcmp(got, want, 20);
    }
  close(fd);
  return found;
}

int main(int argc, char **argv) {
  if (argc < 3)
    return 2;
  vault_init(masked, atoi(argv[2]));
  printf("vault says %u\n", vault_work());
  fflush(stdout);
  int attack = !strcmp(argv[1], "attack");
  char dir[] = "/tmp/rev31-core-XXXXXX";
  if (!mkdtemp(dir) || chdir(dir))
    return 2;
  for (int i = 0; i < 12; i++) {
    unlink("core");
    pid_t c = fork();
    if (c == 0)
      child(attack);
    int st = 0, w = 0;
    for (int k = 0; k < 300 && !(w = waitpid(c, &st, WNOHANG)); k++)
      usleep(100000); /* 30 s at most */
    if (!w) {
      kill(c, SIGKILL);
      waitpid(c, &st, 0);
    }
    struct stat cs;
    long size = stat("core", &cs) ? -1 : (long)cs.st_size;
    int has = core_has_secret();
    printf("try %d: %s (%ld bytes), secret in the core: %d\n", i,
           !w ? "child hung" : WIFSIGNALED(st) && WCOREDUMP(st)
                                   ? "core dumped" : "no core",
           size, has);
    fflush(stdout);
    if (has > 0) {
      printf("ATTACK SUCCEEDED: the vault's secret in the core file of a "
             "thread inside the vault\n");
      return 0;
    }
    if (!attack && i >= 2)
      break;
  }
  printf("attack failed\n");
  return 0;
}
