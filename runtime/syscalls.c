/*
 * syscalls.c - system-call mediation, on by default in every program with a
 * compartment (docs/hardening.md).
 *
 * An attacker who controls the default domain's program counter does not
 * need Bulkhead's gates: the kernel will re-tag a compartment's pages
 * (pkey_mprotect), read them (/proc/self/mem, process_vm_readv), or swap
 * them (munmap + mmap) for anyone who asks. So after start-up, before main,
 * the runtime installs a seccomp filter on every thread (bpf.c) and forks a
 * supervisor process (supervisor.c) that decides what the filter cannot.
 * Whatever the program does later, it cannot undo either: the filter is
 * the kernel's, and the supervisor has its own address space.
 *
 * A refused call stops the process with one line: calls the filter refuses
 * outright raise SIGSYS, reported here; calls the supervisor refuses are
 * reported by it. The opt-out is the driver's -fno-pkey-syscall-filter,
 * recorded in the binary as __bulkhead_syscall_filter_off.
 */
#define _GNU_SOURCE
#include "syscalls.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

#ifndef SECCOMP_FILTER_FLAG_NEW_LISTENER
#define SECCOMP_FILTER_FLAG_NEW_LISTENER (1UL << 3)
#endif
#ifndef SECCOMP_FILTER_FLAG_TSYNC_ESRCH
#define SECCOMP_FILTER_FLAG_TSYNC_ESRCH (1UL << 4)
#endif
#ifndef SYS_SECCOMP
#define SYS_SECCOMP 1
#endif

/* Defined (by the driver, -fno-pkey-syscall-filter) to turn the filter off. */
extern const char bh_filter_off[] __asm__("__bulkhead_syscall_filter_off")
    __attribute__((weak));

static struct {
  struct bh_policy p;
  char pad[BH_PAGE - sizeof(struct bh_policy) % BH_PAGE];
} policy __attribute__((aligned(BH_PAGE)));
const struct bh_policy *const bh_policy = &policy.p;

_Static_assert(sizeof policy % BH_PAGE == 0, "the policy fills whole pages");

/* The page policy.p.filter_page names: in the executable, so inside its
 * protected range; read-only from before the filter. */
static char filter_page[BH_PAGE] __attribute__((aligned(BH_PAGE)));

