// Review 82a, attacker model A (key-0 loads only). A call out of a
// compartment with arguments on the stack: the trampoline copies them,
// 8 bytes a slot, from the compartment's stack to the default domain's
// (through a key-0 per-thread buffer). A slot holds more than its value:
// an int (the 7th integer argument on) is written with a 4-byte store, a
// long double fills 10 bytes of its 16; the rest is whatever the
// compartment's stack held there, its own dead frames. Here the vault
// first works on its key in a buffer on its stack (one entry), then (a
// second entry, whose frame lies over the first's) logs ten ints, or one
// long double, with an honest default-domain variadic logger; main scans
// its dead stack for 4-byte pieces of the key. ATTACK SUCCEEDED 3 of 3 in
// the guest at -O0 before (5 pieces for the ints, 1 for the long double;
// at -O2 the area held none of the key). Now the trampoline copies only
// the bytes of each slot that hold a value and zeroes the rest.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s -o %t0
// RUN: %run %t0 ints | FileCheck %s --check-prefix=INTS
// RUN: %run %t0 ld | FileCheck %s --check-prefix=LD
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t ints | FileCheck %s --check-prefix=INTS
// RUN: %run %t ld | FileCheck %s --check-prefix=LD
// INTS-NOT: ATTACK SUCCEEDED
// INTS: 3 4 5 6 7 8 9 10 11 12 -3 ; key found on the stack: no
// LD-NOT: ATTACK SUCCEEDED
// LD: 3.0 4; key found on the stack: no
#include "Inputs/check.h"
#include <stdarg.h>

#define KEY "Kq7#vP2m" "Zr9!wX4b" "Lt3$yN8c" "Hs6%uQ1d"
BULKHEAD_DATA(vault) char vault_key[32] = KEY;

static char line[256];
/* The default domain's honest loggers. */
__attribute__((noinline)) void log_ints(int n, ...) {
  va_list ap;
  va_start(ap, n);
  int len = 0;
  for (int i = 0; i < n; i++)
    len += snprintf(line + len, sizeof line - len, "%d ", va_arg(ap, int));
  va_end(ap);
}
__attribute__((noinline)) void log_ld(int n, ...) {
  va_list ap;
  va_start(ap, n);
  long double x = va_arg(ap, long double);
  int y = va_arg(ap, int);
  va_end(ap);
  snprintf(line, sizeof line, "%.1Lf %d", x, y);
}

/* The vault works on its key in a buffer on its own stack. */
BULKHEAD_ENTRY(vault) int vault_prepare(void) {
  volatile char buf[1024];
  for (int i = 0; i < 1024; i++)
    buf[i] = vault_key[i % 32];
  int s = 0;
  for (int i = 0; i < 1024; i += 97)
    s += buf[i];
  return s & 1;
}
BULKHEAD_DATA(vault) volatile int vault_count = 3;
BULKHEAD_ENTRY(vault) void vault_report(int ld) {
  int c = vault_count;
  if (ld)
    log_ld(1, (long double)c, c + 1);
  else
    log_ints(11, c, c + 1, c + 2, c + 3, c + 4, c + 5, c + 6, c + 7, c + 8,
             c + 9, -c);
}

/* Whether the 4 bytes at want lie in the 16 KiB of dead stack below sp:
 * key-0 loads only. */
static int on_stack(const char *sp, const char *want) {
  for (const char *p = sp - 16384; p + 4 <= sp; p++)
    if (!__builtin_memcmp(p, want, 4))
      return 1;
  return 0;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  vault_prepare();
  vault_report(argc > 1 && !strcmp(argv[1], "ld"));
  const char *sp;
  __asm__ volatile("movq %%rsp, %0" : "=r"(sp));
  /* Rebuilt from the literal: main cannot read the vault's copy. */
  static const char key[] = KEY;
  int found = 0;
  for (int i = 0; i < 32; i += 4)
    found += on_stack(sp, key + i);
  if (found)
    printf("ATTACK SUCCEEDED: %d 4-byte pieces of the vault's key in key-0 "
           "stack memory\n",
           found);
  printf("%s; key found on the stack: %s\n", line, found ? "yes" : "no");
  return 0;
}
