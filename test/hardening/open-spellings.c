// Fuzz-style test of the supervisor's open check (runtime/supervisor-open.c).
// A seeded generator spells the way to this process's /proc directory in
// many ways - self, its pid, thread-self, task/<tid>, /dev/fd/.., doubled
// slashes, "." and "x/.." components, relative paths after chdir, a
// directory descriptor, symlinks in /tmp - and appends "mem" or "status".
//  - Every "mem" spelling must be refused: the child that opens it dies
//    with one line, and none reads the vault's data.
//  - Every "status" spelling must open, and open the caller's own status
//    (its Pid line), not the supervisor's: the supervisor opens paths for
//    the caller, so a wrong "self" would be a wrong answer, not a refusal.
// The same spellings without the filter open "mem" every time (OFF), so
// the generator does produce working paths.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-syscall-filter -O2 %s -o %t.off
// RUN: %run %t.off | FileCheck %s --check-prefix=OFF
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t.on
// RUN: %run %t.on 2> %t.err | FileCheck %s --check-prefix=ON
// RUN: FileCheck %s --check-prefix=ERR < %t.err
// OFF: mem spellings: 0 refused, 80 read the vault
// OFF: status spellings: 80 right process, 0 wrong, 0 failed
// ON: mem spellings: 80 refused, 0 read the vault
// ON: status spellings: 80 right process, 0 wrong, 0 failed
// ERR: bulkhead: denied: openat({{.*}}mem" from the default domain, in process
// ERR-NOT: ATTACK
#include "Inputs/target.h"
#include <sys/stat.h>

static unsigned long rng;
static unsigned pick(unsigned n) {
  rng = rng * 6364136223846793005ul + 1442695040888963407ul;
  return (unsigned)(rng >> 33) % n;
}

/* Appends a random harmless decoration: "", "/", "/.", or "/x/.." where x
 * is a directory under the /proc/<pid> directory. */
static void decorate(char *p, int in_pid_dir) {
  switch (pick(in_pid_dir ? 4 : 3)) {
  case 1: strcat(p, "/"); break;
  case 2: strcat(p, "/."); break;
  case 3: strcat(p, pick(2) ? "/task/.." : "/fd/.."); break;
  }
}

/* A spelling of this process's /proc directory + "/" + leaf, and where to
 * open it from (*dirfd; AT_FDCWD after an optional chdir). */
static void spell(char *p, const char *leaf, int *dirfd, int allow_self_link) {
  int pid = getpid(), thread_dir = 0;
  *dirfd = AT_FDCWD;
  p[0] = 0;
  switch (pick(9)) {
  case 0: strcpy(p, "/proc/self"); break;
  case 1: sprintf(p, "/proc/%d", pid); break;
  case 2: strcpy(p, "/proc/thread-self"), thread_dir = 1; break;
  case 3: sprintf(p, "/proc/%d/task/%d", pid, pid), thread_dir = 1; break;
  case 4: strcpy(p, "/dev/fd/.."); break;
  case 5: /* relative, from /proc */
    if (chdir("/proc"))
      exit(5);
    strcpy(p, pick(2) ? "self" : "./self");
    break;
  case 6: /* a directory descriptor of / */
    *dirfd = open("/", O_DIRECTORY | O_RDONLY);
    sprintf(p, "proc/%d", pid);
    break;
  case 7: { /* a symlink to the pid directory */
    char link[64];
    sprintf(link, "/tmp/bh-spell-%d", pid);
    unlink(link);
    char target[32];
    if (allow_self_link && pick(2))
      strcpy(target, "/proc/self");
    else
      sprintf(target, "/proc/%d", pid);
    if (symlink(target, link))
      exit(6);
    strcpy(p, link);
    break;
  }
  default: sprintf(p, "//proc//%d", pid); break;
  }
  decorate(p, !thread_dir); /* a thread's directory has no task/ */
  strcat(p, "/");
  strcat(p, leaf);
}

static int try_mem(unsigned long seed) {
  rng = seed;
  char p[256];
  int dirfd;
  spell(p, "mem", &dirfd, 1);
  int fd = openat(dirfd, p, O_RDONLY);
  static char buf[64];
  if (fd >= 0 && pread(fd, buf, 40, (off_t)(uintptr_t)vault_data) > 0 &&
      !strncmp(buf, SECRET, strlen(SECRET))) {
    printf("ATTACK read the vault through %s\n", p);
    return 7;
  }
  printf("%s: %s\n", p, strerror(errno));
  return 0;
}

static int try_status(unsigned long seed) {
  rng = seed;
  char p[256], buf[4096], want[32];
  int dirfd;
  spell(p, "status", &dirfd, 0);
  int fd = openat(dirfd, p, O_RDONLY);
  if (fd < 0) {
    printf("cannot open %s: %s\n", p, strerror(errno));
    return 4;
  }
  ssize_t n = read(fd, buf, sizeof buf - 1);
  buf[n > 0 ? n : 0] = 0;
  sprintf(want, "\nPid:\t%d\n", getpid());
  if (!strstr(buf, want)) {
    printf("%s is not this process's status\n", p);
    return 3;
  }
  return 0;
}

static int child(int (*f)(unsigned long), unsigned long seed) {
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    int r = f(seed);
    fflush(stdout);
    _exit(r);
  }
  int st;
  waitpid(pid, &st, 0);
  return WIFSIGNALED(st) ? -WTERMSIG(st) : WEXITSTATUS(st);
}

int main(void) {
  /* A minimal system (the PKU guest's initramfs) may lack the usual
   * /dev/fd link; the spellings through it need one. */
  if (access("/dev/fd", F_OK) && symlink("/proc/self/fd", "/dev/fd"))
    perror("/dev/fd");
  vault_block = vault_new_block();
  int refused = 0, read = 0, right = 0, wrong = 0, failed = 0;
  for (unsigned long i = 1; i <= 80; i++) {
    int r = child(try_mem, i * 7919);
    refused += r == -SIGKILL;
    read += r == 7;
  }
  printf("mem spellings: %d refused, %d read the vault\n", refused, read);
  for (unsigned long i = 1; i <= 80; i++) {
    int r = child(try_status, i * 104729);
    right += r == 0;
    wrong += r == 3;
    failed += r != 0 && r != 3;
  }
  printf("status spellings: %d right process, %d wrong, %d failed\n", right, wrong, failed);
  return 0;
}
