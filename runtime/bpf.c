/*
 * bpf.c - the seccomp filter program, written as classic BPF by hand.
 *
 * libseccomp compares each argument with a constant; the memory rules need
 * more: whether [addr, addr + len) overlaps a protected range, for which
 * the filter adds two 64-bit arguments itself (classic BPF has 32-bit
 * arithmetic, so with a carry). Everything the filter decides is in the
 * registers the kernel captured at the call, so no other thread can change
 * it between check and use. Decisions that need more (a path, whether the
 * caller is our process) go to the supervisor (supervisor.c).
 *
 * Layout: architecture check; x32 check; a binary search over the system
 * calls the policy names, each found one jumping to its block; ALLOW; then
 * a block per call; then the range checks the blocks of memory calls
 * share (range_checks). Calls the policy does not name cost the
 * architecture check and about six comparisons.
 */
#define _GNU_SOURCE
#include "syscalls.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/kd.h>
#include <linux/sched.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <sys/syscall.h>

#ifndef SECCOMP_FILTER_FLAG_NEW_LISTENER
#define SECCOMP_FILTER_FLAG_NEW_LISTENER (1UL << 3)
#endif
#ifndef PR_SET_SYSCALL_USER_DISPATCH
#define PR_SET_SYSCALL_USER_DISPATCH 59
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
#define PR_SET_MM_ 35
#define PR_SET_SECCOMP_ 22
#define PR_SET_DUMPABLE_ 4
#define PR_SET_PTRACER_ 0x59616d61
#define MREMAP_MAYMOVE_ 1
#define MREMAP_FIXED_ 2
#define O_PATH_ 010000000
#define O_DIRECTORY_ 0200000
#define O_TRUNC_ 01000
#define FALLOC_FL_COLLAPSE_RANGE_ 0x08
#define FALLOC_FL_INSERT_RANGE_ 0x20
#define F_SETOWN_ 8
#define F_SETOWN_EX_ 15
#define FIOSETOWN_ 0x8901
#define SIOCSPGRP_ 0x8902

#define ARG_LO(i) (offsetof(struct seccomp_data, args) + 8 * (i))
#define ARG_HI(i) (ARG_LO(i) + 4)
#define NR offsetof(struct seccomp_data, nr)
#define ARCH offsetof(struct seccomp_data, arch)

#define ALLOW SECCOMP_RET_ALLOW
#define NOTIFY SECCOMP_RET_USER_NOTIF
#define TRAP(r) (SECCOMP_RET_TRAP | (r))

#define MAX_LABELS 8192
#define MAX_FIXUPS 16384

/* A tiny assembler: jumps name labels, resolved at the end. */
struct as {
  struct sock_filter *f;
  int n, max, bad;
  int label[MAX_LABELS], nlabels;
  struct {
    int at, label, field;
  } fix[MAX_FIXUPS];
  int nfix;
};

static int new_label(struct as *a) {
  if (a->nlabels >= MAX_LABELS) {
    a->bad = 1;
    return 0;
  }
  a->label[a->nlabels] = -1;
  return a->nlabels++;
}

static void bind(struct as *a, int l) { a->label[l] = a->n; }

static void emit(struct as *a, uint16_t code, uint32_t k) {
  if (a->n >= a->max) {
    a->bad = 1;
    return;
  }
  a->f[a->n++] = (struct sock_filter){code, 0, 0, k};
}

static void fixup(struct as *a, int field, int label) {
  if (a->nfix >= MAX_FIXUPS) {
    a->bad = 1;
    return;
  }
  a->fix[a->nfix].at = a->n - 1;
  a->fix[a->nfix].label = label;
  a->fix[a->nfix].field = field;
  a->nfix++;
}

/* Conditional jump on A against k: to t if true, else f (-1: next). */
static void jump(struct as *a, uint16_t op, uint32_t k, int t, int f) {
  emit(a, BPF_JMP | op | BPF_K, k);
  if (t >= 0)
    fixup(a, 1, t);
  if (f >= 0)
    fixup(a, 2, f);
}

/* The same on A against X. */
static void jump_x(struct as *a, uint16_t op, int t, int f) {
  emit(a, BPF_JMP | op | BPF_X, 0);
  if (t >= 0)
    fixup(a, 1, t);
  if (f >= 0)
    fixup(a, 2, f);
}

static void ja(struct as *a, int l) {
  emit(a, BPF_JMP | BPF_JA, 0);
  fixup(a, 0, l);
}

static void ld(struct as *a, uint32_t off) {
  emit(a, BPF_LD | BPF_W | BPF_ABS, off);
}
static void ret(struct as *a, uint32_t v) { emit(a, BPF_RET | BPF_K, v); }