const char *bh_reason_text(int reason) {
  switch (reason) {
  case BH_R_ARCH:
    return "only x86-64 system calls are allowed (an i386 or x32 entry point "
           "bypasses the x86-64 rules)";
  case BH_R_PTRACE:
    return "reading or writing a process's memory through the kernel ignores "
           "protection keys";
  case BH_R_URING:
    return "io_uring makes system calls the filter never sees";
  case BH_R_UFFD:
    return "userfaultfd lets the program supply the contents of protected "
           "pages";
  case BH_R_SECCOMP:
    return "the program installs no seccomp filter but the one the supervisor "
           "wrote for an object it registers";
  case BH_R_LISTENER:
    return "a seccomp listener of the program's own would answer for the "
           "supervisor";
  case BH_R_SUD:
    return "Syscall User Dispatch and PR_SET_MM change how the process meets "
           "the kernel";
  case BH_R_SUPERVISOR:
    return "the supervisor decides what the filter cannot; the program may not "
           "signal it";
  case BH_R_REMAP:
    return "remap_file_pages rearranges pages behind the filter's address "
           "checks";
  case BH_R_PKEY:
    return "only the runtime allocates keys and tags memory, before main";
  case BH_R_PROTECTED:
    return "compartment, runtime and loaded-object memory may not be unmapped, "
           "remapped, re-protected or advised away";
  case BH_R_EXEC:
    return "new executable memory could hold an unvetted WRPKRU "
           "(writable-and-executable, anonymous or made executable later)";
  case BH_R_PERSONALITY:
    return "a personality (READ_IMPLIES_EXEC) changes what the memory rules "
           "mean";
  case BH_R_PTRACER:
    return "it would let another process attach to this one";
  case BH_R_SHM:
    return "SHM_REMAP replaces mappings the filter cannot see";
  case BH_R_MEMFILE:
    return "reading or writing a process's memory through the kernel ignores "
           "protection keys";
  case BH_R_SPELLING:
    return "the path reaches procfs through a link or a mount the "
           "supervisor cannot follow for the caller";
  case BH_R_UNREADABLE:
    return "the supervisor cannot read the call's arguments";
  case BH_R_TID_WORD:
    return "the kernel writes that thread-id word (at the task's exit, with "
           "the rights it dies with) into protected memory";
  case BH_R_TRUNCATE:
    return "the file is mapped executable (or is a registered object's) in a "
           "process under the supervisor: truncating it would drop the "
           "copies the supervisor checked, and the next access would read "
           "the file again";
  case BH_R_LIMITS:
    return "setting another process's resource limits: any thread id may "
           "be the supervisor's, whose checks need descriptors";
  case BH_R_CORE:
    return "the old setrlimit call could raise the core-dump limit, and a "
           "core dump reads memory with the rights of the thread that dumps "
           "(libc's setrlimit uses prlimit64)";
  case BH_R_GETFD:
    return "taking another process's descriptor could take the "
           "supervisor's (its seccomp listener, from a fork of its own)";
  case BH_R_DEVICE:
    return "the device writes physical memory or types input that a "
           "process outside the filter runs (/dev/mem, /dev/kmem, /dev/port, "
           "/dev/uinput, /dev/input)";
  case BH_R_CGROUP:
    return "a cgroup v2 file moves, kills, freezes or starves the processes "
           "of a cgroup, and the supervisor can be moved into one";
  case BH_R_PORTS:
    return "port I/O reaches devices outside the keys (a keyboard "
           "controller types into a terminal; a device's DMA writes memory)";
  case BH_R_TERMINAL:
    return "input pushed into a terminal (TIOCSTI, TIOCLINUX, a console's "
           "keymap) is run by whoever reads it next, a shell outside the "
           "filter";
  case BH_R_KERNEL_SETTING:
    return "a kernel setting (sysctl, sysfs, tracefs, debugfs, binfmt_misc, "
           "cgroup v1) can have the kernel run a program or a probe outside "
           "the filter";
  case BH_R_HANDLE_TRUNC:
    return "an open by handle with O_TRUNC: the supervisor opens no handle "
           "for the program, so it cannot tell whether the truncation would "
           "drop the copies of code it checked";
  case BH_R_SHARED_FILES:
    return "a process sharing the program's descriptors could swap the file of "
           "an executable mapping while the supervisor scans it";
  case BH_R_SHARED_VM:
    return "a process sharing the program's memory under another parent would "
           "hide that it shares it, and could take over live threads' "
           "compartment stacks";
  case BH_R_NAMESPACE:
    return "a namespace or mount of its own lets the program give a process's "
           "memory file another name";
  case BH_R_KERNEL:
    return "it has the kernel read the process's memory (samples, probes) or "
           "changes the kernel itself";
  case BH_R_DUMPABLE:
    return "a process that is not dumpable is closed to the supervisor, which "
           "must read its paths and stack owners";
  default:
    return "refused by the system-call policy";
  }
}

