/* syscalls.h - the system-call policy shared by the filter (syscalls.c,
 * bpf.c) and the supervisor process (supervisor.c, supervisor-open.c). */
#ifndef BULKHEAD_SYSCALLS_H
#define BULKHEAD_SYSCALLS_H

#include "internal.h"
#include <linux/seccomp.h>
#include <stdint.h>
#include <sys/types.h>

/* Memory the program may not remap, unmap, re-protect or advise away after
 * start-up. "keyed" ranges (compartment heaps and stack arenas) are tagged
 * with their key page by page: mprotect without PROT_EXEC keeps a page's
 * key, so it is allowed there (the runtime commits and decommits that
 * way); everything else that touches a range goes to the supervisor. */
#define BH_MAX_RANGES 48
struct bh_range {
  uintptr_t lo, hi;
  int keyed;
  /* Reserved for compartments registered later (stack arenas, heap
   * regions: docs/shared-objects.md, step 6, piece 3): PROT_NONE and
   * untagged, so unkeyed for the filter, every call on them refused. */
  int reserved;
};

/* What the supervisor checks a task against to tell our process (or a
 * fork of it) from a program it ran with execve, which inherits the filter:
 * fields of /proc/<pid>/stat that are the kernel's record of the address
 * space (start_code, start_brk, arg_start, env_start). */
#define BH_IDENT_FIELDS 4

struct bh_policy {
  int on;           /* the filter is installed */
  int verbose;      /* BULKHEAD_VERBOSE=1 */
  pid_t tgid;       /* the program */
  pid_t supervisor; /* its supervisor */
  unsigned long ident[BH_IDENT_FIELDS];
  /* The one page from which our process may install a seccomp filter:
   * read-only, inside the executable's protected range, written only by
   * the supervisor (an object's filter: docs/shared-objects.md, step 6,
   * piece 4); zero, an invalid program, between registrations. */
  uintptr_t filter_page;
  unsigned n;
  struct bh_range r[BH_MAX_RANGES];
};
extern const struct bh_policy *const bh_policy BH_HIDDEN;

/* Why a call was refused: SECCOMP_RET_DATA of a trapped call, and the
 * reason the supervisor gives. */
enum bh_reason {
  BH_R_ARCH = 1,    /* not an x86-64 system call */
  BH_R_PTRACE,      /* ptrace, process_vm_readv/writev, process_madvise */
  BH_R_URING,       /* io_uring */
  BH_R_UFFD,        /* userfaultfd */
  BH_R_LISTENER,    /* a seccomp filter with its own listener */
  BH_R_SUD,         /* Syscall User Dispatch, PR_SET_MM */
  BH_R_SUPERVISOR,  /* a signal to the supervisor */
  BH_R_REMAP,       /* remap_file_pages */
  BH_R_PKEY,        /* pkey_alloc/free/mprotect after start-up */
  BH_R_PROTECTED,   /* an mm call on protected memory */
  BH_R_EXEC,        /* new executable memory */
  BH_R_PERSONALITY, /* personality other than the query */
  BH_R_PTRACER,     /* PR_SET_PTRACER */
  BH_R_SHM,         /* shmat with SHM_REMAP */
  BH_R_MEMFILE,     /* an open of a process's memory file */
  BH_R_SPELLING,    /* an open that resolves to the supervisor's /proc */
  BH_R_UNREADABLE,  /* the supervisor cannot read the caller's arguments */
  BH_R_DUMPABLE,    /* PR_SET_DUMPABLE 0 */
  BH_R_KERNEL,      /* perf_event_open, bpf, modules, kexec */
  BH_R_NAMESPACE,   /* new namespaces, mounts */
  BH_R_SHARED_VM,   /* clone(CLONE_VM | CLONE_PARENT) */
  BH_R_TID_WORD, /* a thread-id word the kernel writes, in protected memory */
  BH_R_SHARED_FILES, /* clone(CLONE_FILES) of a process, not a thread */
  BH_R_SECCOMP,      /* a seccomp filter but the supervisor's */
  BH_R_TRUNCATE,     /* truncating a file mapped executable */
  BH_R_HANDLE_TRUNC, /* open_by_handle_at with O_TRUNC */
  BH_R_LIMITS,       /* prlimit64 setting another process's limits */
  BH_R_KERNEL_SETTING, /* a write open of a kernel setting that runs code */
  BH_R_CORE,         /* the old setrlimit (the core-dump limit) */
  BH_R_GETFD,        /* pidfd_getfd */
  BH_R_TERMINAL,     /* ioctl TIOCSTI, TIOCLINUX, keymaps: typing input */
  BH_R_PORTS,        /* iopl, ioperm */
  BH_R_DEVICE,       /* a write open of /dev/mem, /dev/port, /dev/uinput... */
  BH_R_CGROUP,       /* a write open of a cgroup v2 file */
  BH_R_COUNT
};
const char *bh_reason_text(int reason) BH_HIDDEN;
const char *bh_syscall_name(long nr) BH_HIDDEN;

