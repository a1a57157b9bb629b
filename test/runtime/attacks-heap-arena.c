// Data-only attack on a compartment allocator's arena descriptor (issue 11,
// break 1). The vault's private mimalloc copy keeps its arena descriptor
// (where its region starts) in key-0 memory. The attacker finds it with
// loads alone (the copy's data in /proc/self/maps, a word equal to the
// region's start) and points it at read-only memory of the executable;
// the vault's next large allocation then commits ("mprotect read-write")
// there. Before the fix the read-only page became writable (the reviewer
// used the descriptors' page). Then the process stopped before any
// protection outside the region changed. Now the copy's data and its arena
// descriptor are on the vault's key: no key-0 word leads to the
// descriptor, so the attack cannot start (the runtime's stop on an mprotect
// outside the region is still tested for the default domain's allocator,
// attacks-review-default-arena.c).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t && %run %t
#include "Inputs/check.h"
#include <fcntl.h>

#define SEGMENT (32ul << 20)

/* Read-only memory of the executable, a stand-in for the descriptors: room
 * for what mimalloc writes into a segment it thinks it committed. */
static const char target[1 << 18] __attribute__((aligned(4096))) = {1};

BULKHEAD_ENTRY(vault) char *vault_alloc(size_t n) { return malloc(n); }

struct range {
  uintptr_t lo, hi;
  int ok; /* readable, key 0 */
};
static struct range ranges[4096];
static int nranges;
static char text[1 << 20];

static int slurp(const char *path) {
  int fd = open(path, O_RDONLY), n = 0, k;
  if (fd < 0)
    return 0;
  while (n < (int)sizeof text - 1 && (k = read(fd, text + n, sizeof text - 1 - n)) > 0)
    n += k;
  close(fd);
  text[n] = 0;
  return n;
}

/* Every mapping, and whether a load from it is safe (readable, key 0). */
static void load_ranges(void) {
  CHECK(slurp("/proc/self/smaps"));
  nranges = 0;
  for (char *l = text; *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : l + strlen(l)) {
    unsigned long lo, hi;
    char perms[8];
    int key;
    if (sscanf(l, "%lx-%lx %7s", &lo, &hi, perms) == 3 && nranges < 4096)
      ranges[nranges++] = (struct range){lo, hi, perms[0] == 'r'};
    else if (sscanf(l, "ProtectionKey: %d", &key) == 1 && key && nranges)
      ranges[nranges - 1].ok = 0;
  }
}

static int safe(uintptr_t a, size_t n) {
  for (int i = 0; i < nranges; i++)
    if (a >= ranges[i].lo && a < ranges[i].hi && ranges[i].hi - a >= n)
      return ranges[i].ok;
  return 0;
}

static int writable(const void *p) {
  if (!slurp("/proc/self/maps"))
    return -1;
  for (char *l = text; *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : l + strlen(l)) {
    unsigned long lo, hi;
    char perms[8];
    if (sscanf(l, "%lx-%lx %7s", &lo, &hi, perms) == 3 && (uintptr_t)p >= lo &&
        (uintptr_t)p < hi)
      return perms[1] == 'w';
  }
  return -1;
}

/* The runtime's abort on a stray block, or a fault of the vault's
 * allocator writing past what it "committed": was the target opened? */
static void on_abort(int sig) {
  (void)sig;
  _exit(writable(target) == 1 ? 42 : 43);
}

static void attack(void) {
  char *p = vault_alloc(64); /* the first segment: the region's start */
  CHECK(p);
  uintptr_t region = (uintptr_t)p & ~(SEGMENT - 1);
  load_ranges();
  /* The copy's data: its file's writable mapping and the .bss after it. */
  CHECK(slurp("/proc/self/maps"));
  uintptr_t data[8][2];
  int nd = 0, prev_copy = 0;
  for (char *l = text; *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : l + strlen(l)) {
    unsigned long lo, hi;
    char perms[8];
    if (sscanf(l, "%lx-%lx %7s", &lo, &hi, perms) != 3)
      continue;
    char *nl = strchr(l, '\n');
    int copy = strstr(l, "bulkhead-mimalloc") && (!nl || strstr(l, "bulkhead-mimalloc") < nl);
    if (perms[1] == 'w' && (copy || prev_copy) && nd < 8)
      data[nd][0] = lo, data[nd][1] = hi, nd++;
    prev_copy = copy;
  }
  CHECK(nd > 0);
  uintptr_t *arena = NULL;
  for (int d = 0; d < nd && !arena; d++)
    for (uintptr_t *w = (uintptr_t *)data[d][0]; (uintptr_t)(w + 1) <= data[d][1]; w++)
      if (safe((uintptr_t)w, 8) && safe(*w, 24) &&
          ((uintptr_t *)*w)[1] == region) {
        arena = (uintptr_t *)*w;
        break;
      }
  if (!arena)
    _exit(46); /* no key-0 word leads to the vault's arena descriptor */
  /* The attack: the region "starts" one segment below the target. The
   * next segment the vault needs is then at the target. */
  arena[1] = (uintptr_t)target - SEGMENT;
  char *q = vault_alloc(20 << 20);
  _exit(writable(target) == 1 ? 42 : q ? 44 : 45);
}

int main(void) {
  CHECK(writable(target) == 0);
  fflush(NULL);
  pid_t pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    signal(SIGABRT, on_abort);
    signal(SIGSEGV, on_abort);
    attack();
  }
  int status;
  CHECK(waitpid(pid, &status, 0) == pid);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 42)
    fprintf(stderr, "attacks-heap-arena: the executable's read-only page became writable\n");
  /* Before the copy's data was tagged, the runtime stopped the process
   * (bh_fatal: status 1) before mimalloc's mprotect outside the region
   * ran. Now the descriptor is out of the default domain's reach. */
  if (WIFEXITED(status) && WEXITSTATUS(status) == 1)
    fprintf(stderr, "attacks-heap-arena: the vault's arena descriptor was "
                    "found in key-0 memory\n");
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 46);
  CHECK(writable(target) == 0);
  printf("attacks-heap-arena: ok\n");
  return 0;
}