const char *bh_syscall_name(long nr) {
  switch (nr) {
  case SYS_truncate:
    return "truncate";
  case SYS_ftruncate:
    return "ftruncate";
  case SYS_fallocate:
    return "fallocate";
  case SYS_open_by_handle_at:
    return "open_by_handle_at";
  case SYS_ptrace:
    return "ptrace";
  case SYS_process_vm_readv:
    return "process_vm_readv";
  case SYS_process_vm_writev:
    return "process_vm_writev";
  case SYS_process_madvise:
    return "process_madvise";
  case SYS_io_uring_setup:
    return "io_uring_setup";
  case SYS_io_uring_enter:
    return "io_uring_enter";
  case SYS_io_uring_register:
    return "io_uring_register";
  case SYS_userfaultfd:
    return "userfaultfd";
  case SYS_seccomp:
    return "seccomp";
  case SYS_prctl:
    return "prctl";
  case SYS_remap_file_pages:
    return "remap_file_pages";
  case SYS_kill:
    return "kill";
  case SYS_tkill:
    return "tkill";
  case SYS_tgkill:
    return "tgkill";
  case SYS_rt_sigqueueinfo:
    return "rt_sigqueueinfo";
  case SYS_rt_tgsigqueueinfo:
    return "rt_tgsigqueueinfo";
  case SYS_pidfd_open:
    return "pidfd_open";
  case SYS_pidfd_send_signal:
    return "pidfd_send_signal";
  case SYS_prlimit64:
    return "prlimit64";
  case SYS_setrlimit:
    return "setrlimit";
  case SYS_pidfd_getfd:
    return "pidfd_getfd";
  case SYS_iopl:
    return "iopl";
  case SYS_ioperm:
    return "ioperm";
  case SYS_pkey_alloc:
    return "pkey_alloc";
  case SYS_pkey_free:
    return "pkey_free";
  case SYS_pkey_mprotect:
    return "pkey_mprotect";
  case SYS_personality:
    return "personality";
  case SYS_mprotect:
    return "mprotect";
  case SYS_mmap:
    return "mmap";
  case SYS_munmap:
    return "munmap";
  case SYS_mremap:
    return "mremap";
  case SYS_madvise:
    return "madvise";
  case SYS_shmat:
    return "shmat";
  case SYS_open:
    return "open";
  case SYS_openat:
    return "openat";
  case SYS_openat2:
    return "openat2";
  case SYS_creat:
    return "creat";
  case SYS_ioctl:
    return "ioctl";
  case SYS_fcntl:
    return "fcntl";
  case SYS_perf_event_open:
    return "perf_event_open";
  case SYS_bpf:
    return "bpf";
  case SYS_init_module:
    return "init_module";
  case SYS_finit_module:
    return "finit_module";
  case SYS_kexec_load:
    return "kexec_load";
  case SYS_kexec_file_load:
    return "kexec_file_load";
  case SYS_unshare:
    return "unshare";
  case SYS_setns:
    return "setns";
  case SYS_mount:
    return "mount";
  case SYS_umount2:
    return "umount2";
  case SYS_pivot_root:
    return "pivot_root";
  case SYS_open_tree:
    return "open_tree";
  case SYS_move_mount:
    return "move_mount";
  case SYS_fsopen:
    return "fsopen";
  case SYS_fsconfig:
    return "fsconfig";
  case SYS_fsmount:
    return "fsmount";
  case SYS_fspick:
    return "fspick";
  case SYS_mount_setattr:
    return "mount_setattr";
  case SYS_clone:
    return "clone";
  case SYS_clone3:
    return "clone3";
  case SYS_set_tid_address:
    return "set_tid_address";
  default:
    return NULL;
  }
}

/* ------------------------------------------------------ refused calls */

static void write_call(long nr, const unsigned long *args, int nargs) {
  const char *name = bh_syscall_name(nr);
  if (name) {
    bh_write(name);
  } else {
    bh_write("system call ");
    bh_write_num((unsigned long)nr, 10);
  }
  bh_write("(");
  for (int i = 0; i < nargs; i++) {
    bh_write(i ? ", 0x" : "0x");
    bh_write_num(args[i], 16);
  }
  bh_write(")");
}

/* SIGSYS from the filter: one line, then death by SIGSYS. The call was
 * never made, so a program that skips this handler gains nothing. */
static void report_sigsys(int sig, siginfo_t *si, void *ucv) {
  ucontext_t *uc = ucv;
  if (si->si_code != SYS_SECCOMP) { /* sent by a process: not ours */
    signal(sig, SIG_DFL);
    raise(sig);
    return;
  }
  const greg_t *g = uc->uc_mcontext.gregs;
  unsigned long args[6] = {(unsigned long)g[REG_RDI], (unsigned long)g[REG_RSI],
                           (unsigned long)g[REG_RDX], (unsigned long)g[REG_R10],
                           (unsigned long)g[REG_R8],  (unsigned long)g[REG_R9]};
  bh_write("bulkhead: denied: ");
  if (si->si_arch != (unsigned)AUDIT_ARCH_X86_64) {
    bh_write("a non-x86-64 system call ");
    bh_write_num((unsigned long)si->si_syscall, 10);
  } else {
    write_call(si->si_syscall, args, 4);
  }
  if (!bh_write_running(" from ", uc))
    bh_write(" from code outside every domain");
  bh_write(" \xe2\x80\x94 ");
  bh_write(bh_reason_text(si->si_errno));
  bh_write("\n");
  signal(sig, SIG_DFL);
  raise(sig);
}

