// A hardened program reserves at start-up, for each protection key it
// reserved (dlopen-reserved-keys.c), a stack arena and a heap region
// (docs/shared-objects.md, step 6, piece 3): PROT_NONE, untagged, and
// inside the filter's protected ranges, unkeyed ones, so no call can put
// key-0 contents there before a registration gives the key: mprotect (even
// without PROT_EXEC, which keyed ranges allow), munmap, mmap MAP_FIXED,
// madvise and pkey_mprotect of them are refused with one line and the
// process dies. The driver (an unfiltered build of this file) starts the
// hardened build with BULKHEAD_VERBOSE=1, reads the reserved ranges from
// its start-up lines and hands their addresses to it on its standard
// input. Before the reservation the hardened build listed no reserved
// range (and mprotect of such memory would have been allowed).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-syscall-filter -O2 %s -o %t.driver
// RUN: env BULKHEAD_VM_FILES=%t %run %t.driver driver %t | FileCheck %s
// CHECK: == info
// CHECK-NEXT: arena: 14 arenas of 0x20010000 bytes, ---p, key 0
// CHECK-NEXT: heap: one mapping, 14 regions: 1, ---p, key 0
// CHECK-NEXT: control: mprotect, munmap, MAP_FIXED of its own mapping: 0 0 0
// CHECK-NEXT: exit 0
// CHECK: == mprotect arena
// CHECK-NEXT: bulkhead: denied: mprotect(0x{{[0-9a-f]+}}, 0x1000, 0x3, {{.*}} from the default domain, {{.*}} may not be unmapped, remapped, re-protected or advised away
// CHECK-NEXT: signal 9
// CHECK: == mprotect heap
// CHECK-NEXT: bulkhead: denied: mprotect(
// CHECK-NEXT: signal 9
// CHECK: == munmap arena
// CHECK-NEXT: bulkhead: denied: munmap(
// CHECK-NEXT: signal 9
// CHECK: == munmap heap
// CHECK-NEXT: bulkhead: denied: munmap(
// CHECK-NEXT: signal 9
// CHECK: == map-fixed arena
// CHECK-NEXT: bulkhead: denied: mmap(
// CHECK-NEXT: signal 9
// CHECK: == madvise heap
// CHECK-NEXT: bulkhead: denied: madvise(
// CHECK-NEXT: signal 9
// CHECK: == pkey-mprotect arena
// CHECK-NEXT: bulkhead: denied: pkey_mprotect(
// CHECK-NEXT: signal 9
#include <bulkhead.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

BULKHEAD_DATA(vault) static int secret = 7;
BULKHEAD_ENTRY(vault) int vault_secret(void) { return secret; }

#define ARENA 0x20010000ul /* BH_ARENA_GUARD + 512 stacks of 1 MiB */

/* "perms key" of the mapping that starts at a, from /proc/self/smaps. */
static void mapping(uintptr_t a, char *perms, int *key, uintptr_t *hi) {
  FILE *f = fopen("/proc/self/smaps", "r");
  char line[512];
  int in = 0;
  strcpy(perms, "none"), *key = -1, *hi = 0;
  while (f && fgets(line, sizeof line, f)) {
    uintptr_t lo, h;
    char p[8];
    if (sscanf(line, "%" SCNxPTR "-%" SCNxPTR " %7s", &lo, &h, p) == 3 &&
        strchr(line, '-') < strchr(line, ' ')) {
      in = lo == a;
      if (in)
        strcpy(perms, p), *hi = h;
    } else if (in && sscanf(line, "ProtectionKey: %d", key) == 1) {
      in = 0;
    }
  }
  if (f)
    fclose(f);
}