/* The first system call number newer than the policy (Linux 6.1's last
 * is 450): the filter answers these ENOSYS. */
#define BH_NEWER_THAN_POLICY 451

/* The filter program (bpf.c): returns its length, or -1 if the policy does
 * not fit. */
struct sock_filter;
int bh_build_filter(const struct bh_policy *p, struct sock_filter *out,
                    int max) BH_HIDDEN;

/* The filter the supervisor writes for an object registered after
 * start-up (docs/shared-objects.md, step 6, piece 4), stacked on the
 * first: munmap, madvise, mprotect (but to PROT_READ | PROT_EXEC), mmap
 * with MAP_FIXED and mremap of [lo, hi), and the thread-id words the
 * kernel writes there, trap (BH_R_PROTECTED); pkey_mprotect and making
 * code executable go on to the first filter, which sends them to the
 * supervisor. Its length, or -1 if it does not fit. */
int bh_build_object_filter(uintptr_t lo, uintptr_t hi, struct sock_filter *out,
                           int max) BH_HIDDEN;

/* stacks.c's stack-owner table (__bulkhead_stack_owners), which the
 * supervisor writes too: each stack's holder's thread id (0: free), and
 * its claims so far, a claim's number, which no one can make again: after
 * fork the one thread takes over as a new claim. A thread id can come
 * again (the kernel hands a dead thread's to a new one); a claim's number
 * cannot, so the state a stack keeps for its holder (unwind-copy.c) is
 * kept per claim. */
struct bh_owner_table {
  uint32_t tid[BH_MAX_COMPARTMENTS][BH_STACKS_PER_ARENA];
  uint64_t claim[BH_MAX_COMPARTMENTS][BH_STACKS_PER_ARENA];
};

/* The runtime's requests to the supervisor: an ioctl on this descriptor
 * number (never a real one: above any RLIMIT_NOFILE) goes to it. */
#define BH_REQUEST_FD 0x7ffffff3

/* Every namespace a clone can create (<linux/sched.h>). */
#define BH_CLONE_NEW_ANY                                                       \
  (CLONE_NEWNS | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC |  \
   CLONE_NEWUTS | CLONE_NEWCGROUP)
enum bh_request {
  BH_OWNER_CLAIM = 1,
  BH_OWNER_RELEASE,
  BH_OWNER_ADOPT,
  /* A reserved key for a compartment registered later
   * (supervisor-keys.c; docs/shared-objects.md, step 6, piece 3):
   * give(object's base, descriptor) answers the key; done(key) after its
   * four pkey_mprotect calls. */
  BH_KEY_GIVE = 0x4b00,
  BH_KEY_DONE,
  /* The filter for an object registered later (supervisor-filter.c;
   * step 6, piece 4): write(object's base) puts its program into the
   * policy's filter page; the process installs it with
   * seccomp(SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, page);
   * check() proves every thread has it and empties the page. */
  BH_FILTER_WRITE = 0x4b10,
  BH_FILTER_CHECK,
  /* An object registered later, its filter written: words(list, n), the
   * unwinder's values of its type words at the list's n places, each as
   * its relocation gives it (supervisor-unwind.c). */
  BH_UNWIND_WORDS = 0x4b20
};
/* A request to the supervisor (BH_REQUEST_FD), e.g. to set compartment
 * a's stack b's owner: claim (free -> this thread), release (this thread
 * -> free), adopt (after fork: every held stack -> this thread). Its
 * answer, or -1 with errno. A request the kernel makes again (a ptrace
 * stop ended the wait) may find its own work done: a claim is answered 0
 * again, a release's caller looks at the table. */