/* -------------------------------------------------------------- policy */

static void add_range(uintptr_t lo, uintptr_t hi, int keyed, int reserved) {
  lo &= ~(uintptr_t)(BH_PAGE - 1);
  hi = (hi + BH_PAGE - 1) & ~(uintptr_t)(BH_PAGE - 1);
  if (hi <= lo)
    return;
  /* Adjacent or overlapping ranges of the same kind merge. */
  for (unsigned i = 0; i < policy.p.n; i++) {
    struct bh_range *r = &policy.p.r[i];
    /* Reserved ones stay apart: one line each for BULKHEAD_VERBOSE. */
    if (r->keyed == keyed && !r->reserved && !reserved && lo <= r->hi &&
        r->lo <= hi) {
      r->lo = lo < r->lo ? lo : r->lo;
      r->hi = hi > r->hi ? hi : r->hi;
      return;
    }
  }
  if (policy.p.n >= BH_MAX_RANGES)
    bh_fatal("too many loaded objects for the system-call filter's memory "
             "rules (at most "
             "%d ranges)",
             BH_MAX_RANGES);
  policy.p.r[policy.p.n++] = (struct bh_range){lo, hi, keyed, reserved};
}

/* Every object loaded now: the executable (compartment data, the runtime's
 * read-only pages, its GOT), libc, ld.so, the heap copies, the vDSO. */
static int add_object(struct dl_phdr_info *info, size_t size, void *unused) {
  (void)size, (void)unused;
  uintptr_t lo = UINTPTR_MAX, hi = 0;
  for (int j = 0; j < info->dlpi_phnum; j++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[j];
    if (ph->p_type != PT_LOAD)
      continue;
    uintptr_t a = info->dlpi_addr + ph->p_vaddr;
    if (a < lo)
      lo = a;
    if (a + ph->p_memsz > hi)
      hi = a + ph->p_memsz;
  }
  if (hi > lo)
    add_range(lo, hi, 0, 0);
  return 0;
}

/* Fields WANT[0..N) (ascending) of /proc/<pid>/stat into OUT, 0 where it
 * cannot be read; 0, or -1. No stdio: start-up uses it too. */
static int stat_fields(pid_t pid, const int *want, int n, unsigned long *out) {
  char path[40] = "/proc/", buf[1024];
  char *p = path + 6;
  unsigned long v = (unsigned long)pid;
  char digits[24], *d = digits + sizeof digits;
  *--d = 0;
  do
    *--d = (char)('0' + v % 10);
  while (v /= 10);
  strcpy(p, d);
  strcat(p, "/stat");
  memset(out, 0, (size_t)n * sizeof *out);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  ssize_t r = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (r <= 0)
    return -1;
  buf[r] = 0;
  char *s = strrchr(buf, ')'); /* the command name may hold anything */
  if (!s)
    return -1;
  /* s is at field 2's end; field 3 is the state, a letter */
  int k = 0;
  for (int field = 3; *s && k < n; field++) {
    while (*s == ' ' || *s == ')')
      s++;
    char *e;
    unsigned long x = strtoul(s, &e, 10);
    if (field == want[k])
      out[k++] = x;
    while (*e && *e != ' ')
      e++; /* the state letter, or a number's end */
    s = e;
  }
  return k == n ? 0 : -1;
}

/* Fields 26 (start_code), 47 (start_brk), 48 (arg_start) and 50
 * (env_start) of /proc/<pid>/stat, or 0 where it cannot be read. */
int bh_task_ident(pid_t pid, unsigned long out[BH_IDENT_FIELDS]) {
  static const int want[BH_IDENT_FIELDS] = {26, 47, 48, 50};
  return stat_fields(pid, want, BH_IDENT_FIELDS, out);
}

