/* util.c - output that works before libc's stdio and inside handlers, and
 * the C library's definitions of what the runtime interposes. */
#define _GNU_SOURCE
#include "internal.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void bh_write(const char *s) {
  size_t len = strlen(s);
  while (len) {
    ssize_t n = write(2, s, len);
    if (n <= 0)
      return;
    s += n, len -= (size_t)n;
  }
}

void bh_write_num(unsigned long v, int base) {
  char buf[24], *p = buf + sizeof buf;
  *--p = 0;
  do
    *--p = "0123456789abcdef"[v % (unsigned)base];
  while (v /= (unsigned)base);
  bh_write(p);
}

void bh_die(const char *why) {
  bh_write(why);
  bh_write("\n");
  _exit(1);
}

/* Called where the pass could not pass a call's arguments across a stack
 * switch, on a path it expected never to run (pass/CompartmentPass.cpp). */
__attribute__((noreturn)) void __bulkhead_unsupported_call(const char *why) {
  bh_die(why);
}

/* The C library's definition of a function the runtime interposes. */
void *bh_libc(const char *name) {
  void *fn = dlsym(RTLD_NEXT, name);
  if (!fn) {
    bh_write("bulkhead: error: cannot find the C library's ");
    bh_die(name);
  }
  return fn;
}
