/* split-wrpkru.h - a WRPKRU split over two executable file mappings, for
 * the attacks on the supervisor's judgement of a new mapping with its
 * neighbours: A, a sealed memfd page ending in 0F 01, and B, one starting
 * with EF C3 (WRPKRU's last byte, then ret), mapped right after A at
 * split_at. The joint bytes open every key when entered with eax = ecx =
 * edx = 0. The forked variants (a process sharing the memory runs the
 * joint bytes around the supervisor's kill) share split_run_forked.
 * Include after target.h. */
#ifndef BULKHEAD_TEST_SPLIT_WRPKRU_H
#define BULKHEAD_TEST_SPLIT_WRPKRU_H
#include "libc-wrpkru.h"

#include <poll.h>
#include <sched.h>

#ifndef F_ADD_SEALS
#define F_ADD_SEALS 1033
#define F_SEAL_WRITE 0x0008
#endif

static unsigned char *split_at;
static int split_out[2]; /* what the sharing process read, to the parent */

/* A sealed one-page memfd holding page: the process cannot change it. */
static int sealed(const unsigned char *page) {
  int fd = memfd_create("code", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0 || write(fd, page, 4096) != 4096 || fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE))
    return -1;
  return fd;
}

/* Maps A at split_at, with a free page after it; returns B's descriptor,
 * or -1 having said why. */
static int split_map_a(void) {
  static unsigned char a[4096], b[4096];
  memset(a, 0x90, sizeof a); /* nop */
  a[4094] = 0x0f, a[4095] = 0x01;
  memset(b, 0xcc, sizeof b); /* int3 */
  b[0] = 0xff ^ flip, b[1] = 0xc3;
  int fa = sealed(a), fb = sealed(b);
  /* Two free pages: reserve, release, map into them. */
  split_at = mmap(NULL, 8192, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (fa < 0 || fb < 0 || split_at == MAP_FAILED || munmap(split_at, 8192) ||
      mmap(split_at, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_FIXED, fa, 0) != split_at) {
    printf("setup: %s\n", strerror(errno));
    return -1;
  }
  return fb;
}

/* The second half, right after A: the supervisor kills the caller for it. */
static void split_map_b(int fb) {
  mmap(split_at + 4096, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_FIXED, fb, 0);
  printf("mapped\n");
}

/* The jump an attacker with the program counter makes (eax = ecx = edx =
 * 0: every key open), and the copy of the vault's data into got (40
 * bytes) in the same breath. No libc: callers may share the TLS. */
static void split_jump(char *got) {
  __asm__ volatile("xorl %%eax, %%eax\n\txorl %%ecx, %%ecx\n\txorl %%edx, %%edx\n\t"
                   "call *%0\n\t"
                   "movq %1, %%rsi\n\tmovq %2, %%rdi\n\tmovl $40, %%ecx\n\trep movsb"
                   :
                   : "r"(split_at + 4094), "r"(vault_data), "r"(got)
                   : "rax", "rcx", "rdx", "rsi", "rdi", "memory");
}

/* split_jump, then what it read to the parent, and the end of the task
 * (exit_group ends a sharing process's other threads too). */
static void split_jump_and_send(void) {
  static char got[48];
  split_jump(got);
  syscall(SYS_write, split_out[1], got, 40);
  syscall(SYS_exit_group, 0);
}

/* Runs attack in a forked child and says how the child ended, what the
 * process sharing its memory (named who) sent on split_out, and whether
 * the parent's vault is intact. */
static int split_run_forked(const char *name, void (*attack)(void), const char *who) {
  if (pipe(split_out))
    return 1;
  vault_block = vault_new_block();
  printf("== %s\n", name);
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    if (!drop_to_nobody())
      attack();
    fflush(stdout);
    _exit(0);
  }
  int st;
  if (pid < 0 || waitpid(pid, &st, 0) != pid)
    return 1;
  if (WIFSIGNALED(st))
    printf("%s: stopped by signal %d\n", name, WTERMSIG(st));
  else
    printf("%s: exited %d\n", name, WEXITSTATUS(st));
  close(split_out[1]);
  struct pollfd p = {split_out[0], POLLIN, 0};
  static char got[48];
  errno = 0;
  report_read(who, poll(&p, 1, 20000) == 1 && read(split_out[0], got, 40) == 40 ? got : NULL);
  printf("parent's vault intact: %d\n", vault_data_intact() && vault_block_intact(vault_block));
  return 0;
}
#endif