/* Field 22 (starttime) of /proc/<pid>/stat, or 0: with the id, it names
 * a process once (ids are reused). */
unsigned long long bh_process_start(pid_t pid) {
  static const int want[1] = {22};
  unsigned long start;
  return stat_fields(pid, want, 1, &start) ? 0 : start;
}

static void verbose_policy(void) {
  bh_write("bulkhead: system-call filter installed; supervisor pid ");
  bh_write_num((unsigned long)policy.p.supervisor, 10);
  bh_write(
      "\nbulkhead:   denied outright: ptrace, process_vm_readv/writev, "
      "process_madvise, "
      "io_uring_*, userfaultfd, remap_file_pages, seccomp listeners, "
      "prctl(PR_SET_SYSCALL_USER_DISPATCH, PR_SET_MM), signals to the "
      "supervisor, "
      "i386/x32 calls\n"
      "bulkhead:   denied for this process (supervisor): "
      "pkey_alloc/free/mprotect, "
      "perf_event_open, bpf, init/finit_module, kexec_*, "
      "personality changes, PR_SET_PTRACER, PR_SET_DUMPABLE 0, PROT_EXEC by "
      "mprotect, anonymous or "
      "writable executable mmap, shmat(SHM_REMAP, SHM_EXEC), growing an "
      "executable mapping, "
      "clone(CLONE_FILES) of a process, seccomp filters but the one the "
      "supervisor writes, and these calls on protected memory\n"
      "bulkhead:   scanned by the supervisor: every executable file mapping "
      "(dlopen), "
      "for WRPKRU/XRSTOR/XRSTORS; truncations of such files refused\n");
  for (unsigned i = 0; i < policy.p.n; i++) {
    bh_write("bulkhead:   protected 0x");
    bh_write_num(policy.p.r[i].lo, 16);
    bh_write("-0x");
    bh_write_num(policy.p.r[i].hi, 16);
    bh_write(policy.p.r[i].keyed
                 ? " (compartment heap or stacks: mprotect without PROT_EXEC "
                   "allowed, it keeps the key)\n"
             : policy.p.r[i].reserved
                 ? " (stacks or heap reserved for compartments of objects "
                   "loaded with dlopen: untagged, nothing allowed)\n"
                 : " (loaded object)\n");
  }
  if (bh_state->reserved_keys) {
    bh_write("bulkhead:   keys reserved for compartments of objects loaded "
             "with dlopen (closed in every domain, none given yet):");
    for (int i = 0; i < bh_state->reserved_keys; i++) {
      bh_write(" ");
      bh_write_num((unsigned long)bh_state->reserved_key[i], 10);
    }
    bh_write("\n");
  }
  bh_write("bulkhead:   checked by the supervisor: every open, openat, openat2 "
           "and creat "
           "without O_PATH or O_DIRECTORY (no process memory file of this "
           "process)\n");
}

/* A seccomp filter already there (a hardened program started this one)
 * may refuse ours with SIGSYS: the call then comes back unmade, and this
 * handler says so. Any other filter (a container's, systemd's) lets it
 * through. */
static volatile sig_atomic_t listener_refused;

static void probe_sigsys(int sig, siginfo_t *si, void *ucv) {
  (void)sig, (void)ucv;
  if (si->si_code == SYS_SECCOMP && si->si_syscall == SYS_seccomp)
    listener_refused = 1;
}

static void install_handler(void (*h)(int, siginfo_t *, void *)) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = h;
  sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK;
  sigaction(SIGSYS, &sa, NULL);
}

static int send_fd(int sock, int fd) {
  char data = 'L';
  struct iovec io = {&data, 1};
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } u;
  struct msghdr m = {.msg_iov = &io,
                     .msg_iovlen = 1,
                     .msg_control = u.buf,
                     .msg_controllen = sizeof u.buf};
  struct cmsghdr *c = CMSG_FIRSTHDR(&m);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &fd, sizeof fd);
  return sendmsg(sock, &m, 0) == 1 ? 0 : -1;
}

static __attribute__((noreturn)) void cannot(const char *what) {
  bh_fatal("cannot install the system-call filter (%s: %s); build with "
           "-fno-pkey-syscall-filter to run without it",
           what, strerror(errno));
}

