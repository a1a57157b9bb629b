// Data-only attack on the runtime's pointers to libc functions (issue 11,
// runtime state): the interposed longjmp calls libc's through a pointer
// the runtime found before main, with the rights of whoever jumps. The
// attacker rewrites that pointer, with one key-0 store, to a default-domain
// function that copies the vault's secret; the vault then longjmps. Before
// the fix the copy ran with the vault's rights. The store must fault.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t && %run %t
#include "Inputs/check.h"
#include <setjmp.h>

extern void *libc_fns[] __asm__("__bulkhead_libc_fns")
    __attribute__((visibility("hidden")));

BULKHEAD_DATA(vault) static char secret[32] = "the vault's secret";
static char stolen[32];

/* Default-domain code: with the vault's rights, this read succeeds. */
__attribute__((noinline, used)) void steal(void *env, int val) {
  (void)env, (void)val;
  memcpy(stolen, (const void *)secret, sizeof stolen);
  _exit(!strcmp(stolen, "the vault's secret") ? 42 : 43);
}

BULKHEAD_ENTRY(vault) int vault_jump(void) {
  jmp_buf env;
  if (setjmp(env))
    return 1;
  longjmp(env, 1);
}

static void attack(void *unused) {
  (void)unused;
  /* The attack: longjmp's pointer, to steal itself (its symbol; a C
   * pointer to it would be a wrapper entering the default domain). */
  void *raw;
  __asm__("leaq steal(%%rip), %0" : "=r"(raw));
  libc_fns[0] = raw;
  vault_jump();
}

int main(void) {
  CHECK(vault_jump() == 1);
  fflush(NULL);
  pid_t pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    attack(NULL);
    _exit(0);
  }
  int status;
  CHECK(waitpid(pid, &status, 0) == pid);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 42)
    fprintf(stderr, "attacks-libc-pointers: the vault's secret was read by default-domain code\n");
  /* The store faults (the page is read-only). */
  CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
  printf("attacks-libc-pointers: ok\n");
  return 0;
}