static int target(const char *op, const char *which) {
  uintptr_t arena, arena_hi, heap, heap_hi;
  if (scanf("%" SCNxPTR " %" SCNxPTR " %" SCNxPTR " %" SCNxPTR, &arena,
            &arena_hi, &heap, &heap_hi) != 4)
    return 2;
  setvbuf(stdout, NULL, _IONBF, 0);
  if (!strcmp(op, "info")) {
    char perms[8];
    int key;
    uintptr_t hi;
    mapping(arena, perms, &key, &hi);
    printf("arena: %lu arenas of 0x%lx bytes, %s, key %d\n",
           (unsigned long)((arena_hi - arena) / ARENA), ARENA, perms, key);
    mapping(heap, perms, &key, &hi);
    printf("heap: one mapping, 14 regions: %d, %s, key %d\n",
           hi == heap_hi && heap_hi > heap && (heap_hi - heap) % 14 == 0, perms, key);
    char *own = mmap(NULL, 2 * 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int a = mprotect(own, 4096, PROT_READ | PROT_WRITE), b = munmap(own, 4096);
    void *c = mmap(own, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    printf("control: mprotect, munmap, MAP_FIXED of its own mapping: %d %d %d\n", a, b,
           c == own ? 0 : -1);
    return vault_secret() == 7 ? 0 : 1;
  }
  char *p = (char *)(!strcmp(which, "arena") ? arena : heap);
  long r = -1;
  if (!strcmp(op, "mprotect"))
    r = mprotect(p, 4096, PROT_READ | PROT_WRITE);
  else if (!strcmp(op, "munmap"))
    r = munmap(p, 4096);
  else if (!strcmp(op, "map-fixed"))
    r = mmap(p, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1,
             0) == p
            ? 0
            : -1;
  else if (!strcmp(op, "madvise"))
    r = madvise(p, 4096, MADV_DONTNEED);
  else if (!strcmp(op, "pkey-mprotect"))
    r = syscall(SYS_pkey_mprotect, p, 4096, PROT_READ | PROT_WRITE, 2);
  printf("%s of the reserved %s: %ld (%s)\n", op, which, r, strerror(errno));
  return 0;
}

/* Runs prog target OP WHICH with BULKHEAD_VERBOSE=1; feeds it the reserved
 * ranges its start-up lines name; prints its denial lines and how it
 * ended. */
static void run(const char *prog, const char *op, const char *which) {
  int in[2], err[2];
  printf("== %s%s%s\n", op, *which ? " " : "", which);
  if (pipe(in) || pipe(err))
    exit(3);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(in[0], 0), dup2(err[1], 2);
    close(in[0]), close(in[1]), close(err[0]), close(err[1]);
    char *env[] = {"BULKHEAD_VERBOSE=1", NULL};
    execle(prog, prog, "target", op, which, (char *)NULL, env);
    _exit(127);
  }
  close(in[0]), close(err[1]);
  FILE *f = fdopen(err[0], "r");
  char line[1024];
  uintptr_t r[4];
  int n = 0, sent = 0;
  while (fgets(line, sizeof line, f)) {
    uintptr_t lo, hi;
    if (n < 4 && strstr(line, "reserved for compartments of objects loaded") &&
        sscanf(line, "bulkhead:   protected 0x%" SCNxPTR "-0x%" SCNxPTR, &lo, &hi) == 2)
      r[n++] = lo, r[n++] = hi;
    if (!sent && strstr(line, "checked by the supervisor")) { /* the last line */
      if (n == 4)
        dprintf(in[1], "%" PRIxPTR " %" PRIxPTR " %" PRIxPTR " %" PRIxPTR "\n", r[0], r[1],
                r[2], r[3]);
      else
        printf("no reserved ranges listed (%d)\n", n / 2);
      close(in[1]);
      sent = 1;
    }
    if (!strncmp(line, "bulkhead: denied: ", 18))
      fputs(line, stdout);
  }
  if (!sent)
    close(in[1]);
  int st;
  waitpid(pid, &st, 0);
  if (WIFSIGNALED(st))
    printf("signal %d\n", WTERMSIG(st));
  else
    printf("exit %d\n", WEXITSTATUS(st));
}

int main(int argc, char **argv) {
  if (argc > 2 && !strcmp(argv[1], "target"))
    return target(argv[2], argc > 3 ? argv[3] : "");
  if (argc < 3 || strcmp(argv[1], "driver"))
    return 2;
  setvbuf(stdout, NULL, _IONBF, 0);
  run(argv[2], "info", "");
  static const char *ops[][2] = {{"mprotect", "arena"}, {"mprotect", "heap"},
                                 {"munmap", "arena"},   {"munmap", "heap"},
                                 {"map-fixed", "arena"}, {"madvise", "heap"},
                                 {"pkey-mprotect", "arena"}};
  for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
    run(argv[2], ops[i][0], ops[i][1]);
  return 0;
}
