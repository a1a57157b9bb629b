/* attacks-rev28-late-jit.c: a plain start-up library with a JIT thread,
 * which its constructor starts. The thread compiles code whose bytes an
 * attacker chose (here WRPKRU; RET, made at run time so that the
 * library's own code holds no such bytes) into anonymous memory: mapped
 * writable, filled, made executable, never both at once. It waits until
 * the program has a child: the supervisor's first fork, after the filter's
 * installation walked /proc/self/maps and before the filter. With
 * "control" the constructor compiles at once instead, before both walks. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>

void *volatile rev28_jit_code; /* where the compiled code is */
static volatile unsigned char op = 0xee;

static void compile(void) {
  unsigned char code[4] = {0x0f, 0x01, (unsigned char)(op + 1), 0xc3};
  void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED)
    return;
  memcpy(p, code, sizeof code);
  if (!mprotect(p, 4096, PROT_READ | PROT_EXEC))
    rev28_jit_code = p;
}

static void *jit(void *arg) {
  (void)arg;
  for (;;) { /* until a child exists */
    siginfo_t si;
    memset(&si, 0, sizeof si);
    if (!waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) || errno != ECHILD)
      break;
  }
  compile();
  return NULL;
}

__attribute__((constructor)) static void start(int argc, char **argv) {
  if (argc > 1 && !strcmp(argv[1], "control")) {
    compile();
    return;
  }
  pthread_t t;
  if (!pthread_create(&t, NULL, jit, NULL))
    pthread_detach(t);
}