static int finish(struct as *a) {
  for (int i = 0; i < a->nfix && !a->bad; i++) {
    int to = a->label[a->fix[i].label], at = a->fix[i].at;
    int off = to - (at + 1);
    if (to < 0 || off < 0 || (a->fix[i].field && off > 255)) {
      a->bad = 1;
      break;
    }
    if (a->fix[i].field == 0)
      a->f[at].k = (uint32_t)off;
    else if (a->fix[i].field == 1)
      a->f[at].jt = (uint8_t)off;
    else
      a->f[at].jf = (uint8_t)off;
  }
  return a->bad ? -1 : a->n;
}

/* The range checks: whether an interval [start, end) of memory a call
 * names overlaps a protected range. One copy of them, shared by every call
 * that checks memory (range_checks, at the filter's end): a copy in each
 * call grew as calls x ranges, past the kernel's 4096 instructions with
 * about 34 ranges. A call stores its intervals in scratch memory, slots 0
 * to s (64-bit numbers as low and high words), and jumps to the checks of
 * slot s. */
#define SLOTS 3 /* mremap's: its old range, its new one, where it moves */
#define END_LO(s) (4 * (s))
#define END_HI(s) (4 * (s) + 1)
#define START_LO(s) (4 * (s) + 2)
#define START_HI(s) (4 * (s) + 3)
#define CARRY (4 * SLOTS)

/* Where a call jumps once its slots are stored: from[s] checks slot s,
 * then every lower slot; unkeyed checks slot 0 against the unkeyed
 * ranges only (mprotect: a keyed page keeps its key). */
struct checks {
  int from[SLOTS], unkeyed;
};

static void new_checks(struct as *a, struct checks *c) {
  for (int s = 0; s < SLOTS; s++)
    c->from[s] = new_label(a);
  c->unkeyed = new_label(a);
}

/* Slot s = [args[x], args[x] + args[y]), or [args[x], args[x] + len)
 * when y < 0: the end 64-bit, with the carry (a sum past 2^64 is a call
 * the kernel refuses anyway). */
static void interval(struct as *a, int s, int x, int y, uint32_t len) {
  if (y >= 0)
    ld(a, ARG_LO(y));
  else
    emit(a, BPF_LD | BPF_IMM, len);
  emit(a, BPF_MISC | BPF_TAX, 0);
  ld(a, ARG_LO(x));
  emit(a, BPF_ALU | BPF_ADD | BPF_X, 0);
  emit(a, BPF_ST, END_LO(s));
  /* carry when the low sum is below the low word added (X) */
  emit(a, BPF_JMP | BPF_JGE | BPF_X, 0);
  a->f[a->n - 1].jt = 2, a->f[a->n - 1].jf = 0;
  emit(a, BPF_LD | BPF_IMM, 1);
  emit(a, BPF_JMP | BPF_JA, 1);
  emit(a, BPF_LD | BPF_IMM, 0);
  emit(a, BPF_ST, CARRY);
  if (y >= 0)
    ld(a, ARG_HI(y));
  else
    emit(a, BPF_LD | BPF_IMM, 0);
  emit(a, BPF_MISC | BPF_TAX, 0);
  ld(a, ARG_HI(x));
  emit(a, BPF_ALU | BPF_ADD | BPF_X, 0);
  emit(a, BPF_MISC | BPF_TAX, 0);
  emit(a, BPF_LD | BPF_MEM, CARRY);
  emit(a, BPF_ALU | BPF_ADD | BPF_X, 0);
  emit(a, BPF_ST, END_HI(s));
  ld(a, ARG_LO(x));
  emit(a, BPF_ST, START_LO(s));
  ld(a, ARG_HI(x));
  emit(a, BPF_ST, START_HI(s));
}

/* Slot s = the 4-byte word at args[x] (one the kernel writes). */
static void word(struct as *a, int s, int x) { interval(a, s, x, -1, 4); }

/* Slot s made empty (an end of 0 overlaps nothing) unless args[arg] has
 * one of the bits in flag: an interval the call does not use this time. */
static void unless_set(struct as *a, int s, int arg, uint32_t flag) {
  int keep = new_label(a);
  ld(a, ARG_LO(arg));
  jump(a, BPF_JSET, flag, keep, -1);
  emit(a, BPF_LD | BPF_IMM, 0);
  emit(a, BPF_ST, END_LO(s));
  emit(a, BPF_ST, END_HI(s));
  bind(a, keep);
}

/* A call's intervals, then the jump to their checks. This one:
 * [args[0], args[0] + args[1]) (mprotect, mmap, munmap, madvise). */
static void check_range(struct as *a, int checks) {
  interval(a, 0, 0, 1, 0);
  ja(a, checks);
}

static void check_mremap(struct as *a, const struct checks *c) {
  interval(a, 0, 0, 1, 0); /* the old range */
  interval(a, 1, 0, 2, 0); /* the new one, in place */
  interval(a, 2, 4, 2, 0); /* where it moves to */
  unless_set(a, 2, 3, MREMAP_FIXED_);
  ja(a, c->from[2]);
}

/* The thread-id words clone has the kernel write: CLONE_PARENT_SETTID's
 * at args[2], CLONE_CHILD_SETTID's and CLEARTID's at args[3]. */
