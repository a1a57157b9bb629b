/* Runs the seccomp filter runtime/bpf.c builds, in a classic-BPF
 * interpreter of its own, on many made-up system calls, and compares each
 * answer with a model of the policy docs/hardening.md states (one rule per
 * call; range overlap on 64-bit sums, as the kernel's registers hold
 * them). Protected ranges: 0 to BH_MAX_RANGES (the range checks every
 * memory call shares), some keyed, one across a 4 GiB line and ones far
 * apart (high words differ). Arguments near range edges, small, and
 * random. Prints the mismatches, and each filter the kernel would refuse
 * to load. */
#define _GNU_SOURCE
#include "syscalls.h"
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/kd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/syscall.h>

#include "bpf-run.h"

#ifndef SECCOMP_FILTER_FLAG_NEW_LISTENER
#define SECCOMP_FILTER_FLAG_NEW_LISTENER (1UL << 3)
#endif
#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef SHM_REMAP
#define SHM_REMAP 040000
#endif
#ifndef SHM_EXEC
#define SHM_EXEC 0100000
#endif
#define ALLOW SECCOMP_RET_ALLOW
#define NOTIFY SECCOMP_RET_USER_NOTIF
#define TRAP(r) (SECCOMP_RET_TRAP | (r))

/* What the kernel checks before it loads a classic filter (bpf_check_classic
 * in net/core/filter.c), as far as the filter's instructions go: every
 * jump lands inside the program, the last instruction returns, and a load
 * of scratch memory M[k] follows a store to M[k] on every path to it. The
 * kernel's paths are conservative: an instruction is reached from each
 * jump to it and from the instruction before it, a return too. */
static int kernel_accepts(const struct sock_filter *f, int n, const char *what) {
  static uint16_t stored_in[4096]; /* M words stored on every jump to pc */
  if (n < 1 || n > 4096 || BPF_CLASS(f[n - 1].code) != BPF_RET) {
    printf("%s: the kernel refuses the filter: %d instructions, or no return at the end\n", what, n);
    return 0;
  }
  memset(stored_in, 0xff, sizeof stored_in);
  uint16_t stored = 0;
  for (int pc = 0; pc < n; pc++) {
    struct sock_filter i = f[pc];
    stored &= stored_in[pc];
    if ((i.code == BPF_ST || i.code == BPF_STX) && i.k < 16)
      stored |= 1u << i.k;
    if (i.code == (BPF_LD | BPF_MEM) || i.code == (BPF_LDX | BPF_MEM))
      if (i.k >= 16 || !(stored & (1u << i.k))) {
        printf("%s: the kernel refuses the filter: M[%u] loaded at %d before a store on some path\n", what, i.k, pc);
        return 0;
      }
    if (BPF_CLASS(i.code) != BPF_JMP)
      continue;
    long to[2] = {pc + 1L + i.jt, pc + 1L + i.jf};
    if (BPF_OP(i.code) == BPF_JA)
      to[0] = to[1] = pc + 1L + i.k;
    for (int t = 0; t < 2; t++) {
      if (to[t] >= n) {
        printf("%s: the kernel refuses the filter: a jump at %d leaves it\n", what, pc);
        return 0;
      }
      stored_in[to[t]] &= stored;
    }
    stored = 0xffff;
  }
  return 1;
}