long bh_supervisor_request(int op, long a, long b) BH_HIDDEN;

/* Forks the supervisor (supervisor.c), in a session of its own, which
 * waits for the listener on theirs, one end of a socket pair; mine is the
 * program's end. Returns its pid, or -1 with errno and *failed naming the
 * call that failed (fork, setsid, setpgid). */
pid_t bh_supervisor_start(int mine, int theirs, const char **failed) BH_HIDDEN;
/* Fields of /proc/<pid>/stat that identify an address space (syscalls.c). */
int bh_task_ident(pid_t pid, unsigned long out[BH_IDENT_FIELDS]) BH_HIDDEN;
/* The supervisor's handling of an open (supervisor-open.c). Answers the
 * notification itself, on this thread, or (inline_, and the open could
 * wait) on one of its own. */
struct seccomp_notif;
/* Whether fd, opened with flags by thread tid of process tgid (tid 0: by
 * the process itself, not for a caller), writes a kernel setting that has
 * the kernel run code outside the filter, a device that writes memory or
 * types input, or another process's procfs files (supervisor-open.c): 0,
 * or the reason. */
int bh_kernel_setting(int fd, unsigned long long flags, pid_t tid,
                      pid_t tgid) BH_HIDDEN;
/* Taken before main, and dropped: what bh_kernel_setting and the judging
 * of procfs opens compare names with (supervisor-open.c). */
void bh_names_take(void) BH_HIDDEN;
void bh_names_drop(void) BH_HIDDEN;
/* Whether open file fd gives a process's memory or the kernel's (a "mem"
 * file, kcore; without a true name, any procfs file only its owner may
 * open): 0, or the reason (supervisor-open.c). */
int bh_memory_file(int fd) BH_HIDDEN;
void bh_supervise_open(int listener, const struct seccomp_notif *n,
                       int inline_) BH_HIDDEN;
/* The supervisor's scan of an executable file mapping (supervisor-exec.c),
 * an mmap with PROT_EXEC of a file, neither anonymous nor writable; it
 * handles the notifications of other processes that come meanwhile with
 * bh_supervisor_handle. */
void bh_supervise_exec(int listener, const struct seccomp_notif *n) BH_HIDDEN;
/* Whether task tid's process could change the bytes of the file open as
 * fd (its stat st): NULL, or why (supervisor-rights.c). Owner, mode,
 * group, ACL and every thread's credentials; a sealed memfd cannot
 * change; a caller that may write every file (root, a capability) passes:
 * piece 6's rule, and the start-up copies' with could_become. New
 * executable mappings do not ask: each is a sealed copy (bh_sealed_copy). */
struct stat;
const char *bh_file_changeable(int fd, const struct stat *st,
                               pid_t tid) BH_HIDDEN;
/* A sealed memfd holding a copy of file fd, named path, open read-only;
 * or -1 (supervisor-sealed.c). */
int bh_sealed_copy(int fd, const char *path) BH_HIDDEN;
/* Puts descriptor copy in slot target of thread tid's table in place of
 * the one it holds, for notification id, keeping the slot's close-on-exec
 * flag and the file position. 0, or -1. */
int bh_swap_in(int listener, uint64_t id, pid_t tid, int target,
               int copy) BH_HIDDEN;
/* Pages of a file mapping made the process's own (supervisor-own.c):
 * every readable, not writable, private page of the span of the object
 * mapped at base in process tgid, written back with its bytes through
 * task tid's memory file, so that a later write to the file does not
 * reach it. 0, or -1 (a page could not be copied). */
