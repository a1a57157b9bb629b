// Stress (issue 11): one thread keeps writing random words at random places
// of all key-0 memory it can write (not its own stack) while three others
// call into the vault, which reads its secret and copies it to and from its
// heap. The process may crash (it usually does: libc's own state is key-0
// memory), but the default domain must never see the secret: a scanner
// thread keeps searching every key-0 page for it. Each trial is a child
// process; the secret's bytes are never in key-0 memory in plain form (the
// scanner compares against a masked copy). A trial that hangs is killed
// after 30 s and counted (seen with the LLVM 22 build, cause not found).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -pthread %s -o %t
// RUN: %run %t 6 | FileCheck %s
// CHECK: trials: 6
// CHECK-NEXT: writes: {{[1-9][0-9]*}}
// CHECK-NEXT: scans: {{[1-9][0-9]*}}
// CHECK-NEXT: leaks: 0
#include "Inputs/check.h"
#include <pthread.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>

#define MASK 0x5a
BULKHEAD_DATA(vault) static char secret[24] = "VAULT-SECRET-7f3a9c01";
BULKHEAD_DATA(vault) static char *heap_copy;

/* The secret as the scanner knows it: masked, and volatile so that the
 * compiler cannot fold the plain bytes into an immediate of the code. */
static const volatile unsigned char masked[8] = {
    'V' ^ MASK, 'A' ^ MASK, 'U' ^ MASK, 'L' ^ MASK,
    'T' ^ MASK, '-' ^ MASK, 'S' ^ MASK, 'E' ^ MASK};

BULKHEAD_ENTRY(vault) long vault_work(long n) {
  char *p = malloc(sizeof secret);
  if (!p)
    return 0;
  memcpy(p, secret, sizeof secret);
  if (!heap_copy)
    heap_copy = p;
  long sum = 0;
  for (size_t i = 0; i < sizeof secret; i++)
    sum += p[i] * (n + (long)i);
  if (p != heap_copy)
    free(p);
  return sum & 1; /* nothing of the secret leaves */
}

/* Counters shared with the parent, on a page the writer leaves alone. */
struct shared {
  atomic_long writes, scans, leaks;
};
static struct shared *shared;

struct range {
  uintptr_t lo, hi;
};
#define MAX_RANGES 512

/* Key-0 mappings with the given permission ('r' or 'w' at index 0 or 1). */
static int key0_ranges(struct range *out, int perm_index, char perm) {
  FILE *f = fopen("/proc/self/smaps", "r");
  if (!f)
    return 0;
  char line[512];
  int n = 0, ok = 0;
  uintptr_t lo = 0, hi = 0;
  while (fgets(line, sizeof line, f)) {
    char perms[8];
    unsigned long a, b;
    int key;
    if (sscanf(line, "%lx-%lx %7s", &a, &b, perms) == 3) {
      lo = a, hi = b;
      ok = perms[perm_index] == perm;
    } else if (sscanf(line, "ProtectionKey: %d", &key) == 1) {
      if (ok && key == 0 && n < MAX_RANGES)
        out[n++] = (struct range){lo, hi};
    }
  }
  fclose(f);
  return n;
}

