// clone(3) called from inside the vault: glibc's clone stores the child's
// function and argument at the top of the child's stack (key-0 memory the
// caller provides) and the child pops and calls them after the system call,
// before any Bulkhead code runs in it. A racing default-domain thread keeps
// rewriting them to puts(&vault_secret). Before spawn.c the child ran that
// with the vault's rights and printed the secret; now clone runs with the
// default domain's rights, so does the child, and the call faults
// (SEGV_PKUERR on the vault's key).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -pthread %s -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 -pthread %s -o %t.shared
// RUN: %run %t.shared | FileCheck %s
// CHECK: attacks-clone-start: ok
#include "Inputs/check.h"
#include <dlfcn.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <sys/mman.h>

BULKHEAD_DATA(vault) static char secret[32] = "vault-secret-9b2c";

#define STACK (64 << 10)
static char *stack; /* the children's stack, key-0 memory */

static int benign(void *p) { (void)p; return 0; }

/* The vault clones a child sharing its memory (the attacker can reach the
 * child's stack until the child pops fn) and returns the child's status:
 * 0 if it ran benign. */
BULKHEAD_ENTRY(vault) int vault_clone(void) {
  int tid = clone(benign, stack + STACK, CLONE_VM | SIGCHLD, NULL);
  int status;
  if (tid <= 0 || waitpid(tid, &status, 0) != tid)
    return -1;
  return status;
}

/* Where, below the stack top, glibc's clone leaves fn and arg: found with
 * libc's own clone (past the runtime's) and two known values, in a call the
 * kernel refuses (CLONE_SIGHAND needs CLONE_VM), so no child uses them. */
static int probe(void *p) { (void)p; return 0; }
static long fn_offset(void) {
  int (*libc_clone)(int (*)(void *), void *, int, void *, ...) = dlsym(RTLD_NEXT, "clone");
  CHECK(libc_clone);
  void *arg = (void *)0x5a5a4321;
  CHECK(libc_clone(probe, stack + STACK, CLONE_SIGHAND | SIGCHLD, arg) == -1);
  for (long o = 8; o <= 256; o += 8) {
    void **w = (void **)(stack + STACK - o);
    if (w[0] == (void *)probe && w[1] == arg)
      return o;
  }
  CHECK(!"fn and arg not found on the child's stack");
  return 0;
}

static void **_Atomic target;
static atomic_int stop;
static void *attacker(void *unused) {
  (void)unused;
  void *puts_fn = dlsym(RTLD_DEFAULT, "puts"); /* libc's: no wrapper */
  while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
    void **t = atomic_load_explicit(&target, memory_order_relaxed);
    if (t) {
      ((void *volatile *)t)[1] = secret;
      ((void *volatile *)t)[0] = puts_fn;
    }
  }
  return NULL;
}

#define TRIES 300
int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  stack = mmap(NULL, STACK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(stack != MAP_FAILED);
  long off = fn_offset();
  /* Each child gets its own stdout pipe: a leak is the secret in it. */
  int out[2];
  CHECK(pipe(out) == 0);
  int saved = dup(1);
  CHECK(saved >= 0 && dup2(out[1], 1) == 1);
  pthread_t a;
  CHECK(pthread_create(&a, NULL, attacker, NULL) == 0);
  atomic_store(&target, (void **)(stack + STACK - off));
  int benign_runs = 0, faults = 0, other = 0;
  for (int k = 0; k < TRIES && !faults && !other; k++) {
    int st = vault_clone();
    if (st == 0)
      benign_runs++;
    else if (WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV)
      faults++;
    else
      other++; /* e.g. puts' result as exit status */
  }
  atomic_store(&stop, 1);
  pthread_join(a, NULL);
  dup2(saved, 1);
  close(out[1]);
  char buf[4096] = {0};
  ssize_t n = read(out[0], buf, sizeof buf - 1);
  int leaked = n > 0 && strstr(buf, "9b2c") != NULL;
  printf("clones: ran benign %d, SIGSEGV %d, other %d; secret printed: %s\n",
         benign_runs, faults, other, leaked ? "yes" : "no");
  CHECK(!leaked);
  CHECK(faults + other > 0); /* the attack landed, or this shows nothing */
  printf("attacks-clone-start: ok\n");
  return 0;
}
