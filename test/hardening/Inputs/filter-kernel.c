/* The kernel runs the filters bpf.c builds as filter-model.c's interpreter
 * does (review 46): filter-model checks the interpreter against the
 * policy; this checks the kernel against the interpreter. A child installs
 * the filter (no listener: a NOTIFY answer is ENOSYS, a TRAP is SIGSYS)
 * and makes memory calls at the ranges' edges (64-bit sums, carries,
 * wrap-around, every slot of the shared range checks), each one the
 * kernel refuses early when the filter lets it through (EINVAL, EBADF;
 * madvise MADV_NORMAL and set_tid_address change nothing that matters
 * here), so it runs natively, on made-up ranges. The first filter with 0
 * to 48 ranges, and the object filter. Prints each difference. */
#define _GNU_SOURCE
#include "syscalls.h"
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "bpf-run.h"
static struct bh_policy P;
static uint64_t rnd(void) { return ((uint64_t)random() << 33) ^ ((uint64_t)random() << 11) ^ random(); }
static uint64_t edge(void) {
  int c = random() % 12;
  if (c < 6 && P.n) {
    const struct bh_range *r = &P.r[random() % P.n];
    uint64_t b = random() & 1 ? r->lo : r->hi;
    int64_t d = (int64_t)(random() % 9) - 4;
    if (random() % 3 == 0) d += 4096 * ((int64_t)(random() % 5) - 2);
    return b + d;
  }
  switch (c) {
  case 6: return random() % 16;
  case 7: return (uint64_t)-(random() % 8200);
  case 8: return ((uint64_t)(random() % 4) << 32) + (uint32_t)-(random() % 8);
  case 9: return (uint64_t)1 << (random() % 64);
  default: return rnd();
  }
}
static uint64_t len_for(uint64_t start) {
  if (random() % 3 == 0 && P.n) {
    const struct bh_range *r = &P.r[random() % P.n];
    return (random() & 1 ? r->lo : r->hi) + (int64_t)(random() % 5) - 2 - start;
  }
  return edge();
}
static volatile sig_atomic_t trapped;
static volatile uint32_t trap_data;
static void on_sys(int sig, siginfo_t *si, void *uc) { (void)sig, (void)uc; trapped = 1; trap_data = (uint32_t)si->si_errno; }
static const long calls[] = {SYS_madvise, SYS_mprotect, SYS_mmap, SYS_mremap, SYS_clone, SYS_set_tid_address, SYS_munmap};
static void gen(struct seccomp_data *d) {
  memset(d, 0, sizeof *d);
  d->arch = AUDIT_ARCH_X86_64;
  d->nr = calls[random() % (sizeof calls / sizeof calls[0])];
  for (int k = 0; k < 6; k++) d->args[k] = edge();
  if (random() % 2) d->args[1] = len_for(d->args[0]);
  if (random() % 2) d->args[2] = len_for(random() % 2 ? d->args[0] : d->args[4]);
  switch (d->nr) {
  case SYS_madvise: d->args[2] = MADV_NORMAL; break;
  case SYS_mprotect: d->args[2] = PROT_GROWSDOWN | PROT_GROWSUP | (random() % 2 ? PROT_EXEC : 0) | (random() % 2 ? rnd() << 32 : 0); break;
  case SYS_mmap: d->args[2] = random() % 8; d->args[3] = (uint32_t[]){MAP_FIXED, MAP_FIXED_NOREPLACE, MAP_PRIVATE, 0}[random() % 4] | (random() % 4 ? 0 : rnd() << 32); d->args[4] = (uint64_t)-1; break;
  case SYS_mremap:
    if (random() % 3 == 0) d->args[2] = d->args[1] - random() % 3;
    d->args[3] = random() % 16 | (random() % 4 ? 0 : rnd() << 32);
    if (d->args[3] == 0) d->args[3] = 8; /* flags 0 would run a shrink */
    break;
  case SYS_clone:
    d->args[0] = (random() & (CLONE_VM | CLONE_FILES | CLONE_PARENT | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID | CLONE_PIDFD))
                 | CLONE_THREAD; /* without CLONE_SIGHAND: EINVAL before any write */
    if (random() % 4 == 0) d->args[0] |= rnd() << 32;
    break;
  case SYS_munmap: d->args[0] |= 1; break; /* EINVAL */
  }
}
static long raw6(long nr, const __u64 *a) {
  long ret;
  register long r10 __asm__("r10") = (long)a[3];
  register long r8 __asm__("r8") = (long)a[4];
  register long r9 __asm__("r9") = (long)a[5];
  __asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a[0]), "S"(a[1]), "d"(a[2]), "r"(r10), "r"(r8), "r"(r9) : "rcx", "r11", "memory");
  return ret;
}
static long child(const struct sock_filter *f, int n, long iters, unsigned seed) {
  struct sigaction sa = {0};
  sa.sa_sigaction = on_sys, sa.sa_flags = SA_SIGINFO;
  sigaction(SIGSYS, &sa, NULL);
  struct sock_fprog prog = {(unsigned short)n, (struct sock_filter *)f};
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog)) { printf("seccomp refused\n"); return 1000; }
  srandom(seed);
  long bad = 0, notify = 0, trap = 0;
  for (long it = 0; it < iters; it++) {
    struct seccomp_data d;
    gen(&d);
    uint32_t want = run(f, n, &d);
    trapped = 0;
    long r = raw6(d.nr, d.args);
    int e = r < 0 && r > -4096 ? (int)-r : 0;
    if (e) r = -1;
    uint32_t got = trapped ? SECCOMP_RET_TRAP | trap_data : r == -1 && e == ENOSYS ? SECCOMP_RET_USER_NOTIF : SECCOMP_RET_ALLOW;
    if (r != -1 && !trapped && d.nr != SYS_set_tid_address && d.nr != SYS_madvise) { printf("call %d succeeded: %ld\n", d.nr, r); bad++; }
    notify += got == SECCOMP_RET_USER_NOTIF, trap += trapped;
    if (got != want && bad++ < 10)
      printf("DIFFERENCE nr=%d args=%llx %llx %llx %llx %llx: kernel %x interpreter %x (errno %d)\n", d.nr,
             (unsigned long long)d.args[0], (unsigned long long)d.args[1], (unsigned long long)d.args[2],
             (unsigned long long)d.args[3], (unsigned long long)d.args[4], got, want, e);
  }
  printf("  %ld calls: %ld notify, %ld trap, %ld bad\n", iters, notify, trap, bad);
  return bad;
}
static long in_child(const struct sock_filter *f, int n, long iters, unsigned seed) {
  fflush(stdout);
  pid_t p = fork();
  if (p == 0) { setvbuf(stdout, NULL, _IONBF, 0); _exit(child(f, n, iters, seed) ? 1 : 0); }
  int st;
  waitpid(p, &st, 0);
  if (!WIFEXITED(st)) { printf("child died: %x\n", st); return 1; }
  return WEXITSTATUS(st);
}
int main(int argc, char **argv) {
  long iters = argc > 1 ? atol(argv[1]) : 20000, bad = 0;
  static struct sock_filter f[4096];
  int counts[] = {0, 1, 7, 17, 33, 48};
  for (unsigned k = 0; k < sizeof counts / sizeof counts[0]; k++) {
    int nr = counts[k];
    srandom(nr * 31 + 7);
    memset(&P, 0, sizeof P);
    P.supervisor = 999999, P.filter_page = 0x555555560000ull;
    uint64_t at = 0x555555554000ull;
    for (int i = 0; i < nr; i++) {
      at += 4096 * (1 + random() % 64);
      if (i == nr / 2) at = 0x7f0000000000ull + 4096 * (random() % 1000);
      if (i == nr / 3) at = 0xfffff000ull - 4096;
      if (i == nr / 4) at = 0x1000;
      P.r[i].lo = at;
      at += 4096 * (1 + random() % 64);
      P.r[i].hi = at;
      P.r[i].keyed = random() % 3 == 0;
    }
    P.n = nr;
    int n = bh_build_filter(&P, f, 4096);
    printf("ranges %d: %d instructions\n", nr, n);
    if (n < 0) { bad++; continue; }
    bad += in_child(f, n, iters, nr + 1);
  }
  static const uint64_t objects[][2] = {{0x7f1234560000ull, 0x7f1234571000ull}, {0xfffff000ull - 0x3000, 0x100002000ull}, {0x1000, 0x2000}};
  for (int k = 0; k < 3; k++) {
    memset(&P, 0, sizeof P);
    P.n = 1, P.r[0].lo = objects[k][0], P.r[0].hi = objects[k][1];
    int n = bh_build_object_filter(P.r[0].lo, P.r[0].hi, f, 510);
    printf("object %d: %d instructions\n", k, n);
    if (n < 0) { bad++; continue; }
    bad += in_child(f, n, iters, 100 + k);
  }
  printf("%ld filters differ\n", bad);
  return 0;
}