static uint64_t rng_state;
static uint64_t rnd(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

static atomic_int stop;
static struct range writable[MAX_RANGES];
static int n_writable;

static void *writer(void *unused) {
  (void)unused;
  pthread_attr_t attr;
  void *stack_lo;
  size_t stack_size;
  pthread_getattr_np(pthread_self(), &attr);
  pthread_attr_getstack(&attr, &stack_lo, &stack_size);
  uintptr_t own_lo = (uintptr_t)stack_lo, own_hi = own_lo + stack_size;
  /* Values an attacker would try: small numbers, all ones, and addresses
   * of the vault's data and of other writable memory. */
  uintptr_t vault = (uintptr_t)&secret;
  while (!stop) {
    const struct range *r = &writable[rnd() % (uint64_t)n_writable];
    uintptr_t at = (r->lo + rnd() % (r->hi - r->lo)) & ~(uintptr_t)7;
    if ((at >= own_lo && at < own_hi) ||
        (at >= (uintptr_t)shared && at < (uintptr_t)shared + 4096))
      continue;
    uint64_t v;
    switch (rnd() % 4) {
    case 0: v = rnd() % 64; break;
    case 1: v = ~(uint64_t)0; break;
    case 2: v = vault + rnd() % sizeof secret; break;
    default: {
      const struct range *o = &writable[rnd() % (uint64_t)n_writable];
      v = o->lo + rnd() % (o->hi - o->lo);
    }
    }
    *(volatile uint64_t *)at = v;
    atomic_fetch_add(&shared->writes, 1);
    struct timespec t = {0, 1000 * 1000}; /* let the others run meanwhile */
    nanosleep(&t, NULL);
  }
  return NULL;
}

static sigjmp_buf scan_jump;
static pid_t scanner;
static void scan_fault(int sig) {
  if (gettid() != scanner) { /* another thread's fault ends the trial */
    signal(sig, SIG_DFL);
    return;
  }
  siglongjmp(scan_jump, 1);
}

/* Whether key-0 readable memory holds the secret's first 8 bytes. */
static int secret_visible(void) {
  static struct range readable[MAX_RANGES];
  int n = key0_ranges(readable, 0, 'r');
  for (int k = 0; k < n; k++) {
    const volatile unsigned char *p = (const unsigned char *)readable[k].lo;
    size_t len = readable[k].hi - readable[k].lo;
    if (sigsetjmp(scan_jump, 1))
      continue; /* unmapped or changed meanwhile */
    const unsigned char *at = (const unsigned char *)p, *end = at + len;
    while ((at = memchr(at, masked[0] ^ MASK, (size_t)(end - at)))) {
      size_t j = 1;
      while (j < sizeof masked && at + j < end && (at[j] ^ MASK) == masked[j])
        j++;
      if (j == sizeof masked)
        return 1;
      at++;
    }
  }
  return 0;
}

static void *worker(void *arg) {
  long n = (long)(intptr_t)arg;
  while (!stop)
    n += vault_work(n);
  return NULL;
}

static void trial(unsigned seed) {
  rng_state = 0x9e3779b97f4a7c15ull ^ seed;
  scanner = gettid();
  struct sigaction sa = {.sa_handler = scan_fault};
  sigaction(SIGBUS, &sa, NULL);
  (void)vault_work(1); /* the vault's heap copy exists before the writes */
  pthread_t w[3], wr;
  for (long i = 0; i < 3; i++)
    pthread_create(&w[i], NULL, worker, (void *)(intptr_t)i);
  n_writable = key0_ranges(writable, 1, 'w');
  if (n_writable == 0)
    _exit(3);
  pthread_create(&wr, NULL, writer, NULL);
  /* SEGV while scanning is caught; anywhere else it ends the trial. */
  sa.sa_flags = SA_NODEFER;
  for (int round = 0; round < 20; round++) {
    sigaction(SIGSEGV, &sa, NULL);
    int seen = secret_visible();
    signal(SIGSEGV, SIG_DFL);
    atomic_fetch_add(&shared->scans, 1);
    if (seen) {
      atomic_fetch_add(&shared->leaks, 1);
      _exit(2);
    }
  }
  _exit(0);
}

int main(int argc, char **argv) {
  int trials = argc > 1 ? atoi(argv[1]) : 4;
  shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                -1, 0);
  CHECK(shared != MAP_FAILED);
  scanner = gettid();
  /* The scan must be able to find the secret when it is in key-0 memory. */
  char *plain = malloc(sizeof masked);
  for (size_t i = 0; i < sizeof masked; i++)
    plain[i] = (char)(masked[i] ^ MASK);
  CHECK(secret_visible());
  explicit_bzero(plain, sizeof masked);
  free(plain);
  int crashed = 0, hung = 0;
  for (int t = 0; t < trials; t++) {
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0)
      trial((unsigned)t + 1);
    /* Random writes can also leave a trial waiting forever (a lock word
     * of libc's, say): a hang is no leak, but it would stop the run. */
    int status, waited = 0;
    pid_t r;
    while ((r = waitpid(pid, &status, WNOHANG)) == 0 && waited < 300) {
      usleep(100000);
      waited++;
    }
    if (r == 0) {
      kill(pid, SIGKILL);
      CHECK(waitpid(pid, &status, 0) == pid);
      hung++;
    } else
      CHECK(r == pid);
    crashed += !WIFEXITED(status) || WEXITSTATUS(status) != 0;
  }
  printf("trials: %d\nwrites: %ld\nscans: %ld\nleaks: %ld\n", trials,
         atomic_load(&shared->writes), atomic_load(&shared->scans),
         atomic_load(&shared->leaks));
  fprintf(stderr, "stress-key0-writes: %d of %d trials crashed (%d hung)\n",
          crashed, trials, hung);
  return 0;
}
