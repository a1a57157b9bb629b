/* target.h - the vault every attack in test/hardening aims at, and the
 * harness that runs each attack in a forked child (a fork is still our
 * process: same memory, same filter) and says how it ended.
 *
 * An attack prints "ATTACK SUCCEEDED: ..." when it read the vault's secret
 * or changed the vault's data. Each test is built twice: with
 * -fno-pkey-syscall-filter, where the attack must succeed (the hole is
 * real), and by default, where the child must die with one
 * "bulkhead: denied: ..." line and no success. */
#ifndef BULKHEAD_TEST_TARGET_H
#define BULKHEAD_TEST_TARGET_H
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <bulkhead.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define SECRET "vault-secret-0123456789abcdef"

/* The vault's data fills a page of its own. */
BULKHEAD_DATA(vault) static char vault_data[4096] __attribute__((aligned(4096))) = SECRET;

BULKHEAD_ENTRY(vault) char *vault_new_block(void) {
  char *p = malloc(4096);
  if (p)
    strcpy(p, SECRET);
  return p;
}
BULKHEAD_ENTRY(vault) int vault_data_intact(void) { return !strcmp(vault_data, SECRET); }
BULKHEAD_ENTRY(vault) int vault_block_intact(const char *p) { return !strcmp(p, SECRET); }

/* A block of the vault's heap, made before the attacks. */
static char *vault_block;

static inline uintptr_t page_of(const void *p) { return (uintptr_t)p & ~(uintptr_t)4095; }

static inline void report_read(const char *how, const char *got) {
  if (got && !strncmp(got, SECRET, strlen(SECRET)))
    printf("ATTACK SUCCEEDED: %s read \"%.29s\"\n", how, got);
  else
    printf("attack failed: %s read nothing (%s)\n", how, strerror(errno));
  fflush(stdout);
}

/* The jump an attacker with the program counter makes to code that
 * writes PKRU from eax, ecx and edx, all 0 (every key open), and the copy
 * of the vault's first 40 bytes into out in the same breath (a C call
 * would have its rights put back after it). */
#define JUMP_AND_READ(code, out)                                              \
  __asm__ volatile("xorl %%eax, %%eax\n\txorl %%ecx, %%ecx\n\t"                \
                   "xorl %%edx, %%edx\n\tcall *%0\n\t"                         \
                   "movq %1, %%rsi\n\tmovq %2, %%rdi\n\t"                      \
                   "movl $40, %%ecx\n\trep movsb"                              \
                   :                                                          \
                   : "r"(code), "r"(vault_data), "r"(out)                     \
                   : "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10",    \
                     "r11", "memory")

static inline void report_change(const char *how) {
  if (!vault_data_intact() || !vault_block_intact(vault_block))
    printf("ATTACK SUCCEEDED: %s changed the vault's data\n", how);
  else
    printf("attack failed: %s changed nothing\n", how);
  fflush(stdout);
}

/* The file an attack maps as code: made anew at path (mode 0644), holding
 * page, filled with int3 (0xcc) here. 0, or -1 after saying why. */
static inline int write_int3_file(const char *path, unsigned char page[4096]) {
  memset(page, 0xcc, 4096);
  int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
  if (fd < 0 || write(fd, page, 4096) != 4096 || close(fd)) {
    printf("setup: %s\n", strerror(errno));
    return -1;
  }
  return 0;
}

/* The first page of the file at path mapped private, readable and
 * executable (its descriptor left open), or MAP_FAILED. */
static inline unsigned char *map_exec_file(const char *path) {
  int fd = open(path, O_RDONLY);
  return fd < 0 ? MAP_FAILED
                : mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
}

/* Makes the calling thread nobody for good (the raw calls change this
 * thread alone): every id 65534, no group, no capability left to take
 * back; and dumpable again, since the supervisor reads its memory. 0, or
 * -1 after saying why. */
static inline int thread_becomes_nobody(void) {
  if (syscall(SYS_setgroups, 0, NULL) || syscall(SYS_setresgid, 65534, 65534, 65534) ||
      syscall(SYS_setresuid, 65534, 65534, 65534)) {
    printf("setup: %s\n", strerror(errno));
    return -1;
  }
  prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
  return 0;
}

struct attack {
  const char *name;
  void (*run)(void);
};

/* Runs each attack in a child of its own; prints how each ended. */
static inline int run_attacks(const struct attack *a, int n) {
  vault_block = vault_new_block();
  if (!vault_block || !vault_data_intact())
    return 1;
  for (int i = 0; i < n; i++) {
    printf("== %s\n", a[i].name);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
      a[i].run();
      fflush(stdout);
      _exit(0);
    }
    int st;
    if (pid < 0 || waitpid(pid, &st, 0) != pid)
      return 1;
    if (WIFSIGNALED(st))
      printf("%s: stopped by signal %d\n", a[i].name, WTERMSIG(st));
    else
      printf("%s: exited %d\n", a[i].name, WEXITSTATUS(st));
    fflush(stdout);
  }
  /* The parent's vault is untouched whatever the children did. */
  printf("parent's vault intact: %d\n", vault_data_intact() && vault_block_intact(vault_block));
  return 0;
}

#endif