int bh_own_object_pages(pid_t tgid, pid_t tid, uintptr_t base) BH_HIDDEN;
void bh_supervisor_handle(int listener, struct seccomp_notif *n) BH_HIDDEN;
/* Opens for the caller of n, as it would (supervisor-open.c): the
 * descriptor, or -1 when n is answered (or will come again). */
struct open_how;
int bh_open_as_caller(int listener, const struct seccomp_notif *n, int inline_,
                      int dirfd, uintptr_t at, struct open_how *how,
                      char raw[4096], int *ours) BH_HIDDEN;

/* The supervisor's file fd (a regular file) opened again with flags, as
 * the caller of n (still in its call): the descriptor, or -errno. */
int bh_reopen_as_caller(int listener, const struct seccomp_notif *n, int fd,
                        int flags) BH_HIDDEN;
/* What /proc/<tid>/fdinfo/<n> says of a descriptor (known: it was read;
 * mode: the file's type, where looked at). */
struct bh_fdinfo {
  unsigned long flags;
  long long pos;
  unsigned long long ino, mnt_id;
  unsigned mode;
  int known;
};
/* fdinfo of descriptor number in thread tid's table: 0, or -1. */
int bh_read_fdinfo(pid_t tid, int number, struct bh_fdinfo *fi) BH_HIDDEN;
/* The caller of n's descriptor number opened again through its own
 * thread's table, with acc (O_RDONLY or O_WRONLY) and its credentials:
 * only a regular file, and only if the caller's descriptor has that
 * access (supervisor-open.c); for a process whose leader has ended.
 * listener -1: the supervisor holds the caller stopped (ptrace), so its
 * number is its own and n need not be still valid. The descriptor, or
 * -errno (-ESRCH: the caller is gone); *fi what the caller's fdinfo said. */
int bh_take_caller_fd(int listener, const struct seccomp_notif *n, int number,
                      int acc, struct bh_fdinfo *fi) BH_HIDDEN;
/* In bh_supervisor_say's child, where pidfd_getfd found no descriptor 2:
 * the caller thread's own descriptor 2 opened again for writing, as
 * bh_take_caller_fd does, a FIFO or pipe and a pseudo-terminal or virtual
 * console too; every other descriptor of the child's closed first. The
 * descriptor, or -1. */
int bh_caller_line_fd(int listener, pid_t tid, uint64_t id) BH_HIDDEN;
/* Whether pidfd_getfd of process tgid reads thread tid's own descriptors:
 * not where the leader has ended (a zombie while its other threads run:
 * its table is gone, review 41), nor for a thread made with CLONE_THREAD
 * but not CLONE_FILES (a table of its own, review 43), nor where kcmp
 * cannot tell. */
int bh_reads_own_table(pid_t tgid, pid_t tid) BH_HIDDEN;
/* Thread tid's state letter (/proc/<tgid>/task/<tid>/stat), or 0. */
char bh_thread_state(pid_t tgid, pid_t tid) BH_HIDDEN;
/* Truncations (supervisor-truncate.c): ftruncate, truncate, fallocate's
 * collapse and insert, judged and made by the supervisor, for every task;
 * an open's O_TRUNC of the supervisor's fd (accmode the caller's): 0 if
 * done and the open goes on, 1 if n was answered. */
void bh_supervise_truncate(int listener, const struct seccomp_notif *n) BH_HIDDEN;
int bh_supervise_truncate_open(int listener, const struct seccomp_notif *n,
                               int fd, int accmode, const char *path) BH_HIDDEN;
/* Whether shortening the file open as fd (st) to len would drop checked
 * copies (so the supervisor refuses it): the file is mapped executable in
 * one of our processes, or a living one registered an object from it.
 * moves: the call shifts the file's bytes (fallocate's collapse or
 * insert), whatever len. Called alone by bench/truncate. */
struct stat;
int bh_truncation_drops(int fd, const struct stat *st, long long len,
                        int moves) BH_HIDDEN;
/* pidfd_send_signal, for every task (supervisor-signal.c). */
void bh_supervise_signal(int listener, const struct seccomp_notif *n) BH_HIDDEN;
/* kill, tkill, rt_sigqueueinfo of another id: not to a supervisor thread
 * (supervisor-signal.c). */
