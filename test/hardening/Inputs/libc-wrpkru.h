/* libc-wrpkru.h - for attacks that map libc's own WRPKRU (glibc's
 * pkey_set) into new executable memory: where it is in the file, and the
 * step down to an unprivileged user (so that the file is not the
 * attacker's to change). */
#ifndef BULKHEAD_TEST_LIBC_WRPKRU_H
#define BULKHEAD_TEST_LIBC_WRPKRU_H
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define LIBC "/lib/x86_64-linux-gnu/libc.so.6"

/* Not a WRPKRU in this program's own bytes (the link-time scan would
 * refuse it): the last byte is made at run time. */
static volatile unsigned char flip = 0x10;

/* WRPKRU; ret: the four bytes of code an attack writes into a file. */
static inline void wrpkru_ret(unsigned char code[4]) {
  code[0] = 0x0f, code[1] = 0x01, code[2] = (unsigned char)(0xff ^ flip), code[3] = 0xc3;
}

/* The file offset of the first WRPKRU in libc's file, or -1. */
__attribute__((unused)) static long wrpkru_offset(int fd) {
  static unsigned char b[4 << 20];
  const unsigned char w[3] = {0x0f, 0x01, (unsigned char)(0xff ^ flip)};
  ssize_t n = pread(fd, b, sizeof b, 0);
  for (ssize_t i = 0; i + 3 <= n; i++)
    if (!memcmp(b + i, w, 3))
      return i;
  return -1;
}

/* As root, become nobody (65534); 0 on success, else says why. */
static int drop_to_nobody(void) {
  if (getuid() == 0 && (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
                        setresuid(65534, 65534, 65534))) {
    printf("setup: %s\n", strerror(errno));
    return -1;
  }
  return 0;
}
#endif