static struct bh_policy P;
static int ov(uint64_t x, uint64_t len, int keyed_too) {
  uint64_t end = x + len;
  for (unsigned i = 0; i < P.n; i++)
    if ((keyed_too || !P.r[i].keyed) && x < P.r[i].hi && end > P.r[i].lo)
      return 1;
  return 0;
}
#define LO(i) ((uint32_t)d->args[i])
static uint32_t model(const struct seccomp_data *d) {
  if (d->arch != AUDIT_ARCH_X86_64 || (uint32_t)d->nr >= 0x40000000u) return TRAP(BH_R_ARCH);
  if ((uint32_t)d->nr >= 451) return SECCOMP_RET_ERRNO | ENOSYS; /* newer than the policy */
  const __u64 *a = d->args;
  switch (d->nr) {
  case SYS_ptrace: case SYS_process_vm_readv: case SYS_process_vm_writev: case SYS_process_madvise: return TRAP(BH_R_PTRACE);
  case SYS_pidfd_getfd: return TRAP(BH_R_GETFD); /* review 32 */
  case SYS_iopl: case SYS_ioperm: return TRAP(BH_R_PORTS); /* review 34 */
  case SYS_io_uring_setup: case SYS_io_uring_enter: case SYS_io_uring_register: return TRAP(BH_R_URING);
  case SYS_userfaultfd: return TRAP(BH_R_UFFD);
  case SYS_remap_file_pages: return TRAP(BH_R_REMAP);
  case SYS_seccomp:
    if (LO(1) & SECCOMP_FILTER_FLAG_NEW_LISTENER) return TRAP(BH_R_LISTENER);
    if (LO(0) == 1 /* SECCOMP_SET_MODE_FILTER */)
      return LO(1) == 1 /* TSYNC */ && a[2] == P.filter_page ? ALLOW : NOTIFY;
    return LO(0) == 0 /* SECCOMP_SET_MODE_STRICT */ ? NOTIFY : ALLOW;
  case SYS_prctl:
    if (LO(0) == 59 /* PR_SET_SYSCALL_USER_DISPATCH */ || LO(0) == 35 /* PR_SET_MM */)
      return TRAP(BH_R_SUD);
    if (LO(0) == 22 /* PR_SET_SECCOMP */) return NOTIFY;
    if (LO(0) == 4 /* PR_SET_DUMPABLE */) return LO(1) == 1 ? ALLOW : NOTIFY;
    if (LO(0) == 0x59616d61 /* PR_SET_PTRACER */) return LO(1) == (uint32_t)P.supervisor ? ALLOW : NOTIFY;
    return ALLOW;
  case SYS_kill:
    if (LO(0) == (uint32_t)-P.supervisor || LO(0) == 0xffffffffu) return TRAP(BH_R_SUPERVISOR);
    /* fallthrough */
  case SYS_tkill: case SYS_rt_sigqueueinfo:
    if (LO(0) == (uint32_t)P.supervisor) return TRAP(BH_R_SUPERVISOR);
    /* any other positive id may be a supervisor thread's (review 31): a signal, not 0, to the supervisor */
    return (int32_t)LO(0) > 0 && LO(1) != 0 ? NOTIFY : ALLOW;
  case SYS_tgkill: case SYS_rt_tgsigqueueinfo: case SYS_pidfd_open:
    return LO(0) == (uint32_t)P.supervisor ? TRAP(BH_R_SUPERVISOR) : ALLOW;
  case SYS_pkey_alloc: case SYS_pkey_free: case SYS_pkey_mprotect: case SYS_perf_event_open: case SYS_bpf:
  case SYS_init_module: case SYS_finit_module: case SYS_kexec_load: case SYS_kexec_file_load:
  case SYS_unshare: case SYS_setns: case SYS_mount: case SYS_umount2: case SYS_pivot_root: case SYS_open_tree:
  case SYS_move_mount: case SYS_fsopen: case SYS_fsconfig: case SYS_fsmount: case SYS_fspick: case SYS_mount_setattr:
  case SYS_openat2: case SYS_creat: case SYS_pidfd_send_signal:
  case SYS_truncate: case SYS_ftruncate: /* truncations: supervisor-truncate.c */
    return NOTIFY;
  case SYS_open_by_handle_at: /* O_TRUNC stops; O_WRONLY, O_RDWR: EPERM */
    return LO(2) & 01000 ? TRAP(BH_R_HANDLE_TRUNC) : LO(2) & 3 ? SECCOMP_RET_ERRNO | EPERM : ALLOW;
  case SYS_fanotify_init: return SECCOMP_RET_ERRNO | EPERM;
  case SYS_fallocate: /* collapse (0x08) and insert (0x20) only */
    return LO(1) & 0x28 ? NOTIFY : ALLOW;
  case SYS_clone: {
    uint32_t f = LO(0);
    if (f & BH_CLONE_NEW_ANY) return NOTIFY;
    if ((f & CLONE_FILES) && !(f & CLONE_THREAD)) return NOTIFY;
    if ((f & CLONE_VM) && (f & CLONE_PARENT)) return NOTIFY;
    if ((f & CLONE_PARENT_SETTID) && ov(a[2], 4, 1)) return NOTIFY;
    if ((f & (CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID)) && ov(a[3], 4, 1)) return NOTIFY;
    return ALLOW;
  }
  case SYS_set_tid_address: return ov(a[0], 4, 1) ? NOTIFY : ALLOW;
  /* another process's limits, maybe the supervisor's (review 27) */
  case SYS_prlimit64:
    if (a[2] == 0) return ALLOW;
    if (LO(0) != 0) return TRAP(BH_R_LIMITS);
    return LO(1) == 4 /* RLIMIT_CORE: review 31 */ ? SECCOMP_RET_ERRNO | EPERM : ALLOW;
  case SYS_setrlimit: return TRAP(BH_R_CORE);
  case SYS_clone3: return SECCOMP_RET_ERRNO | ENOSYS;
  case SYS_rseq: return SECCOMP_RET_ERRNO | ENOSYS;
  case SYS_personality: return LO(0) == 0xffffffffu ? ALLOW : NOTIFY;
  /* a move of the break may unmap anything below it (review 46) */
  case SYS_brk: return a[0] == 0 ? ALLOW : NOTIFY;
  case SYS_mprotect: return (LO(2) & PROT_EXEC) || ov(a[0], a[1], 0) ? NOTIFY : ALLOW;
  case SYS_mmap:
    if (LO(2) & PROT_EXEC) return NOTIFY;
    return (LO(3) & (MAP_FIXED | MAP_FIXED_NOREPLACE)) && ov(a[0], a[1], 1) ? NOTIFY : ALLOW;
  case SYS_munmap: case SYS_madvise: return ov(a[0], a[1], 1) ? NOTIFY : ALLOW;
  case SYS_mremap:
    /* a move (it may put code beside code), or an old length the kernel
     * rounds to 0 (a copy): the supervisor decides */
    if (LO(3) & 1 /* MREMAP_MAYMOVE */) return NOTIFY;
    if ((a[1] >> 32) == 0xffffffffu || a[2] > a[1]) return NOTIFY;
    if (ov(a[0], a[1], 1) || ov(a[0], a[2], 1)) return NOTIFY;
    return (LO(3) & 2 /* MREMAP_FIXED */) && ov(a[4], a[2], 1) ? NOTIFY : ALLOW;
  case SYS_shmat: return LO(2) & (SHM_REMAP | SHM_EXEC) ? NOTIFY : ALLOW;
  case SYS_open: return LO(1) & (010000000 | 0200000) /* O_PATH, O_DIRECTORY */ ? ALLOW : NOTIFY;
  case SYS_openat: return LO(2) & (010000000 | 0200000) ? ALLOW : NOTIFY;
  case SYS_ioctl: /* userfaultfd's requests, type 0xAA (review 30); typing (review 33) */
    if (LO(0) == BH_REQUEST_FD)
      return NOTIFY;
    if (LO(1) == 0x8901 /* FIOSETOWN */ || LO(1) == 0x8902 /* SIOCSPGRP */)
      return NOTIFY; /* a socket's owner, from memory: the supervisor makes it */
    if (LO(1) == TIOCSTI || LO(1) == TIOCLINUX || LO(1) == KDSKBENT || LO(1) == KDSKBSENT || LO(1) == KDSETKEYCODE)
      return TRAP(BH_R_TERMINAL);
    return (LO(1) & 0xff00) == 0xAA00 ? TRAP(BH_R_UFFD) : ALLOW;
  case SYS_fcntl: /* a file's owner gets SIGIO: never the supervisor (attacks-sigio-supervisor.c) */
    if (LO(1) == 15 /* F_SETOWN_EX: from memory */) return NOTIFY;
    if (LO(1) != 8 /* F_SETOWN */) return ALLOW;
    if (LO(2) == (uint32_t)P.supervisor || LO(2) == (uint32_t)-P.supervisor) return TRAP(BH_R_SUPERVISOR);
    return (int32_t)LO(2) > 0 ? NOTIFY : ALLOW; /* 0: none; other groups go on */
  }
  return ALLOW;
}

