/* Start-up cost of the heaps prepared for later compartments: the time to
 * load N private libmimalloc copies as heap.c's load_copy does (memfd,
 * sendfile, seals, dlopen RTLD_DEEPBIND, dlsym) plus an mprotect of each
 * copy's data page (stands for seal_copy's pkey_mprotect: no PKU here). */
#define _GNU_SOURCE
#include "../fresh.h"
#include <dlfcn.h>
#include <fcntl.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void load(const char *path) {
  int src = open(path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  int fd = memfd_create("bulkhead-mimalloc", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (src < 0 || fd < 0 || fstat(src, &st))
    exit(1);
  off_t off = 0;
  while (off < st.st_size)
    if (sendfile(fd, src, &off, st.st_size - off) <= 0)
      exit(1);
  close(src);
  fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL);
  char name[64];
  snprintf(name, sizeof name, "/proc/self/fd/%d", fd);
  void *h = dlopen(name, RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
  if (!h || !dlsym(h, "mi_heap_malloc") || !dlsym(h, "mi_manage_os_memory_ex"))
    exit(1);
  void *(*backing)(void) = (void *(*)(void))dlsym(h, "mi_heap_get_backing");
  void *heap = backing();
  mprotect((void *)((uintptr_t)heap & ~4095ul), 4096, PROT_READ | PROT_WRITE);
  /* fd kept open, as heap.c does until every copy is loaded */
}

/* Mean time over reps fresh processes of loading k copies (k = 0: a
 * process that exec's prog, for scale), in ms. */
static double run(const char *lib, int k, const char *prog, int reps) {
  double sum = 0;
  for (int r = 0; r < reps; r++) {
    int fds[2];
    if (pipe(fds))
      exit(1);
    double t0 = now();
    pid_t p = fork();
    if (!p) {
      if (!k) {
        execl(prog, prog, (char *)NULL);
        _exit(1);
      }
      double t = now();
      for (int i = 0; i < k; i++)
        load(lib);
      t = now() - t;
      if (write(fds[1], &t, sizeof t) != sizeof t)
        _exit(1);
      _exit(0);
    }
    int st;
    waitpid(p, &st, 0);
    double t;
    if (k) {
      if (read(fds[0], &t, sizeof t) != sizeof t || !WIFEXITED(st) || WEXITSTATUS(st))
        exit(1);
    } else
      t = now() - t0;
    close(fds[0]), close(fds[1]);
    sum += t;
  }
  return sum / reps * 1e3;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: copies LIBMIMALLOC N PROGRAM\n");
    return 2;
  }
  int n = atoi(argv[2]), reps = 30;
  double exe = run(argv[1], 0, argv[3], reps);
  double one = run(argv[1], 1, argv[3], reps);
  double many = run(argv[1], n, argv[3], reps);
  printf("fork+exec+exit of %s: %.2f ms\n", argv[3], exe);
  printf("1 copy: %.2f ms (%.2fx the exec)\n", one, one / exe);
  printf("%d copies: %.2f ms (%.2fx the exec, %.1fx one copy)\n", n, many,
         many / exe, many / one);
  return 0;
}