static void check_clone_words(struct as *a, const struct checks *c) {
  word(a, 0, 2);
  unless_set(a, 0, 0, CLONE_PARENT_SETTID);
  word(a, 1, 3);
  unless_set(a, 1, 0, CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID);
  ja(a, c->from[1]);
}

/* Returns hit if slot s overlaps [r->lo, r->hi), else falls through:
 * start < hi && end > lo, on 64-bit numbers. Eleven instructions, the
 * return among them, so every jump is short. */
static void overlap(struct as *a, int s, const struct bh_range *r,
                    uint32_t hit) {
  int miss = new_label(a), lo_check = new_label(a), end_lo = new_label(a);
  int in = new_label(a);
  uint32_t hi_hi = (uint32_t)(r->hi >> 32), hi_lo = (uint32_t)r->hi;
  uint32_t lo_hi = (uint32_t)(r->lo >> 32), lo_lo = (uint32_t)r->lo;
  emit(a, BPF_LD | BPF_MEM, START_HI(s));
  jump(a, BPF_JGT, hi_hi, miss, -1);
  jump(a, BPF_JEQ, hi_hi, -1, lo_check); /* below: start < hi holds */
  emit(a, BPF_LD | BPF_MEM, START_LO(s));
  jump(a, BPF_JGE, hi_lo, miss, -1);
  bind(a, lo_check);
  emit(a, BPF_LD | BPF_MEM, END_HI(s));
  jump(a, BPF_JGT, lo_hi, in, -1);
  jump(a, BPF_JEQ, lo_hi, end_lo, miss);
  bind(a, end_lo);
  emit(a, BPF_LD | BPF_MEM, END_LO(s));
  jump(a, BPF_JGT, lo_lo, in, miss);
  bind(a, in);
  ret(a, hit);
  bind(a, miss);
}

/* The shared checks, at the end of the filter: classic BPF jumps only
 * forward, so no check can go back to its call; a call's checks end in
 * its answer instead: hit on an overlap, else ALLOW. Slot 2 first, then
 * 1, then 0, each against the keyed ranges and then the unkeyed ones:
 * a call enters where its slots begin and falls through the rest. */
static void range_checks(struct as *a, const struct bh_policy *p,
                         const struct checks *c, uint32_t hit) {
  int allow = new_label(a);
  /* Never taken. The kernel refuses a load of scratch memory unless every
   * path to it stored that word, and takes the instruction after a
   * return as reached from it (net/core/filter.c): this jump ends such a
   * path before the checks. */
  ja(a, allow);
  for (int s = SLOTS - 1; s >= 0; s--)
    for (int keyed = 1; keyed >= 0; keyed--) {
      if (keyed)
        bind(a, c->from[s]);
      else if (s == 0)
        bind(a, c->unkeyed);
      for (unsigned i = 0; i < p->n; i++)
        if (!p->r[i].keyed == !keyed)
          overlap(a, s, &p->r[i], hit);
    }
  bind(a, allow);
  ret(a, ALLOW);
}

/* Whether a jump recorded since fixup number from goes to label l. */
static int jumps_to(const struct as *a, int from, int l) {
  for (int i = from; i < a->nfix; i++)
    if (a->fix[i].label == l)
      return 1;
  return 0;
}

/* A conditional jump whose targets may be far: to t or f (-1: next)
 * through BPF_JA. */
static void jump_far(struct as *a, uint16_t op, uint32_t k, int t, int f) {
  int tt = new_label(a), ff = new_label(a), next = new_label(a);
  jump(a, op, k, t >= 0 ? tt : next, f >= 0 ? ff : next);
  if (t >= 0) {
    bind(a, tt);
    ja(a, t);
  }
  if (f >= 0) {
    bind(a, ff);
    ja(a, f);
  }
  bind(a, next);
}

struct rule {
  long nr;
  int label;
};

/* Dispatch on A (the call number) over rules sorted by number: a binary
 * search, so a call the policy does not name costs about six comparisons.
 * Falls through (to ALLOW) when none matches. */
static void dispatch(struct as *a, const struct rule *r, int n, int none) {
  if (n <= 3) {
    for (int i = 0; i < n; i++) {
      emit(a, BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)r[i].nr);
      a->f[a->n - 1].jt = 0, a->f[a->n - 1].jf = 1;
      ja(a, r[i].label);
    }
    ja(a, none);
    return;
  }
  int mid = n / 2, right = new_label(a);
  jump(a, BPF_JGE, (uint32_t)r[mid].nr, right, -1);
  dispatch(a, r, mid, none);
  bind(a, right);
  dispatch(a, r + mid, n - mid, none);
}

