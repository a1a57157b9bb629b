/* attacks-rev29-jit-memfd-write.c: a plain start-up library with a JIT
 * that keeps its code in a memfd (as JITs that avoid writable and
 * executable memory do): its constructor writes ordinary code (mov $7,
 * %eax; ret) into the memfd, maps it private, readable and executable,
 * and keeps the descriptor for more code later. Never writable and
 * executable at once, never shared. */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <unistd.h>

void *volatile rev29_jit_code;
int rev29_jit_fd = -1;

__attribute__((constructor)) static void compile(void) {
  static const unsigned char code[] = {0xb8, 7, 0, 0, 0, 0xc3};
  int fd = memfd_create("rev29-jit", MFD_CLOEXEC);
  if (fd < 0 || ftruncate(fd, 4096) ||
      pwrite(fd, code, sizeof code, 0) != (ssize_t)sizeof code)
    return;
  void *p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
  if (p == MAP_FAILED)
    return;
  rev29_jit_fd = fd;
  rev29_jit_code = p;
}
