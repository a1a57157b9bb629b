/* rev37-hold-mem.c - a plain start-up library that opens its process's
 * memory file for reading in its constructor and keeps it (as libraries
 * that read memory without faulting, or a hooking library's code reader,
 * do). Nothing else. */
#include <fcntl.h>

int rev37_mem_fd = -1;

__attribute__((constructor)) static void hold_mem(void) {
  rev37_mem_fd = open("/proc/self/mem", O_RDONLY | O_CLOEXEC);
}