int bh_build_filter(const struct bh_policy *p, struct sock_filter *out,
                    int max) {
  static struct as as; /* large; built once, before main */
  struct as *a = &as;
  a->f = out, a->max = max, a->n = 0, a->bad = 0, a->nlabels = 0, a->nfix = 0;
  static const long names[] = {SYS_ptrace,
                               SYS_process_vm_readv,
                               SYS_process_vm_writev,
                               SYS_process_madvise,
                               SYS_pidfd_getfd,
                               SYS_iopl,
                               SYS_ioperm,
                               SYS_io_uring_setup,
                               SYS_io_uring_enter,
                               SYS_io_uring_register,
                               SYS_userfaultfd,
                               SYS_seccomp,
                               SYS_prctl,
                               SYS_remap_file_pages,
                               SYS_kill,
                               SYS_tkill,
                               SYS_tgkill,
                               SYS_rt_sigqueueinfo,
                               SYS_rt_tgsigqueueinfo,
                               SYS_pidfd_open,
                               SYS_pidfd_send_signal,
                               SYS_prlimit64,
                               SYS_setrlimit,
                               SYS_pkey_alloc,
                               SYS_pkey_free,
                               SYS_pkey_mprotect,
                               SYS_personality,
                               SYS_mprotect,
                               SYS_mmap,
                               SYS_munmap,
                               SYS_mremap,
                               SYS_madvise,
                               SYS_shmat,
                               SYS_open,
                               SYS_openat,
                               SYS_openat2,
                               SYS_creat,
                               SYS_truncate,
                               SYS_ftruncate,
                               SYS_fallocate,
                               SYS_open_by_handle_at,
                               SYS_fanotify_init,
                               SYS_ioctl,
                               SYS_fcntl,
                               SYS_perf_event_open,
                               SYS_bpf,
                               SYS_init_module,
                               SYS_finit_module,
                               SYS_kexec_load,
                               SYS_kexec_file_load,
                               SYS_unshare,
                               SYS_setns,
                               SYS_mount,
                               SYS_umount2,
                               SYS_pivot_root,
                               SYS_open_tree,
                               SYS_move_mount,
                               SYS_fsopen,
                               SYS_fsconfig,
                               SYS_fsmount,
                               SYS_fspick,
                               SYS_mount_setattr,
                               SYS_clone,
                               SYS_clone3,
                               SYS_rseq,
                               SYS_set_tid_address,
                               SYS_brk};
  enum { N = sizeof names / sizeof names[0] };
  struct rule r[N];
  int trap_arch = new_label(a), allow_all = new_label(a);
  struct checks c;
  new_checks(a, &c);

  ld(a, ARCH);
  jump(a, BPF_JEQ, AUDIT_ARCH_X86_64, -1, trap_arch);
  ld(a, NR);
  jump(a, BPF_JGE, 0x40000000u /* __X32_SYSCALL_BIT */, trap_arch, -1);
  /* Calls newer than the policy (Linux 6.1's last is 450): not reviewed,
   * so absent, as on an older kernel; libc falls back. open_tree_attr
   * (6.15) is a mount call, mseal (6.10) fixes a mapping's rights. */
  int newer = new_label(a);
  jump(a, BPF_JGE, BH_NEWER_THAN_POLICY, newer, -1);
  for (int i = 0; i < N; i++) {
    r[i].nr = names[i];
    r[i].label = new_label(a);
  }
  for (int i = 1; i < N; i++) /* sorted by number, for the search */
    for (int j = i; j > 0 && r[j - 1].nr > r[j].nr; j--) {
      struct rule t = r[j];
      r[j] = r[j - 1], r[j - 1] = t;
    }
  dispatch(a, r, N, allow_all);
  bind(a, allow_all);
  ret(a, ALLOW);
  bind(a, trap_arch);
  ret(a, TRAP(BH_R_ARCH));
  bind(a, newer);
  ret(a, SECCOMP_RET_ERRNO | ENOSYS);

  for (int i = 0; i < N; i++) {
    long nr = r[i].nr;
    bind(a, r[i].label);
    int notify = new_label(a), allow = new_label(a), fix0 = a->nfix;
    switch (nr) {
    case SYS_ptrace:
    case SYS_process_vm_readv:
    case SYS_process_vm_writev:
    case SYS_process_madvise:
      ret(a, TRAP(BH_R_PTRACE));
      break;
    /* Root took the supervisor's seccomp listener from a fork of the
     * supervisor's (review 32, attacks-rev32-supervisor-listener.c). */
    case SYS_pidfd_getfd:
      ret(a, TRAP(BH_R_GETFD));
      break;
    /* Root typed a command into the console through the keyboard
     * controller's ports (review 34, attacks-rev34-keyboard-port.c). */
    case SYS_iopl:
    case SYS_ioperm:
      ret(a, TRAP(BH_R_PORTS));
      break;
    case SYS_io_uring_setup:
    case SYS_io_uring_enter:
    case SYS_io_uring_register:
      ret(a, TRAP(BH_R_URING));
      break;
    case SYS_userfaultfd:
      ret(a, TRAP(BH_R_UFFD));
      break;
    case SYS_remap_file_pages:
      ret(a, TRAP(BH_R_REMAP));
      break;
    case SYS_seccomp: { /* a listener of its own would answer for ours */
      int t = new_label(a), install = new_label(a);
      ld(a, ARG_LO(1));
      jump(a, BPF_JSET, SECCOMP_FILTER_FLAG_NEW_LISTENER, t, -1);
      /* A filter, or strict mode: only the supervisor's filter, from its
       * page, for every thread (docs/shared-objects.md, step 6, piece 4:
       * the supervisor counts our filters, so no other may come); the
       * supervisor refuses the rest for our process. Queries go on. */
      ld(a, ARG_LO(0));
      jump(a, BPF_JEQ, SECCOMP_SET_MODE_FILTER, install, -1);
      jump(a, BPF_JEQ, SECCOMP_SET_MODE_STRICT, notify, allow);
      bind(a, install);
      ld(a, ARG_LO(1));
      jump(a, BPF_JEQ, SECCOMP_FILTER_FLAG_TSYNC, -1, notify);
      ld(a, ARG_LO(2));
      jump(a, BPF_JEQ, (uint32_t)p->filter_page, -1, notify);
      ld(a, ARG_HI(2));
      jump(a, BPF_JEQ, (uint32_t)((uint64_t)p->filter_page >> 32), allow,
           notify);
      bind(a, t);
      ret(a, TRAP(BH_R_LISTENER));
      break;
    }
    case SYS_prctl: {
      int sud = new_label(a); /* an int: the kernel ignores the high word */
      ld(a, ARG_LO(0));
      jump(a, BPF_JEQ, PR_SET_SYSCALL_USER_DISPATCH, sud, -1);
      jump(a, BPF_JEQ, PR_SET_MM_, sud, -1);
      jump(a, BPF_JEQ, PR_SET_SECCOMP_, notify, -1); /* as seccomp's */
      int dumpable = new_label(a);
      jump(a, BPF_JEQ, PR_SET_DUMPABLE_, dumpable, -1);
      jump(a, BPF_JEQ, PR_SET_PTRACER_, -1, allow);
      ld(a, ARG_LO(1)); /* the supervisor (a fork names it again) */
      jump(a, BPF_JEQ, (uint32_t)p->supervisor, allow, notify);
      bind(a, dumpable); /* not dumpable, the supervisor could not read it */
      ld(a, ARG_LO(1));
      jump(a, BPF_JEQ, 1, allow, notify);
      bind(a, sud);
      ret(a, TRAP(BH_R_SUD));
      break;
    }
    case SYS_kill:
    case SYS_tkill:
    case SYS_tgkill:
    case SYS_rt_sigqueueinfo:
    case SYS_rt_tgsigqueueinfo:
    case SYS_pidfd_open: {
      /* the supervisor, its process group (its pid), or every process */
      int t = new_label(a);
      ld(a, ARG_LO(0));
      jump(a, BPF_JEQ, (uint32_t)p->supervisor, t, -1);
      if (nr == SYS_kill) {
        jump(a, BPF_JEQ, (uint32_t)-p->supervisor, t, -1);
        jump(a, BPF_JEQ, (uint32_t)-1, t, -1);
      }
      /* Any other positive id may be a thread of the supervisor's (its
       * open and learning threads), and a signal to one reaches the whole
       * supervisor: kill, tkill and rt_sigqueueinfo of a signal (not 0)
       * go to the supervisor, which refuses its own ids (review 31,
       * attacks-rev31-supervisor-thread-kill.c). tgkill and
       * rt_tgsigqueueinfo name the thread's group too, checked above. */
      if (nr == SYS_kill || nr == SYS_tkill || nr == SYS_rt_sigqueueinfo) {
        jump(a, BPF_JEQ, 0, allow, -1);
        jump(a, BPF_JSET, 0x80000000u, allow, -1);
        ld(a, ARG_LO(1));
        jump(a, BPF_JEQ, 0, allow, notify);
      } else
        ja(a, allow);
      bind(a, t);
      ret(a, TRAP(BH_R_SUPERVISOR));
      break;
    }
    case SYS_prlimit64: {
      /* Setting another process's limits is refused: any thread id may
       * be the supervisor's, also one it makes after a check (reviews 27
       * and 28: with few descriptors left, its checks could not look).
       * Its own (pid 0) and queries go on, but for its core-dump limit,
       * which stays as install_filter set it (1: no dump, to a file or a
       * pipe): a dump reads memory with the PKRU of the thread that dumps,
       * which the default domain chooses (review 31). EPERM, not a stop:
       * programs lower it to 0 as a habit. */
      int refuse = new_label(a), set = new_label(a), core = new_label(a);
      ld(a, ARG_LO(2));
      jump(a, BPF_JEQ, 0, -1, set);
      ld(a, ARG_HI(2));
      jump(a, BPF_JEQ, 0, allow, set);
      bind(a, set);
      ld(a, ARG_LO(0));
      jump(a, BPF_JEQ, 0, -1, refuse);
      ld(a, ARG_LO(1));
      jump(a, BPF_JEQ, RLIMIT_CORE, core, allow);
      bind(a, refuse);
      ret(a, TRAP(BH_R_LIMITS));
      bind(a, core);
      ret(a, SECCOMP_RET_ERRNO | EPERM);
      break;
    }
    /* libc sets limits with prlimit64, above; the old call is refused
     * whole (one instruction, from when the filter was near its 4096). */
    case SYS_setrlimit:
      ret(a, TRAP(BH_R_CORE));
      break;
    case SYS_pkey_alloc:
    case SYS_pkey_free:
    case SYS_pkey_mprotect:
    case SYS_perf_event_open:
    case SYS_bpf:
    case SYS_init_module:
    case SYS_finit_module:
    case SYS_kexec_load:
    case SYS_kexec_file_load:
      ja(a, notify); /* denied for our process; the supervisor decides */
      break;
    /* A mount or user namespace of its own lets the program put a process's
     * memory file under another name (found in review). */
    case SYS_unshare:
    case SYS_setns:
    case SYS_mount:
    case SYS_umount2:
    case SYS_pivot_root:
    case SYS_open_tree:
    case SYS_move_mount:
    case SYS_fsopen:
    case SYS_fsconfig:
    case SYS_fsmount:
    case SYS_fspick:
    case SYS_mount_setattr:
      ja(a, notify); /* denied for our process; the supervisor decides */
      break;
    case SYS_clone: {
      int tids = new_label(a);
      /* Also a process that shares our memory under another parent: the
       * supervisor refuses stack take-overs to a process that shares its
       * parent's memory (review), and must see that parent. */
      ld(a, ARG_LO(0));
      jump(a, BPF_JSET, BH_CLONE_NEW_ANY, notify, -1);
      /* Another process sharing our descriptors could swap the file an
       * executable mapping names while the supervisor scans it
       * (supervisor-exec.c stops only the process's threads). */
      int vm = new_label(a), files = new_label(a);
      jump(a, BPF_JSET, CLONE_FILES, files, vm);
      bind(a, files);
      jump(a, BPF_JSET, CLONE_THREAD, vm, notify);
      bind(a, vm);
      jump(a, BPF_JSET, CLONE_VM, -1, tids);
      jump(a, BPF_JSET, CLONE_PARENT, notify, -1);
      /* Words the kernel writes (the child's at its exit, with the PKRU it
       * dies with): not in protected memory (review). */
      bind(a, tids);
      check_clone_words(a, &c);
      break;
    }
    case SYS_set_tid_address:
      word(a, 0, 0);
      ja(a, c.from[0]);
      break;
    /* brk's shrink unmaps every mapping below the old break, not only the
     * heap's: a late object placed in a hole of the heap went that way
     * (review 46, attacks-rev46-brk-unmap.c). The query (0) goes on; a
     * move goes to the supervisor, which fails it for our process (its
     * break stays where start-up left it) and lets other programs' go on. */
    case SYS_brk:
      ld(a, ARG_LO(0));
      jump(a, BPF_JEQ, 0, -1, notify);
      ld(a, ARG_HI(0));
      jump(a, BPF_JEQ, 0, allow, notify);
      break;
    case SYS_clone3: /* its flags are in memory: libc falls back to clone */
      ret(a, SECCOMP_RET_ERRNO | ENOSYS);
      break;
    case SYS_rseq: /* its abort would move a compartment's thread (rseq.c) */
      ret(a, SECCOMP_RET_ERRNO | ENOSYS);
      break;
    case SYS_personality:
      ld(a, ARG_LO(0));
      jump(a, BPF_JEQ, 0xffffffffu, allow, notify);
      break;
    case SYS_mprotect:
      ld(a, ARG_LO(2));
      jump(a, BPF_JSET, PROT_EXEC, notify, -1);
      check_range(a, c.unkeyed); /* a keyed page keeps its key */
      break;
    case SYS_mmap:
      /* New code: refused if writable or anonymous, scanned if from a
       * file (supervisor-exec.c). */
      ld(a, ARG_LO(2));
      jump(a, BPF_JSET, PROT_EXEC, notify, -1);
      ld(a, ARG_LO(3));
      jump(a, BPF_JSET, MAP_FIXED | MAP_FIXED_NOREPLACE, -1, allow);
      check_range(a, c.from[0]);
      break;
    case SYS_munmap:
    case SYS_madvise:
      check_range(a, c.from[0]);
      break;
    case SYS_mremap: {
      /* Growing a mapping (or copying one, old length 0) maps more of its
       * file: of an executable one, bytes the supervisor never scanned. */
      int low = new_label(a), grow = new_label(a), ranges = new_label(a);
      /* A move may put executable code beside other code: a WRPKRU
       * split over two mappings (review 3); the supervisor refuses moves
       * of executable mappings. */
      ld(a, ARG_LO(3));
      jump(a, BPF_JSET, MREMAP_MAYMOVE_, grow, -1);
      /* An old length within a page of 2^64 is 0 once the kernel rounds
       * it up: a copy, whatever the raw numbers say (review 3). */
      ld(a, ARG_HI(1));
      jump(a, BPF_JEQ, 0xffffffffu, grow, -1);
      emit(a, BPF_MISC | BPF_TAX, 0);
      ld(a, ARG_HI(2));
      jump_x(a, BPF_JGT, grow, -1);
      jump_x(a, BPF_JEQ, low, ranges);
      bind(a, low);
      ld(a, ARG_LO(1));
      emit(a, BPF_MISC | BPF_TAX, 0);
      ld(a, ARG_LO(2));
      jump_x(a, BPF_JGT, grow, ranges);
      bind(a, grow);
      ja(a, notify);
      bind(a, ranges);
      check_mremap(a, &c);
      break;
    }
    case SYS_shmat:
      ld(a, ARG_LO(2));
      jump(a, BPF_JSET, SHM_REMAP | SHM_EXEC, notify, allow);
      break;
    case SYS_open:
    case SYS_openat: {
      /* Neither O_PATH nor a directory can be a memory file that reads. */
      ld(a, ARG_LO(nr == SYS_open ? 1 : 2));
      jump(a, BPF_JSET, O_PATH_ | O_DIRECTORY_, allow, notify);
      break;
    }
    /* Truncations may drop the copies of checked code (supervisor-
     * truncate.c): judged and made by the supervisor. fallocate only when
     * it moves the file's bytes (collapse, insert: truncate_pagecache). */
    case SYS_fallocate:
      ld(a, ARG_LO(1));
      jump(a, BPF_JSET, FALLOC_FL_COLLAPSE_RANGE_ | FALLOC_FL_INSERT_RANGE_,
           notify, allow);
      break;
    /* An open by handle is not the supervisor's to make (it opens no
     * path), so its O_TRUNC, which would drop those copies too, is
     * refused here (review 16, attacks-rev16-handle-trunc.c), and so is
     * any open for writing: the kernel settings and devices the supervisor
     * refuses have handles too (cgroup v1, devtmpfs: review 37,
     * attacks-rev37-handle-release-agent.c). */
    case SYS_open_by_handle_at: {
      int access = new_label(a);
      ld(a, ARG_LO(2));
      jump(a, BPF_JSET, O_TRUNC_, -1, access);
      ret(a, TRAP(BH_R_HANDLE_TRUNC));
      bind(a, access);
      jump(a, BPF_JSET, 3 /* O_WRONLY, O_RDWR */, -1, allow);
      ret(a, SECCOMP_RET_ERRNO | EPERM);
      break;
    }
    /* A watcher of opens gets its own descriptor of each file opened, made
     * by the kernel: every open the supervisor makes and then refuses
     * (review 37, attacks-rev37-fanotify-mem.c). */
    case SYS_fanotify_init:
      ret(a, SECCOMP_RET_ERRNO | EPERM);
      break;
    case SYS_truncate:
    case SYS_ftruncate:
    case SYS_openat2:
    case SYS_creat:
    /* Its target is a descriptor (a pidfd, or /proc/<pid>): the
     * supervisor looks at a copy of it (review 2). */
    case SYS_pidfd_send_signal:
      ja(a, notify);
      break;
    /* userfaultfd's requests (type 0xAA): Linux 6.1 also hands out a
     * userfaultfd through /dev/userfaultfd's USERFAULTFD_IOC_NEW, past
     * the refusal of the system call (review 30). Input pushed into a
     * terminal (TIOCSTI; TIOCLINUX pastes a console's selection; a
     * console's keymap types a string for the user's next key) is run by
     * the shell that reads it, outside the filter (reviews 33, 34). */
    case SYS_ioctl: {
      int typed = new_label(a);
      ld(a, ARG_LO(0));
      jump(a, BPF_JEQ, BH_REQUEST_FD, notify, -1);
      ld(a, ARG_LO(1));
      /* a socket's owner, from memory: see fcntl below */
      jump(a, BPF_JEQ, FIOSETOWN_, notify, -1);
      jump(a, BPF_JEQ, SIOCSPGRP_, notify, -1);
      jump(a, BPF_JEQ, TIOCSTI, typed, -1);
      jump(a, BPF_JEQ, TIOCLINUX, typed, -1);
      jump(a, BPF_JEQ, KDSKBENT, typed, -1); /* a key's meaning */
      jump(a, BPF_JEQ, KDSKBSENT, typed, -1); /* a function key's string */
      jump(a, BPF_JEQ, KDSETKEYCODE, typed, -1);
      emit(a, BPF_ALU | BPF_AND | BPF_K, 0xff00);
      jump(a, BPF_JEQ, 0xAA00, -1, allow);
      ret(a, TRAP(BH_R_UFFD));
      bind(a, typed);
      ret(a, TRAP(BH_R_TERMINAL));
      break;
    }
    /* A file's owner gets SIGIO (or F_SETSIG's signal, SIGKILL too) for
     * an O_ASYNC file's events: no owner may be the supervisor
     * (attacks-sigio-supervisor.c; supervisor-signal.c
     * bh_supervise_owner). F_SETOWN's id is a register, an int: its pid
     * and group are refused here, 0 (none) and other groups go on, other
     * positive ids (a supervisor thread's?) go to the supervisor, as
     * kill's. F_SETOWN_EX's is in memory: the supervisor makes the call.
     * F_NOTIFY and F_SETLEASE make the caller the owner. */
    case SYS_fcntl: {
      int t = new_label(a);
      ld(a, ARG_LO(1));
      jump(a, BPF_JEQ, F_SETOWN_EX_, notify, -1);
      jump(a, BPF_JEQ, F_SETOWN_, -1, allow);
      ld(a, ARG_LO(2));
      jump(a, BPF_JEQ, (uint32_t)p->supervisor, t, -1);
      jump(a, BPF_JEQ, (uint32_t)-p->supervisor, t, -1);
      jump(a, BPF_JEQ, 0, allow, -1);
      jump(a, BPF_JSET, 0x80000000u, allow, notify);
      bind(a, t);
      ret(a, TRAP(BH_R_SUPERVISOR));
      break;
    }
    }
    /* A block's own returns, only those it jumps to: instructions are
     * few (4096 at most), and many blocks trap or notify only. */
    if (jumps_to(a, fix0, notify)) {
      bind(a, notify);
      ret(a, NOTIFY);
    }
    if (jumps_to(a, fix0, allow)) {
      bind(a, allow);
      ret(a, ALLOW);
    }
  }
  range_checks(a, p, &c, NOTIFY);
  return finish(a);
}