int bh_late_objects_possible(void) { return bh_filter_off != NULL; }
int bh_filter_planned(void) { return bh_filter_off == NULL; }

/* A descriptor open for writing on a kernel setting that runs code
 * outside the filter, or open on a memory file, held from before it
 * (inherited, or opened by a start-up library), would pass the
 * supervisor's refusal of such opens (reviews 30, 37:
 * attacks-rev37-held-mem-fd.c). */
static void refuse_setting_descriptors(void) {
  bh_names_take();
  DIR *d = opendir("/proc/self/fd");
  if (!d)
    cannot("opendir /proc/self/fd");
  for (struct dirent *e; (e = readdir(d));) {
    int fd = atoi(e->d_name), fl, why;
    if (e->d_name[0] == '.' || fd == dirfd(d) ||
        (fl = fcntl(fd, F_GETFL)) < 0 ||
        !((why = bh_kernel_setting(fd, (unsigned)fl, 0, getpid())) ||
          (why = bh_memory_file(fd))))
      continue;
    char link[64], path[256] = "?";
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof path - 1);
    path[n > 0 ? n : 1] = 0;
    bh_fatal("descriptor %d is open on %s: %s", fd, path, bh_reason_text(why));
  }
  closedir(d);
  bh_names_drop();
}

/* After the heaps (constructor 101) and the symbolizer's module list
 * (102), before every other constructor of the program. */
