/* result-spill.h - honest default-domain code of the result attacks
 * (reviews 81a and later): functions whose prologues push the registers a
 * result rides in after a call into a compartment (clang's `pushq %rax`
 * for 8 bytes of stack alignment; rbx, for a loop), the second under a
 * frame of its own so that the first's slot stays, and the key-0 loads
 * that look for the compartment's bytes there afterwards. C and C++. */
#ifndef BULKHEAD_TEST_RESULT_SPILL_H
#define BULKHEAD_TEST_RESULT_SPILL_H
#include <stddef.h>

__attribute__((noinline)) void other(void) { __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) void aligned_call(void) {
  other();
  __asm__ volatile("" ::: "memory");
}
__attribute__((noinline)) void loop_call(int n) {
  for (int i = 0; i < n; i++)
    other();
}
char *volatile frame_seen;
__attribute__((noinline)) void deeper(int n) {
  char frame[64];
  frame_seen = frame;
  loop_call(n);
  __asm__ volatile("");
}

/* Whether the n bytes at want lie in the 8 KiB of dead stack below sp. */
__attribute__((noinline)) static int on_stack(const char *sp, const char *want,
                                              size_t n) {
  for (const char *p = sp - 8192; p + n <= sp; p++)
    if (!__builtin_memcmp(p, want, n))
      return 1;
  return 0;
}
#endif