static uint64_t rnd(void) { return ((uint64_t)random() << 33) ^ ((uint64_t)random() << 11) ^ random(); }
static uint64_t pick(void) {
  int c = random() % 8;
  if (c < 4 && P.n) {
    const struct bh_range *r = &P.r[random() % P.n];
    uint64_t b = random() & 1 ? r->lo : r->hi;
    return b + (int64_t)(random() % 9) - 4 - (random() % 3 == 0 ? 4096 * (random() % 3) : 0);
  }
  if (c == 4) return random() % 16;
  if (c == 5) return rnd() & 0xffffffffu;
  if (c == 6) return rnd() | ((uint64_t)0xffffffff << 32);
  return rnd();
}
static uint64_t pick_len(void) {
  int c = random() % 6;
  if (c == 0) return (uint64_t)-(random() % 8192);
  if (c == 1) return random() % 8192;
  if (c == 2 && P.n) { const struct bh_range *r = &P.r[random() % P.n]; return r->hi - r->lo + (random() % 5) - 2; }
  if (c == 3) return rnd() & 0xffffffffu;
  return pick();
}

static long check(int nranges, long iters) {
  srandom(nranges * 7919 + 1);
  memset(&P, 0, sizeof P);
  P.supervisor = 4242;
  P.filter_page = 0x555555560000ull + 4096 * (uint64_t)nranges;
  uint64_t at = 0x555555554000ull;
  for (int i = 0; i < nranges; i++) {
    at += 4096 * (1 + random() % 64);
    if (i == nranges / 2) at = 0x7f0000000000ull + 4096 * (random() % 1000);
    if (i == nranges / 3) at = 0xfffff000ull - 4096; /* across a 4 GiB line */
    P.r[i].lo = at;
    at += 4096 * (1 + random() % 64);
    P.r[i].hi = at;
    P.r[i].keyed = random() % 3 == 0;
  }
  P.n = nranges;
  static struct sock_filter f[4096];
  int n = bh_build_filter(&P, f, 4096);
  if (n < 0) {
    printf("ranges %d: the filter does not build\n", nranges);
    return -1;
  }
  char what[32];
  snprintf(what, sizeof what, "ranges %d", nranges);
  if (!kernel_accepts(f, n, what))
    return -1;
  static const long names[] = {SYS_ptrace, SYS_process_vm_readv, SYS_seccomp, SYS_prctl, SYS_kill, SYS_tkill, SYS_pidfd_open, SYS_pidfd_send_signal,
    SYS_pkey_mprotect, SYS_personality, SYS_mprotect, SYS_mmap, SYS_munmap, SYS_mremap, SYS_madvise, SYS_shmat, SYS_open,
    SYS_openat, SYS_openat2, SYS_creat, SYS_ioctl, SYS_clone, SYS_clone3, SYS_rseq, SYS_set_tid_address, SYS_unshare, SYS_read,
    SYS_getpid, SYS_brk, SYS_remap_file_pages, SYS_userfaultfd, SYS_io_uring_setup, SYS_bpf, SYS_mount_setattr,
    SYS_truncate, SYS_ftruncate, SYS_fallocate, SYS_open_by_handle_at, SYS_fanotify_init, SYS_prlimit64, SYS_setrlimit, SYS_pidfd_getfd, SYS_iopl, SYS_ioperm,
    SYS_rt_sigqueueinfo, SYS_tgkill, SYS_rt_tgsigqueueinfo, SYS_fcntl, SYS_setpgid};
  long bad = 0;
  for (long it = 0; it < iters; it++) {
    struct seccomp_data d = {0};
    d.arch = random() % 200 ? AUDIT_ARCH_X86_64 : AUDIT_ARCH_I386;
    int c = random() % 10;
    d.nr = c < 8 ? names[random() % (sizeof names / sizeof names[0])] : c == 8 ? random() % 480 : (int)rnd();
    for (int k = 0; k < 6; k++) d.args[k] = random() % 2 ? pick() : pick_len();
    if (random() % 4 == 0) d.args[0] = random() % 2 ? (uint32_t)(random() & 0xffff) : (uint64_t)-(random() % 3);
    if ((d.nr == SYS_prlimit64 || d.nr == SYS_setrlimit) && random() % 2) d.args[d.nr == SYS_setrlimit ? 0 : 1] = random() % 2 ? 4 : random() % 16;
    if (d.nr == SYS_ioctl && random() % 3 == 0) d.args[1] = (random() % 2 ? rnd() << 32 : 0) | 0xAA00 | (random() & 0xff);
    if (d.nr == SYS_ioctl && random() % 5 == 0) d.args[1] = (random() % 2 ? rnd() << 32 : 0) | (random() % 3 ? (random() % 2 ? TIOCSTI : TIOCLINUX) : (random() % 2 ? KDSKBSENT : KDSETKEYCODE));
    if (random() % 4 == 0) d.args[1] = P.supervisor;
    if ((d.nr == SYS_kill || d.nr == SYS_tkill || d.nr == SYS_rt_sigqueueinfo) && random() % 2) {
      /* ids at the sign's edges, with or without a high word; signals 0 to 64, also with one */
      if (random() % 2) d.args[0] = (random() % 2 ? rnd() << 32 : 0) | (uint32_t[]){0, 1, 0x7fffffff, 0x80000000u, P.supervisor + 1}[random() % 5];
      d.args[1] = (random() % 4 ? 0 : rnd() << 32) | (random() % 3 ? random() % 65 : 0);
    }
    if (d.nr == SYS_ioctl && random() % 5 == 0) d.args[1] = (random() % 2 ? rnd() << 32 : 0) | (0x8900 + random() % 4);
    if (d.nr == SYS_fcntl && random() % 4) {
      /* F_GETOWN, F_SETOWN, F_SETSIG, F_SETOWN_EX, F_GETOWN_EX, also with a high word; ids at the sign's edges and the supervisor's */
      d.args[1] = (random() % 4 ? 0 : rnd() << 32) | (uint32_t[]){9, 8, 10, 15, 16}[random() % 5];
      if (random() % 2) d.args[2] = (random() % 2 ? rnd() << 32 : 0) | (uint32_t[]){0, 1, 0x7fffffff, 0x80000000u, 0xffffffffu, P.supervisor, -P.supervisor, P.supervisor + 1, -P.supervisor - 1}[random() % 9];
    }
    if (d.nr == SYS_brk && random() % 2) d.args[0] = random() % 2 ? 0 : rnd() << 32; /* the query; a high word alone */
    if (d.nr == SYS_prctl && random() % 2) d.args[0] = (uint32_t[]){59, 35, 4, 0x59616d61, 22}[random() % 5];
    if (d.nr == SYS_seccomp && random() % 2) {
      d.args[0] = random() % 4, d.args[1] = random() % 3 ? 1 : random() % 16;
      d.args[2] = random() % 2 ? P.filter_page : P.filter_page ^ ((uint64_t)1 << (random() % 64));
    }
    if (d.nr == SYS_mmap || d.nr == SYS_mprotect) { d.args[2] = random() % 8; d.args[3] = random() % 2 ? MAP_FIXED : random(); }
    if (d.nr == SYS_prlimit64 && random() % 2) d.args[2] = random() % 2 ? 0 : (uint64_t)1 << (random() % 64);
    if (d.nr == SYS_clone) d.args[0] = random() & (CLONE_VM | CLONE_FILES | CLONE_THREAD | CLONE_PARENT | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID | (random() % 16 == 0 ? CLONE_NEWNS : 0));
    uint32_t got = run(f, n, &d), want = model(&d);
    if (got != want && bad++ < 10)
      printf("MISMATCH nr=%d arch=%x args=%llx %llx %llx %llx %llx: filter %x model %x\n", d.nr, d.arch,
             (unsigned long long)d.args[0], (unsigned long long)d.args[1], (unsigned long long)d.args[2],
             (unsigned long long)d.args[3], (unsigned long long)d.args[4], got, want);
  }
  return bad;
}