__attribute__((constructor(103))) static void install_filter(void) {
  if (bh_domain_count() == 0 || bh_state->unprotected)
    return;
  if (bh_filter_off) {
    bh_rseq_refuse();
    return;
  }
  const char *v = getenv("BULKHEAD_VERBOSE");
  policy.p.verbose = v && !strcmp(v, "1");
  unsigned long pers = (unsigned long)personality(0xffffffff);
  if (pers & READ_IMPLIES_EXEC)
    bh_fatal(
        "the process runs with READ_IMPLIES_EXEC (an executable stack?); the "
        "system-call filter's rules for executable memory cannot hold");

  policy.p.tgid = getpid();
  /* Objects a start-up library's constructor loaded after the runtime's
   * start-up are in these ranges too, so they get what those loaded
   * before it got (review 22): PLT jumps off writable GOT words, and no
   * PKRU write left usable. */
  uintptr_t lo, hi;
  bh_unwinder_only_libgcc(); /* also no unwinder of theirs (review 30b) */
  bh_plt_read_only(policy.p.verbose, bh_state->plt_lo, bh_state->plt_hi, &lo,
                   &hi);
  add_range(lo, hi, 0, 0);
  /* What start-up libraries' constructors mapped since the first copies
   * (a plugin they dlopened) is copied too (review 29). */
  bh_own_startup_pages(policy.p.verbose);
  bh_neutralise_gadgets(BH_SCAN_FILTER);
  dl_iterate_phdr(add_object, NULL);
  const struct bulkhead_domain *d;
  bh_for_each_domain(i, d) {
    if (d->stack_lo)
      add_range((uintptr_t)(d->stack_lo - BH_ARENA_GUARD),
                (uintptr_t)d->stack_hi, 1, 0);
  }
  bh_heap_region(&lo, &hi);
  if (hi > lo)
    add_range(lo, hi, 1, 0);
  /* Reserved for later compartments: unkeyed, so the filter refuses a
   * plain mprotect there too (key-0 contents put there before the key). */
  add_range(bh_state->arena_lo, bh_state->arena_hi, 0, 1);
  add_range(bh_state->plt_lo, bh_state->plt_hi, 0, 0); /* plt.c */
  add_range(bh_state->unwind_lo, bh_state->unwind_hi, 0, 0); /* unwind-find.c */
  bh_heap_reserved(&lo, &hi);
  add_range(lo, hi, 0, 1);
  if (bh_task_ident(policy.p.tgid, policy.p.ident))
    cannot("reading /proc/self/stat");

  /* No core dump (review 31, attacks-rev31-core-from-vault.c): the kernel
   * reads memory for it with the PKRU of the thread that dumps, and the
   * default domain chooses that thread (a signal to one inside a
   * compartment). 1, not 0: the kernel skips a dump to a file below a
   * page, and a dump to core_pattern's pipe helper only at 1. Where the
   * hard limit is 0 already (no raising it), a pipe helper still gets one
   * (docs/hardening.md). The filter keeps the limit; under a hardened
   * parent's filter (which answers EPERM) it is its 1 already. */
  struct rlimit core = {1, 1}, zero = {0, 0}, now;
  if (setrlimit(RLIMIT_CORE, &core) && setrlimit(RLIMIT_CORE, &zero) &&
      (getrlimit(RLIMIT_CORE, &now) || now.rlim_max > 1))
    cannot("setrlimit RLIMIT_CORE");

  /* Before the supervisor's fork: it writes there. */
  policy.p.filter_page = (uintptr_t)filter_page;
  if (mprotect(filter_page, sizeof filter_page, PROT_READ))
    cannot("mprotect");

  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
    cannot("socketpair");
  const char *failed;
  pid_t sup = bh_supervisor_start(sv[0], sv[1], &failed);
  if (sup < 0)
    cannot(failed);
  close(sv[1]);
  policy.p.supervisor = sup;
  policy.p.on = 1;
  /* Read-only before the filter: afterwards the filter itself refuses an
   * mprotect of the executable's pages. */
  if (mprotect(&policy, sizeof policy, PROT_READ))
    cannot("mprotect");

  static struct sock_filter prog[4096];
  int len = bh_build_filter(&policy.p, prog, 4096);
  if (len < 0) {
    errno = E2BIG;
    cannot("building the filter");
  }
  /* The supervisor reads this process's memory (paths, the stack owners):
   * where Yama restricts ptrace to descendants, it must be named. */
  prctl(PR_SET_PTRACER, (unsigned long)sup, 0, 0, 0);
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
    cannot("PR_SET_NO_NEW_PRIVS");
  struct sock_fprog fprog = {(unsigned short)len, prog};
  install_handler(probe_sigsys);
  long listener =
      syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
              SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_TSYNC |
                  SECCOMP_FILTER_FLAG_TSYNC_ESRCH,
              &fprog);
  if (listener_refused) {
    /* Under a hardened parent's rules, which still apply; this program's
     * own are not installed (docs/hardening.md). The supervisor, given
     * nothing, exits. */
    signal(SIGSYS, SIG_DFL);
    close(sv[0]);
    if (mprotect(&policy, sizeof policy, PROT_READ | PROT_WRITE))
      cannot("mprotect");
    policy.p.on = 0;
    if (mprotect(&policy, sizeof policy, PROT_READ))
      cannot("mprotect");
    if (policy.p.verbose)
      bh_write("bulkhead: a seccomp filter already there (a hardened program "
               "started this "
               "one) refuses a listener; this program runs under that filter's "
               "rules, "
               "without its own\n");
    return;
  }
  if (listener < 0)
    cannot("seccomp");
  install_handler(report_sigsys);
  if (send_fd(sv[0], (int)listener))
    cannot("handing the listener to the supervisor");
  close((int)listener);
  char ok;
  if (read(sv[0], &ok, 1) != 1) /* the supervisor has it */
    cannot("starting the supervisor");
  close(sv[0]);
  /* With the filter in place, new executable memory is the supervisor's
   * to judge, and opens of kernel settings; what was made before it is
   * looked at now (reviews 28, 30). */
  bh_check_exec_memory();
  bh_neutralise_gadgets(BH_SCAN_FILTERED);
  refuse_setting_descriptors();
  if (policy.p.verbose)
    verbose_policy();
}

/* With every signal blocked: a handler would end the wait for the answer
 * (EINTR without SA_RESTART), or have the kernel make the request again
 * after the supervisor had already done it (stacks-claim-signals.c). */
long bh_supervisor_request(int op, long a, long b) {
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  long r;
  do
    r = syscall(SYS_ioctl, BH_REQUEST_FD, (long)op, a, b);
  while (r < 0 && errno == EINTR);
  int err = errno;
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  errno = err;
  return r;
}
