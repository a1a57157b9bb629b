/* key-scan.h - the register attacks' common parts (issue 11: what a
 * compartment leaves in registers must not reach key-0 memory): counting
 * a vault key's 8-byte words in key-0 memory the attacker of model A
 * reads (a signal frame, the thread's alternate stack), the verdict
 * lines, the CPU's vector state, and a timer that repeats until it
 * interrupts a given stretch of the vault's code (the first entry can
 * outlast one period under load). Works in C and C++. */
#ifndef BULKHEAD_TEST_KEY_SCAN_H
#define BULKHEAD_TEST_KEY_SCAN_H
#include <cpuid.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <ucontext.h>
#include <unistd.h>

/* How many of KEY's N 8-byte words appear in [lo, hi), at any byte
 * offset; each found is said with its distance below hi. */
static int key_words_in(const void *lo, const void *hi, const char *key,
                        int n) {
  int found = 0;
  for (int w = 0; w < n; w++)
    for (const char *p = (const char *)lo; p + 8 <= (const char *)hi; p++)
      if (!memcmp(p, key + 8 * w, 8)) {
        printf("word %d at %#lx below the end\n", w,
               (unsigned long)((const char *)hi - p));
        found++;
        break;
      }
  return found;
}

/* Whether any 8-byte word of the LEN bytes at WANT lies in the 4 KiB of
 * dead stack below SP: loads only, inline (a call would write its own
 * frame there). */
static inline __attribute__((always_inline)) int
dead_stack_has(const char *sp, const char *want, int len) {
  for (const char *p = sp - 4096; p + 8 <= sp; p++)
    for (int k = 0; k + 8 <= len; k += 8) {
      uint64_t a, b;
      __builtin_memcpy(&a, p, 8);
      __builtin_memcpy(&b, want + k, 8);
      if (a == b)
        return 1;
    }
  return 0;
}

/* The XSAVE image of a signal frame (the kernel's, or a copy of it). */
static const char *xsave_image(const void *ucv, const char **end) {
  const char *x = (const char *)((const ucontext_t *)ucv)->uc_mcontext.fpregs;
  uint32_t size = 512;
  memcpy(&size, x + 480, 4); /* fpx_sw_bytes.xstate_size */
  *end = x + size;
  return x;
}

/* In the whole frame: the ucontext and the XSAVE image after it. */
static int key_words_in_frame(const void *ucv, const char *key, int n) {
  const char *end;
  xsave_image(ucv, &end);
  return key_words_in(ucv, end, key, n);
}

static int key_words_on_alt_stack(const char *key, int n) {
  stack_t ss;
  if (sigaltstack(NULL, &ss) || (ss.ss_flags & SS_DISABLE)) {
    puts("no alternate signal stack");
    return 0;
  }
  return key_words_in(ss.ss_sp, (char *)ss.ss_sp + ss.ss_size, key, n);
}

/* The lines the tests check: WHERE as in "vault key WHERE: no". */
static void key_verdict(int found, const char *where) {
  if (found)
    printf("ATTACK SUCCEEDED: %d of the vault key's words %s\n", found, where);
  printf("vault key %s: %s\n", where, found ? "yes" : "no");
}

/* AVX, and AVX-512F/BW too if EVEX. */
static int cpu_has_vectors(int evex) {
  unsigned a, b, c, d;
  if (!(__get_cpuid(1, &a, &b, &c, &d) && (c & bit_AVX) && (c & bit_OSXSAVE)))
    return 0;
  return !evex || (__get_cpuid_count(7, 0, &a, &b, &c, &d) &&
                   (b & bit_AVX512F) && (b & bit_AVX512BW));
}

static const char *timer_begin, *timer_end;
static volatile uintptr_t timer_pc; /* where the tick that landed was */

/* SIGALRM every 20 ms into HANDLER until timer_landed says yes. */
static void timer_until(void (*handler)(int, siginfo_t *, void *),
                        const void *begin, const void *end) {
  timer_begin = (const char *)begin;
  timer_end = (const char *)end;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = handler;
  sa.sa_flags = SA_SIGINFO;
  struct itimerval t = {{0, 20000}, {0, 20000}};
  if (sigaction(SIGALRM, &sa, NULL) || setitimer(ITIMER_REAL, &t, NULL)) {
    perror("timer_until");
    _exit(1);
  }
}

/* In the handler: whether this tick interrupted [begin, end]; that one
 * stops the timer. */
static int timer_landed(const void *ucv) {
  uintptr_t pc = ((const ucontext_t *)ucv)->uc_mcontext.gregs[REG_RIP];
  if (pc < (uintptr_t)timer_begin || pc > (uintptr_t)timer_end)
    return 0;
  struct itimerval off = {{0, 0}, {0, 0}};
  setitimer(ITIMER_REAL, &off, NULL);
  timer_pc = pc;
  return 1;
}

static void say_timer_landed(void) {
  printf("the handler ran in the vault's code: %s\n", timer_pc ? "yes" : "no");
}
#endif