void bh_supervise_kill(int listener, const struct seccomp_notif *n) BH_HIDDEN;
/* fcntl F_SETOWN, F_SETOWN_EX, ioctl FIOSETOWN, SIOCSPGRP: no file's
 * owner is the supervisor (supervisor-signal.c). */
void bh_supervise_owner(int listener, const struct seccomp_notif *n) BH_HIDDEN;
/* Whether [a, a + len) of process tgid touches compartment memory, judged
 * as an open's path is (supervisor-open.c): only in our process. */
int bh_supervisor_in_compartments(pid_t tgid, uintptr_t a, size_t len) BH_HIDDEN;
/* Threads it stopped that sleep in the kernel: let go when they stop. */
void bh_exec_reap(void) BH_HIDDEN;
/* Whether the mapping holding addr in task tid's memory is executable (unknown:
 * yes, the stricter answer). */
int bh_executable_at(pid_t tid, uint64_t addr) BH_HIDDEN;
int bh_exec_pending(void) BH_HIDDEN;
/* Shared by the supervisor's files: one line "bulkhead: denied: ..." for
 * task n, then the end of its process if it is ours; answers n with
 * -EPERM. */
void bh_supervisor_deny(int listener, const struct seccomp_notif *n, int ours,
                        int reason, const char *detail) BH_HIDDEN;
/* The PKRU thread tid runs with, read by stopping it (which interrupts its
 * system call; the kernel makes it again): 0, or -1 (supervisor-open.c). */
int bh_task_pkru(pid_t tid, uint32_t *pkru) BH_HIDDEN;
/* If a PKRU learner holds thread tid under ptrace, lets it go (the open it
 * learnt for comes again, to be learnt anew): 0 once it has, -1 if none
 * holds it or it did not within 2 s (supervisor-open.c). */
int bh_learner_let_go(pid_t tid) BH_HIDDEN;
/* The same for a thread the supervisor already holds stopped. */
int bh_stopped_pkru(pid_t tid, uint32_t *pkru) BH_HIDDEN;
/* The domain of thread tid with PKRU pkru, as text for a report: the
 * start-up table's, or one its process registered later. */
void bh_domain_text(pid_t tid, int pkru_known, uint32_t pkru, char *out,
                    size_t size) BH_HIDDEN;
/* Writes len bytes of line to the standard error of tid's process;
 * listener and id: the notification of tid's call, checked still pending
 * where the caller's descriptor 2 is opened again (listener -1: not). */
void bh_supervisor_say(pid_t tid, int listener, uint64_t id,
                       const char *line, size_t len) BH_HIDDEN;
int bh_notif_respond(int listener, uint64_t id, long val, int error,
                     int cont) BH_HIDDEN;
/* Reads len bytes at addr of task tid; 0 or -1. */
int bh_task_read(pid_t tid, uintptr_t addr, void *buf, size_t len) BH_HIDDEN;
pid_t bh_task_tgid(pid_t tid) BH_HIDDEN;
/* Whether errno says the supervisor itself lacks what it needs to look
 * (descriptors, memory), rather than that the thing looked at is gone:
 * such a look answers as the stricter case (review 27). */
int bh_cannot_look(void) BH_HIDDEN;
/* Whether some live task of process tgid shares task tid's memory (kcmp
 * of each thread: a process whose leader ended has none of its own): 1,
 * 0, -1 if a thread could not be compared (one reaped meanwhile shares
 * nothing), -2 if the supervisor could not look (bh_cannot_look). */
int bh_tgid_shares_memory_of(pid_t tgid, pid_t tid) BH_HIDDEN;
/* Calls fn(p, arg) for each process p of the system, other than tgid and
 * the supervisor, that shares task tid's memory (a vfork child, a
 * clone(CLONE_VM) relative); stops at fn's first non-zero answer and
 * returns it: 0 after a whole walk, -1 if /proc or a process cannot be
 * read for lack of descriptors or memory. */