/* The filter the supervisor writes for an object registered later
 * (bh_build_object_filter; docs/shared-objects.md, step 6, piece 4):
 * everything that could unmap, remap, re-protect or advise away [lo, hi),
 * or have the kernel write a thread-id word there, traps; making code
 * executable (PROT_READ | PROT_EXEC) goes on to the first filter. */
static uint32_t model_object(const struct seccomp_data *d, uint64_t lo, uint64_t hi) {
  const __u64 *a = d->args;
#define OV(x, len) ((x) < hi && (uint64_t)((x) + (len)) > lo)
#define HUGE(v) (((v) >> 32) >= 0x80000000u)
  uint32_t trap = TRAP(BH_R_PROTECTED);
  if (d->arch != AUDIT_ARCH_X86_64) return ALLOW;
  switch (d->nr) {
  case SYS_mmap:
    if (!(LO(3) & (MAP_FIXED | MAP_FIXED_NOREPLACE))) return ALLOW;
    return HUGE(a[1]) || OV(a[0], a[1]) ? trap : ALLOW;
  case SYS_mprotect:
    if (LO(2) == (PROT_READ | PROT_EXEC)) return ALLOW;
    /* fallthrough */
  case SYS_munmap: case SYS_madvise:
    return HUGE(a[1]) || OV(a[0], a[1]) ? trap : ALLOW;
  case SYS_mremap:
    if (HUGE(a[1]) || HUGE(a[2]) || OV(a[0], a[1]) || OV(a[0], a[2])) return trap;
    return (LO(3) & 2 /* MREMAP_FIXED */) && OV(a[4], a[2]) ? trap : ALLOW;
  case SYS_clone:
    if ((LO(0) & CLONE_PARENT_SETTID) && OV(a[2], 4)) return trap;
    return (LO(0) & (CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID)) && OV(a[3], 4) ? trap : ALLOW;
  case SYS_set_tid_address: return OV(a[0], 4) ? trap : ALLOW;
  }
  return ALLOW;
}

