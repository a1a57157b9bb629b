/* attacks-rev28-dual-map.c: a plain start-up library that keeps code in
 * a memfd mapped twice, as JITs that never hold memory writable and
 * executable at once do: one view readable and writable, one readable and
 * executable, both shared. Its constructor maps both (empty) before the
 * runtime's walks of /proc/self/maps. */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <unistd.h>

void *rev28_rw, *rev28_rx; /* the two views of the same page */

__attribute__((constructor)) static void map_views(void) {
  int fd = memfd_create("jit", MFD_CLOEXEC);
  if (fd < 0 || ftruncate(fd, 4096))
    return;
  void *rw = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  void *rx = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
  close(fd);
  if (rw != MAP_FAILED && rx != MAP_FAILED)
    rev28_rw = rw, rev28_rx = rx;
}
