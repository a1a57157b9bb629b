/* util.c - output that works before libc's stdio and inside handlers, and
 * the C library's definitions of what the runtime interposes. */
#define _GNU_SOURCE
#include "internal.h"

#include <dlfcn.h>
#include <stdarg.h>
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

/* A small vsnprintf: libc's may allocate or take locks, and this runs
 * before libc is fully set up and in signal handlers. Always terminated;
 * what does not fit is cut. */
static size_t bh_vformat(char *buf, size_t cap, const char *fmt, va_list ap) {
  size_t n = 0;
#define PUT(ch)                                                                \
  do {                                                                         \
    if (n + 1 < cap)                                                           \
      buf[n++] = (ch);                                                         \
  } while (0)
  for (const char *f = fmt; *f; f++) {
    if (*f != '%') {
      PUT(*f);
      continue;
    }
    f++;
    int longs = 0, size = 0;
    while (*f == 'l')
      longs++, f++;
    if (*f == 'z')
      size = 1, f++;
    unsigned long v = 0;
    int base = 10, neg = 0;
    switch (*f) {
    case 's': {
      const char *str = va_arg(ap, const char *);
      for (str = str ? str : "(null)"; *str; str++)
        PUT(*str);
      continue;
    }
    case 'c':
      PUT((char)va_arg(ap, int));
      continue;
    case '%':
      PUT('%');
      continue;
    case 'd': {
      long x = longs  ? va_arg(ap, long)
               : size ? (long)va_arg(ap, size_t)
                      : va_arg(ap, int);
      neg = x < 0;
      v = neg ? -(unsigned long)x : (unsigned long)x;
      break;
    }
    case 'p':
      v = (uintptr_t)va_arg(ap, void *);
      base = 16;
      PUT('0');
      PUT('x');
      break;
    case 'x':
    case 'u':
      v = longs  ? va_arg(ap, unsigned long)
          : size ? va_arg(ap, size_t)
                 : va_arg(ap, unsigned);
      base = *f == 'x' ? 16 : 10;
      break;
    default: /* not ours: the format is checked at compile time */
      f--;
      continue;
    }
    char digits[24], *d = digits + sizeof digits;
    do
      *--d = "0123456789abcdef"[v % (unsigned)base];
    while (v /= (unsigned)base);
    if (neg)
      PUT('-');
    for (; d < digits + sizeof digits; d++)
      PUT(*d);
  }
#undef PUT
  if (cap)
    buf[n] = 0;
  return n;
}

size_t bh_format(char *buf, size_t cap, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  size_t n = bh_vformat(buf, cap, fmt, ap);
  va_end(ap);
  return n;
}

/* "bulkhead: error: <message>\n", one write: lines of two threads do not
 * interleave. */
static void write_error(const char *fmt, va_list ap) {
  static const char prefix[] = "bulkhead: error: ";
  char line[1024];
  memcpy(line, prefix, sizeof prefix - 1);
  size_t n = sizeof prefix - 1;
  n += bh_vformat(line + n, sizeof line - n - 1, fmt, ap);
  line[n++] = '\n';
  line[n] = 0;
  bh_write(line);
}

void bh_fatal(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  write_error(fmt, ap);
  va_end(ap);
  _exit(1);
}

void bh_fatal_abort(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  write_error(fmt, ap);
  va_end(ap);
  abort();
}

/* Called where the pass could not pass a call's arguments across a stack
 * switch, on a path it expected never to run (pass/CompartmentPass.cpp):
 * why is the whole line, prefix included. */
__attribute__((noreturn)) void __bulkhead_unsupported_call(const char *why) {
  bh_write(why);
  bh_write("\n");
  _exit(1);
}

/* The C library's definition of a function the runtime interposes. */
void *bh_libc(const char *name) {
  void *fn = dlsym(RTLD_NEXT, name);
  if (!fn)
    bh_fatal("cannot find the C library's %s", name);
  return fn;
}