int bh_each_sharer(pid_t tgid, pid_t tid, int (*fn)(pid_t p, void *arg),
                   void *arg) BH_HIDDEN;
/* Whether another process shares process tgid's memory (task tid's):
 * its parent or any other (unreadable: yes) (supervisor.c). */
int bh_shares_memory(pid_t tgid, pid_t tid) BH_HIDDEN;
/* Reserved keys given to compartments registered later
 * (supervisor-keys.c): the BH_KEY_* requests and pkey_mprotect, answered
 * here; whether an mprotect (without PROT_EXEC) is on a given key's arena
 * or heap region whose pages all carry it. */
void bh_supervise_key_request(int listener,
                              const struct seccomp_notif *n) BH_HIDDEN;
void bh_supervise_pkey_mprotect(int listener,
                                const struct seccomp_notif *n) BH_HIDDEN;
int bh_keys_allow_mprotect(const struct seccomp_notif *n) BH_HIDDEN;
/* The key of the compartment registered after start-up whose memory holds
 * address a in process tgid, by the supervisor's own records (never the
 * program's memory): a given key's stack arena or heap region, the data
 * of a grant under way or recorded for tgid, or recorded for another
 * process where tgid's page carries that key (a fork made after the
 * grant; /proc/<tgid>/smaps); 0 if none. */
int bh_keys_key_at(pid_t tgid, uintptr_t a) BH_HIDDEN;
/* Whether an mprotect is the PROT_READ | PROT_EXEC of a marked segment
 * of a registered object's code that piece 6 allows (supervisor-code.c). */
int bh_code_allow_mprotect(const struct seccomp_notif *n) BH_HIDDEN;
/* Piece 6's vetting of the PKRU writes in [lo, hi), the code of process
 * tgid's object at base (task n->pid asking), which its look proved to be
 * the file's (supervisor-code-gates.c): 1 if every one is a checked gate
 * whose word the supervisor wrote or verified and stays read-only, and
 * none spans an edge; else 0, and bh_code_refusal() says why. */
int bh_code_gates_vetted(const struct seccomp_notif *n, pid_t tgid,
                         uintptr_t base, uintptr_t lo, uintptr_t hi) BH_HIDDEN;
/* Why the vetting refused the last mprotect it judged, once (then NULL);
 * NULL if it refused none since. */
const char *bh_code_refusal(void) BH_HIDDEN;
/* Whether every word of the RELRO of process tgid's object at base is what
 * ld.so would have written, as its file and the program's look-up say
 * (supervisor-relro.c): 0, or -1 after one line to task tid's process. */
int bh_relro_check(pid_t tgid, pid_t tid, uintptr_t base) BH_HIDDEN;
/* The value each of w's n words (places in process tgid's object at
 * base) gets from the object's relocation, as bh_relro_check computes
 * it; at 0 for a word it cannot give one. -1 if the file cannot be read. */
struct bh_unwind_word;
int bh_relocated_values(pid_t tgid, pid_t tid, uintptr_t base,
                        struct bh_unwind_word *w, size_t n) BH_HIDDEN;
/* The BH_UNWIND_WORDS request (supervisor-unwind.c). */
void bh_supervise_unwind_request(int listener,
                                 const struct seccomp_notif *n) BH_HIDDEN;
/* An object's filter (supervisor-filter.c): the BH_FILTER_* requests,
 * answered here; whether process tgid's object at base is protected by
 * one, [*lo, *hi) then. */
void bh_supervise_filter_request(int listener,
                                 const struct seccomp_notif *n) BH_HIDDEN;
int bh_object_filtered(pid_t tgid, uintptr_t base, uintptr_t *lo,
                       uintptr_t *hi) BH_HIDDEN;
/* The base of process tgid's object whose filter protects [a, b), or 0
 * (filtered spans do not overlap). */
uintptr_t bh_object_filtered_at(pid_t tgid, uintptr_t a, uintptr_t b) BH_HIDDEN;
/* Whether every page of [lo, hi) of process pid is in private mappings
 * readable only ("r--p", /proc/<pid>/maps) (supervisor-keys.c). */