/* A length whose high word has its top bit set: refused outright, so no
 * end past 2^64 wraps below the range (the kernel refuses such calls
 * anyway, or rounds them to 0). */
static void huge_len(struct as *a, int y, int refuse) {
  ld(a, ARG_HI(y));
  jump_far(a, BPF_JGE, 0x80000000u, refuse, -1);
}

int bh_build_object_filter(uintptr_t lo, uintptr_t hi, struct sock_filter *out,
                           int max) {
  static struct as as; /* large; the supervisor builds one at a time */
  static struct bh_policy p;
  struct as *a = &as;
  a->f = out, a->max = max, a->n = 0, a->bad = 0, a->nlabels = 0, a->nfix = 0;
  p.n = 1;
  p.r[0] = (struct bh_range){lo, hi, 0, 0};
  /* pkey_mprotect goes on to the first filter, which sends every one to
   * the supervisor (its key rules: supervisor-keys.c). */
  static const long names[] = {SYS_munmap,         SYS_madvise, SYS_mprotect,
                               SYS_mmap,           SYS_mremap,  SYS_clone,
                               SYS_set_tid_address};
  enum { N = sizeof names / sizeof names[0] };
  struct rule r[N];
  int refuse = new_label(a), allow = new_label(a);
  struct checks c;
  new_checks(a, &c);
  ld(a, ARCH); /* the first filter traps every other */
  jump_far(a, BPF_JEQ, AUDIT_ARCH_X86_64, -1, allow);
  ld(a, NR);
  for (int i = 0; i < N; i++)
    r[i].nr = names[i], r[i].label = new_label(a);
  for (int i = 1; i < N; i++)
    for (int j = i; j > 0 && r[j - 1].nr > r[j].nr; j--) {
      struct rule t = r[j];
      r[j] = r[j - 1], r[j - 1] = t;
    }
  dispatch(a, r, N, allow);
  for (int i = 0; i < N; i++) {
    bind(a, r[i].label);
    switch (r[i].nr) {
    case SYS_mmap:
      ld(a, ARG_LO(3));
      jump_far(a, BPF_JSET, MAP_FIXED | MAP_FIXED_NOREPLACE, -1, allow);
      /* fall through */
    case SYS_mprotect:
      /* Making code executable goes on to the first filter, which sends
       * it to the supervisor (piece 6 decides it there). */
      if (r[i].nr == SYS_mprotect) {
        ld(a, ARG_LO(2));
        jump_far(a, BPF_JEQ, PROT_READ | PROT_EXEC, allow, -1);
      }
      /* fall through */
    case SYS_munmap:
    case SYS_madvise:
      huge_len(a, 1, refuse);
      check_range(a, c.from[0]);
      break;
    case SYS_mremap:
      huge_len(a, 1, refuse);
      huge_len(a, 2, refuse);
      check_mremap(a, &c);
      break;
    case SYS_clone: /* words the kernel writes */
      check_clone_words(a, &c);
      break;
    case SYS_set_tid_address:
      word(a, 0, 0);
      ja(a, c.from[0]);
      break;
    }
  }
  bind(a, refuse);
  ret(a, TRAP(BH_R_PROTECTED));
  bind(a, allow);
  ret(a, ALLOW);
  range_checks(a, &p, &c, TRAP(BH_R_PROTECTED));
  return finish(a);
}