static long check_object(uint64_t lo, uint64_t hi, long iters) {
  srandom((unsigned)lo);
  memset(&P, 0, sizeof P);
  P.n = 1, P.r[0].lo = lo, P.r[0].hi = hi; /* for pick() */
  /* it must fit the page the supervisor writes it into, after the
   * sock_fprog */
  static struct sock_filter f[(4096 - 16) / sizeof(struct sock_filter)];
  int n = bh_build_object_filter(lo, hi, f, sizeof f / sizeof f[0]);
  if (n < 0) {
    printf("object %llx: the object filter does not build in a page\n", (unsigned long long)lo);
    return -1;
  }
  if (!kernel_accepts(f, n, "object"))
    return -1;
  static const long names[] = {SYS_mprotect, SYS_mmap, SYS_munmap, SYS_mremap, SYS_madvise, SYS_pkey_mprotect,
    SYS_clone, SYS_set_tid_address, SYS_read, SYS_seccomp, SYS_ioctl};
  long bad = 0;
  for (long it = 0; it < iters; it++) {
    struct seccomp_data d = {0};
    d.arch = random() % 200 ? AUDIT_ARCH_X86_64 : AUDIT_ARCH_I386;
    d.nr = random() % 10 ? names[random() % (sizeof names / sizeof names[0])] : random() % 460;
    for (int k = 0; k < 6; k++) d.args[k] = random() % 2 ? pick() : pick_len();
    if (d.nr == SYS_mmap || d.nr == SYS_mprotect) { d.args[2] = random() % 8; d.args[3] = random() % 2 ? MAP_FIXED : random(); }
    if (d.nr == SYS_mremap) d.args[3] = random() % 4;
    if (d.nr == SYS_clone) d.args[0] = random() & (CLONE_VM | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID);
    uint32_t got = run(f, n, &d), want = model_object(&d, lo, hi);
    if (got != want && bad++ < 10)
      printf("MISMATCH (object) nr=%d args=%llx %llx %llx %llx %llx: filter %x model %x\n", d.nr,
             (unsigned long long)d.args[0], (unsigned long long)d.args[1], (unsigned long long)d.args[2],
             (unsigned long long)d.args[3], (unsigned long long)d.args[4], got, want);
  }
  return bad;
}

int main(void) {
  long bad = 0;
  for (int n = 0; n <= BH_MAX_RANGES; n++) {
    long b = check(n, 100000);
    bad += b < 0 ? 1 : b;
  }
  static const uint64_t objects[][2] = {{0x7f1234560000ull, 0x7f1234571000ull},
                                        {0xfffff000ull - 0x3000, 0x100002000ull},
                                        {0x1000, 0x2000}};
  for (int i = 0; i < 3; i++) {
    long b = check_object(objects[i][0], objects[i][1], 200000);
    bad += b < 0 ? 1 : b;
  }
  printf("%ld mismatches\n", bad);
  return 0;
}