int bh_readonly_private(pid_t pid, uintptr_t lo, uintptr_t hi) BH_HIDDEN;
/* Publishes compartment INDEX of process tgid (task tid asking; MEM its
 * memory file), whose descriptor D the supervisor wrote at DESC in the
 * object filtered as [olo, ohi): its gate-table entry, then its place in
 * the table of compartments (supervisor-publish.c). 0, or an errno. */
int bh_publish_compartment(int mem, pid_t tgid, pid_t tid,
                           const struct bulkhead_domain *d, uintptr_t desc,
                           int index, uintptr_t olo, uintptr_t ohi) BH_HIDDEN;
/* Writes the copies at c whole (the runtime's words as the supervisor's
 * memory holds them, the two tables as process tgid's do now), and every
 * other registered object's copies of the two tables, where its record
 * says (supervisor-publish.c). 0, or an errno. */
int bh_write_copies(int mem, pid_t tgid, pid_t tid, uintptr_t c) BH_HIDDEN;
/* The entry of the list of registered objects (obj[] of the table of
 * compartments) for the object at base, filtered as [olo, ohi), from its
 * file's note: its descriptors, copies, imports and default-domain names
 * in the span, whole pages where the runtime needs them, no sharing
 * policy (EINVAL); its copies and imports read-only private pages
 * (EACCES); ENOEXEC without a note (supervisor-publish.c). */
#define BH_IMPORTS_MAX (64 * BH_PAGE)
#define BH_DEFAULTS_MAX (256 * 1024)
int bh_object_entry(pid_t tgid, uintptr_t base, uintptr_t olo, uintptr_t ohi,
                    struct bh_object *o) BH_HIDDEN;
/* Once per object of process tgid: its imports, then its entry O in the
 * table's list, then the list's count, through MEM; an entry already
 * there must be O (EINVAL). 0, or an errno (supervisor-publish.c). */
int bh_publish_object(int mem, pid_t tgid, pid_t tid,
                      const struct bh_object *o) BH_HIDDEN;
/* 0 if process tgid's table (task tid's) lists no other entry at O's
 * base than O; an errno otherwise (supervisor-publish.c). */
int bh_object_unlike_listed(pid_t tid, const struct bh_object *o) BH_HIDDEN;
/* The imports of O (its file's, each byte set when the executable or an
 * object of the process's table lists its name) written whole through
 * MEM (supervisor-imports.c). 0, or an errno. */
int bh_write_imports(int mem, pid_t tgid, pid_t tid,
                     const struct bh_object *o) BH_HIDDEN;
/* Field 22 of /proc/<pid>/stat, the process's start time (process ids are
 * reused), or 0 (supervisor-filter.c). */
unsigned long long bh_process_start(pid_t pid) BH_HIDDEN;
/* The supervisor's record of the compartments of objects registered after
 * start-up (supervisor-objects.c; docs/shared-objects.md, step 6, piece
 * 5), one per compartment, by process (id and start time): never in the
 * program's memory. WRITTEN says which of the words it decides are in
 * place in that process. */
enum {
  BH_WRITTEN_DESCRIPTOR = 1,
  BH_WRITTEN_INDEX = 2,
  BH_WRITTEN_COPIES = 4,
  BH_WRITTEN_IMPORTS = 8, /* its object's, once per object */
  BH_WRITTEN_OBJECT = 16, /* its object's entry in the table's list */
  BH_WRITTEN_ALL = 31
};
struct bh_registered {
  pid_t tgid;
  unsigned long long start;
  uintptr_t base, desc;       /* the object's file mapping, its descriptor */
  uintptr_t copies;           /* its copies, as its note said at the grant */
  unsigned long long id[3];   /* the file: device major, minor, inode */
  int key, index;             /* the reserved key given; its index */
  uintptr_t data_lo, data_hi; /* its data, as the grant tagged it */
  unsigned written;
  int compartments; /* how many its object's note lists */
};
/* The index the next compartment of process tgid (task tid asking) gets:
 * after every index its table of compartments counts and every one
 * recorded for it; or -1 (none left, or the table unreadable). */
int bh_registered_next_index(pid_t tgid, pid_t tid) BH_HIDDEN;
/* The copies of the objects recorded for process tgid whose copies were
 * written (a grant that failed before them leaves its object out), at
 * most max, into out; how many. */
int bh_registered_copies(pid_t tgid, uintptr_t *out, int max) BH_HIDDEN;
/* The key of the compartment recorded for process tgid whose data holds
 * address a; 0 if none. */
int bh_registered_key_at(pid_t tgid, uintptr_t a) BH_HIDDEN;
/* The keys of the compartments recorded for any process whose data holds
 * address a (processes may map different objects there), at most max,
 * into keys; how many. */
int bh_registered_keys_any(uintptr_t a, int *keys, int max) BH_HIDDEN;
/* For reports: when pkru is that of a compartment the supervisor
 * registered (for any process), its name as task tid's memory gives it,
 * into out; 1, or 0 if it is none. */
int bh_registered_domain(pid_t tid, uint32_t pkru, char *out,
                         size_t size) BH_HIDDEN;
/* Records r; 0, or -1 when the record is full of live processes'. */
int bh_registered_add(const struct bh_registered *r) BH_HIDDEN;
/* Process tgid's record of the compartment whose descriptor is at desc, or
 * NULL. */
struct bh_registered *bh_registered_find(pid_t tgid, uintptr_t desc) BH_HIDDEN;
/* Whether every compartment of the object at base in process tgid (as
 * many as its note lists) is recorded with every word written
 * (BH_WRITTEN_ALL): what making its code executable waits for (step 6,
 * piece 6). */
int bh_registered_complete(pid_t tgid, uintptr_t base) BH_HIDDEN;
/* A living process that registered an object from the file id (device
 * major, minor, inode), or 0. */
int bh_registered_file_live(const unsigned long long id[3]) BH_HIDDEN;
/* Whether [a, a + len) lies on a page the supervisor wrote whole for a
 * compartment of process tgid's object at base, recorded with every word
 * written: a descriptor's page or the object's copies (piece 6's vetting
 * of the object's gates). */
int bh_registered_wrote(pid_t tgid, uintptr_t base, uintptr_t a,
                        size_t len) BH_HIDDEN;
/* Stops every thread of process tgid but the caller (supervisor-exec.c);
 * 0, or -1 with none stopped; then lets them go. */
int bh_freeze_process(pid_t tgid, pid_t caller) BH_HIDDEN;
void bh_thaw_process(void) BH_HIDDEN;
/* /proc/<pid>/status into buf, terminated: 0, or -1 (supervisor.c). */
int bh_read_status(pid_t pid, char *buf, size_t size) BH_HIDDEN;
/* The same from a /proc/<pid> directory descriptor (closed if close_dir),
 * which names that very task, never a later one with its number. */
int bh_read_status_at(int dir, int close_dir, char *buf, size_t size) BH_HIDDEN;
/* One read of a small file name (under dir, or AT_FDCWD) into buf, ended
 * with a 0: its length, or -1 if nothing was read. */
ssize_t bh_read_small(int dir, const char *name, char *buf, size_t size) BH_HIDDEN;
/* The system call task tid sleeps in, from /proc/<tid>/syscall (its
 * arguments, stack pointer and instruction pointer as at the call): 0, or
 * -1 (errno EAGAIN: running; otherwise in no call, or unreadable). */
struct bh_syscall {
  long nr;
  uint64_t args[6], sp, pc;
};
int bh_read_syscall(pid_t tid, struct bh_syscall *c) BH_HIDDEN;
/* Whether task tid is our process or a fork of it (unknown: yes). */
int bh_supervisor_is_ours(pid_t tid) BH_HIDDEN;
int bh_supervisor_tgid_is_ours(pid_t tgid) BH_HIDDEN;
/* 1: process tgid is ours or a fork of ours (or a process without memory,
 * or one whose record is hidden and whose text size is ours); 0: not; -1:
 * its record cannot be read. */
int bh_ident_is_ours(pid_t tgid) BH_HIDDEN;

#endif
