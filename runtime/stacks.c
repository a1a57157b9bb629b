/*
 * stacks.c - per-thread, per-compartment stacks (-bulkhead-stacks).
 *
 * At start-up every compartment gets an arena of address space, reserved
 * PROT_NONE, whose bounds go into its read-only descriptor. A thread's
 * first entry into the compartment carves one stack out of it (its lowest
 * page stays PROT_NONE as a guard), tagged with the compartment's key; the
 * stack is unmapped and returned when the thread exits. The pass's
 * trampolines (pass/CompartmentPass.cpp) keep the thread's current top of
 * each domain's stack in a TLS slot and check every value read from there
 * against the arena, and against the mark in the stack's header (its top
 * BH_STACK_HEADER bytes, on the compartment's key), before switching to it:
 * TLS is key-0 memory.
 */
#define _GNU_SOURCE
#include "internal.h"
#include "syscalls.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Who holds each stack of each arena: the holder's thread id, 0 when free.
 * On read-only pages that the runtime writes only through /proc/self/mem
 * (which ignores page protections), one claim or release at a time under
 * an flock of that file; with the system-call filter on, the program may
 * not open that file, and the supervisor makes each claim and release
 * instead, with the same rules (supervisor.c). A key-0 bitmap and key-0 TLS
 * indices let the default domain make two threads share a stack, and make a
 * thread's exit remap or unmap memory of its choice, compartment heaps included
 * (found in review). Now a stack is handed only to a thread where no one holds
 * it, and a thread releases only stacks whose owner is its own id (gettid),
 * which no store can forge. Each claim also counts in `claim`, the number
 * that names it (syscalls.h). Global (hidden) only so that
 * test/runtime/attacks-stack-share.c can name it. */
BH_HIDDEN union {
  struct bh_owner_table t;
  char pad[(sizeof(struct bh_owner_table) + BH_PAGE - 1) & ~(BH_PAGE - 1)];
} owner __asm__("__bulkhead_stack_owners") __attribute__((aligned(BH_PAGE)));

/* The stacks this thread holds. Key-0 memory: `index` is a hint, used
 * only where owner confirms it. Global (hidden) only so that
 * test/runtime/attacks-stack-owner.c can name it. */
BH_HIDDEN __thread struct {
  void *
      *slot[BH_MAX_COMPARTMENTS]; /* the pass's TLS slot for the compartment */
  int index[BH_MAX_COMPARTMENTS]; /* stack number + 1; 0: none */
  int dtor;
} mine __asm__("__bulkhead_stack_tls");

static uint32_t my_tid(void) { return (uint32_t)syscall(SYS_gettid); }

/* Opens /proc/self/mem and takes its lock: a file descriptor of our own,
 * so no store can release the lock for us. Signals stay blocked until
 * owner_unlock: a handler's first entry into a compartment would wait for
 * the lock its own thread holds. */
struct owner_lock {
  int fd;  /* /proc/self/mem: one file for the whole process, to lock */
  int mem; /* this thread's: /proc/self names the leader, which may have
            * ended (pthread_exit) and then has no memory to write */
  sigset_t old;
};

static struct owner_lock owner_lock(void) {
  struct owner_lock l;
  sigset_t all;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &l.old);
  l.fd = open("/proc/self/mem", O_RDWR | O_CLOEXEC);
  l.mem = open("/proc/thread-self/mem", O_RDWR | O_CLOEXEC);
  if (l.fd < 0 || l.mem < 0 || flock(l.fd, LOCK_EX))
    bh_fatal("cannot open /proc/self/mem to record a compartment "
             "stack's owner");
  return l;
}

/* Unlocked before the close: an flock is the open file's, and a fork
 * meanwhile gave the child a copy of the descriptor, which kept it held
 * in the parent until the child ended (review 73b,
 * stacks-rev73b-fork-owner-flock.c). */
static void owner_unlock(struct owner_lock l) {
  flock(l.fd, LOCK_UN);
  close(l.mem);
  close(l.fd);
  pthread_sigmask(SIG_SETMASK, &l.old, NULL);
}

static void set_owner(struct owner_lock l, int c, int i, uint32_t tid) {
  if (pwrite(l.mem, &tid, sizeof tid, (off_t)(uintptr_t)&owner.t.tid[c][i]) !=
      sizeof tid)
    bh_fatal("cannot record a compartment stack's owner");
}

/* A new claim of stack i of compartment c, by tid: its number first. */
static void set_claim(struct owner_lock l, int c, int i, uint32_t tid) {
  uint64_t n = owner.t.claim[c][i] + 1;
  if (pwrite(l.mem, &n, sizeof n, (off_t)(uintptr_t)&owner.t.claim[c][i]) !=
      sizeof n)
    bh_fatal("cannot record a compartment stack's owner");
  set_owner(l, c, i, tid);
}

static __attribute__((noreturn)) void request_failed(void) {
  bh_fatal("the system-call supervisor did not record a compartment stack's "
           "owner (%s)",
           strerror(errno));
}

/* A request's answer is not proof: a filter the program installed can
 * answer the runtime's ioctl with 0 in the supervisor's place (found in
 * review). The read-only table must show what was asked. */
static void check_owner(int c, int i, int mine, uint32_t tid) {
  uint32_t now = __atomic_load_n(&owner.t.tid[c][i], __ATOMIC_ACQUIRE);
  if (mine ? now != tid : now == tid)
    bh_fatal("a compartment stack's owner is not what the system-call "
             "supervisor was "
             "asked to record: something other than the supervisor answered");
}

/* Every signal blocked; the mask before. */
static uint64_t signals_wait(void) {
  static const uint64_t all = ~(uint64_t)0;
  uint64_t old;
  if (bh_raw_syscall(SYS_rt_sigprocmask, SIG_BLOCK, (long)&all, (long)&old,
                     8))
    bh_fatal("cannot block signals to claim or release a compartment stack");
  return old;
}

static void signals_back(uint64_t old) {
  bh_raw_syscall(SYS_rt_sigprocmask, SIG_SETMASK, (long)&old, 0, 8);
}

/* Stack i of compartment c, free, becomes this thread's: 0, or -1 if
 * another thread took it first. */
static int claim(int c, int i, uint32_t tid) {
  if (bh_policy->on) {
    if (!bh_supervisor_request(BH_OWNER_CLAIM, c, i)) {
      check_owner(c, i, 1, tid);
      return 0;
    }
    if (errno == EBUSY) /* another thread's (the supervisor answers 0 to
                           this very request made twice: syscalls.h) */
      return -1;
    request_failed();
  }
  struct owner_lock l = owner_lock();
  int free = owner.t.tid[c][i] == 0;
  if (free)
    set_claim(l, c, i, tid);
  owner_unlock(l);
  return free ? 0 : -1;
}

/* With compartment c's rights, on the hand-over stack of one of its
 * stacks, in a forked child: unless that stack's owner word (abi.h,
 * BH_STACK_OWNER_BELOW) is `mine`, the fs base of the thread running
 * this, its thread is gone, and so is every frame on it. Its call outs'
 * records are voided, so that no way back resumes them, and it starts
 * over: no hand-over under way, mark at its fresh top, no kept signal
 * frame, no owner, as a stack no thread ever entered. 1 if so. */
static uintptr_t abandon_unless_mine(uintptr_t c, uintptr_t mine,
                                     uintptr_t unused, uintptr_t caller_sp) {
  (void)unused, (void)caller_sp;
  char *end =
      bh_stack_end(bh_domain_at((size_t)c), __builtin_frame_address(0)) + 1;
  char **owner_word = (char **)(end - BH_STACK_OWNER_BELOW);
  if ((uintptr_t)*owner_word == mine)
    return 0;
  bh_stack_void_records((int)c, end - BH_STACK_HEADER);
  /* A hand-over the thread had under way (exceptions.c) is gone too. */
  char *ring = end - BH_STACK_SIZE + BH_PAGE + BH_EXC_STACK;
  *(uint64_t *)(ring + BH_RING_HANDOVER) = 0;
  *(char **)(end - BH_STACK_MARK_BELOW) = end - BH_STACK_HEADER;
  *(char **)(end - BH_STACK_KEPT_BELOW) = NULL;
  *owner_word = NULL;
  return 1;
}

/* The same way: whether that stack's mark shows frames live, as the
 * supervisor reads it (supervisor.c, frames_live). */
static uintptr_t marks_live(uintptr_t c, uintptr_t unused1, uintptr_t unused2,
                            uintptr_t caller_sp) {
  (void)unused1, (void)unused2, (void)caller_sp;
  char *end =
      bh_stack_end(bh_domain_at((size_t)c), __builtin_frame_address(0)) + 1;
  char *mark = *(char **)(end - BH_STACK_MARK_BELOW);
  return mark && mark != end - BH_STACK_HEADER;
}

/* The same way: this thread's fs base (RDFSBASE, not memory) into that
 * stack's owner word, for a thread the owner table gives the stack to
 * (own_stacks). Only where owner_check says the kernel allows RDFSBASE. */
static uintptr_t write_owner(uintptr_t c, uintptr_t unused1,
                             uintptr_t unused2, uintptr_t caller_sp) {
  (void)unused1, (void)unused2, (void)caller_sp;
  char *fs;
  __asm__ volatile("rdfsbase %0" : "=r"(fs));
  *(char **)(bh_stack_end(bh_domain_at((size_t)c),
                          __builtin_frame_address(0)) +
             1 - BH_STACK_OWNER_BELOW) = fs;
  return 0;
}

/* fn(c, arg) with compartment c's rights on the hand-over stack of its
 * stack i, which this thread holds, every signal blocked. */
static uintptr_t on_stack(int c, int i,
                          uintptr_t (*fn)(uintptr_t, uintptr_t, uintptr_t,
                                          uintptr_t),
                          uintptr_t arg) {
  static const uint64_t all = ~(uint64_t)0;
  uint64_t old;
  if (bh_raw_syscall(SYS_rt_sigprocmask, SIG_BLOCK, (long)&all, (long)&old,
                     8))
    bh_fatal("cannot block signals to reach a compartment stack's header");
  char *base = bh_domain_at((size_t)c)->stack_lo + (size_t)i * BH_STACK_SIZE;
  uintptr_t r = bh_run_in_compartment(c, base + BH_PAGE + BH_EXC_STACK, fn,
                                      (uintptr_t)c, arg, 0);
  bh_raw_syscall(SYS_rt_sigprocmask, SIG_SETMASK, (long)&old, 0, 8);
  return r;
}

/* In a forked child the parent's other threads are gone, some with frames
 * live on their compartment stacks, and the child's glibc reuses their
 * thread stacks, control blocks and so fs bases for its new threads: an
 * owner word naming one of them would let such a new thread's entries and
 * ways back onto a gone thread's frames (review 67a,
 * attacks-rev67a-fork-recycled-fs-base.c). Its frames left, a stack the
 * child's thread is given would trap its first entry there (review 67b,
 * stacks-rev67b-fork-other-busy.c). So every stack this process holds
 * that is not the forking thread's starts over, and is given back: the
 * runtime takes the first stack of a compartment the owner table gives to
 * the thread for the one it runs on (bh_stack_ring_mine), and a longjmp's
 * voiding then looked at a started-over one and left a dead call out's
 * record on the thread's own stack (review 71,
 * attacks-rev71-fork-child-stale-record.c). After the adoption
 * (adopt_after_fork): bh_run_in_compartment runs only on this thread's
 * stacks. */
static void release(int c, int i);
static void abandon_gone_threads_stacks(void) {
  if (!__bulkhead_domain0.owner_check)
    return;
  uintptr_t mine = (uintptr_t)bh_fs_base();
  for (int c = 0; c < (int)bh_domain_count() && c < BH_MAX_COMPARTMENTS; c++)
    for (int i = 0; i < BH_STACKS_PER_ARENA; i++)
      if (owner.t.tid[c][i] && on_stack(c, i, abandon_unless_mine, mine))
        release(c, i);
}

static void map_stack(struct bulkhead_domain *d, char *base);

/* The stacks this thread holds are mapped, as a claim leaves them. */
static void map_held_stacks(uint32_t tid) {
  for (int c = 0; c < (int)bh_domain_count() && c < BH_MAX_COMPARTMENTS; c++)
    for (int i = 0; i < BH_STACKS_PER_ARENA; i++)
      if (owner.t.tid[c][i] == tid) {
        struct bulkhead_domain *d = bh_domain_at((size_t)c);
        map_stack(d, d->stack_lo + (size_t)i * BH_STACK_SIZE);
      }
}

/* The threads of this process, as the kernel counts them (/proc/self/stat,
 * field 20: the 18th after the command's closing parenthesis); -1 if
 * unreadable. Only that far is read. */
static long process_threads(void) {
  char buf[512];
  int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
  ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
  if (fd >= 0)
    close(fd);
  if (n <= 0)
    return -1;
  buf[n] = 0;
  char *p = strrchr(buf, ')');
  for (int field = 0; p && field < 18; field++)
    p = strchr(p + 1, ' ');
  return p ? strtol(p + 1, NULL, 10) : -1;
}

/* In a forked child, the one thread alive is the forking one, under a new
 * id: it takes over every stack the parent's threads held (its own among
 * them), so no new thread with a recycled id shares one, and its exit
 * releases them. Each a new claim: the child starts the state a stack
 * keeps for its holder empty (unwind-copy.c), as when the id alone
 * named it. Each mapped: a parent thread may have been between its claim
 * and mapping the stack, or in its release, which unmaps the stack before
 * the table lets it go; the child's runtime then ran on it, and faulted
 * (review 71, stacks-rev71-fork-releasing-thread.c). */
static void adopt_after_fork(void) {
  uint32_t tid = my_tid();
  if (bh_policy->on) {
    /* Yama's exception for the supervisor is per process. */
    prctl(PR_SET_PTRACER, (unsigned long)bh_policy->supervisor, 0, 0, 0);
    if (bh_supervisor_request(BH_OWNER_ADOPT, 0, 0))
      request_failed();
    for (int c = 0; c < (int)bh_domain_count() && c < BH_MAX_COMPARTMENTS; c++)
      for (int i = 0; i < BH_STACKS_PER_ARENA; i++)
        if (owner.t.tid[c][i])
          check_owner(c, i, 1, tid);
    map_held_stacks(tid);
    return;
  }
  /* As the supervisor does: a fork's child has one thread. Run in a
   * process with more (glibc's handler list is key-0: one store made the
   * child handler the parent's), this took the live threads' stacks and
   * started them over under them (review 73b,
   * attacks-rev73b-parent-adopts.c). */
  long threads = process_threads();
  if (threads != 1)
    bh_fatal("the runtime's fork fix-up of compartment stacks ran in a "
             "process of %ld threads, not a fork's child",
             threads);
  struct owner_lock l = owner_lock();
  for (int c = 0; c < (int)bh_domain_count() && c < BH_MAX_COMPARTMENTS; c++)
    for (int i = 0; i < BH_STACKS_PER_ARENA; i++)
      if (owner.t.tid[c][i])
        set_claim(l, c, i, tid);
  owner_unlock(l);
  map_held_stacks(tid);
}

/* In a forked child: from fork.c's atfork child handler, and again from
 * spawn.c's fork and _Fork, which the program's calls reach, before it
 * can make a thread: glibc's list of atfork handlers is key-0 memory,
 * where one store before the fork clears the runtime's (glibc skips a
 * NULL handler: review 70a, attacks-rev70a-fork-handler-list.c), and
 * _Fork runs none. The work shows in the read-only owner table: once
 * done, every stack held is the one thread's; while one is another's,
 * it is not. */
void bh_stacks_after_fork(void) {
  uint32_t tid = my_tid();
  for (int c = 0; c < (int)bh_domain_count() && c < BH_MAX_COMPARTMENTS; c++)
    for (int i = 0; i < BH_STACKS_PER_ARENA; i++)
      if (owner.t.tid[c][i] && owner.t.tid[c][i] != tid) {
        adopt_after_fork();
        abandon_gone_threads_stacks();
        return;
      }
}

extern int __cxa_thread_atexit_impl(void (*)(void *), void *, void *);
extern char __dso_handle[];

/* The compartment's cookie, at the start of its arena's leading guard
 * (stack_lo - BH_ARENA_GUARD): a random word on a read-only page tagged
 * with the compartment's key, so only the compartment can read it and no
 * one can write it. A trampoline leaving the compartment leaves it under
 * the saved registers; the way back accepts a saved stack pointer only
 * where it finds the cookie, and clears it. The saved pointer sits where
 * other domains can write it; without the cookie any word of the
 * compartment's stack, even data it copied from its input, could serve as
 * a return address with its rights (found in review). */
static void make_cookie(int pkey, char *page) {
  uint64_t cookie = 0;
  if (mprotect(page, BH_PAGE, PROT_READ | PROT_WRITE) ||
      syscall(SYS_getrandom, &cookie, sizeof cookie, 0) != sizeof cookie)
    bh_fatal("cannot make a compartment's stack cookie");
  *(uint64_t *)page = cookie | 1; /* 0 marks a used record */
  int err = bh_state->unprotected ? mprotect(page, BH_PAGE, PROT_READ)
                                  : (int)syscall(SYS_pkey_mprotect, page,
                                                 BH_PAGE, PROT_READ, pkey);
  if (err)
    bh_fatal("cannot protect a compartment's stack cookie");
}

char *bh_stack_arena(struct bulkhead_domain *d, int pkey) {
  size_t len = BH_ARENA_SIZE;
  char *a = mmap(NULL, len, PROT_NONE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (a == MAP_FAILED)
    bh_fatal("cannot reserve address space for compartment stacks");
  /* The leading guard: a trampoline writes at most its frame and the
   * copied stack arguments (bounded by the pass) below a checked top. */
  d->stack_lo = a + BH_ARENA_GUARD;
  d->stack_hi = d->stack_lo + (size_t)BH_STACKS_PER_ARENA * BH_STACK_SIZE;
  make_cookie(pkey, a);
  /* The whole arena gets its key now: stacks are carved and released
   * with plain mprotect, which keeps it (pkey_mprotect is refused after
   * start-up by the system-call filter). */
  if (!bh_state->unprotected &&
      syscall(SYS_pkey_mprotect, a + BH_PAGE, len - BH_PAGE, PROT_NONE, pkey))
    bh_fatal("cannot tag a compartment's stack arena with its key");
  return a + BH_ARENA_GUARD;
}

void bh_stack_arenas_reserve(int count, uintptr_t *lo, uintptr_t *hi) {
  size_t len = (size_t)count * BH_ARENA_SIZE;
  char *a = mmap(NULL, len, PROT_NONE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (a == MAP_FAILED)
    bh_fatal("cannot reserve address space for later compartments' stacks");
  *lo = (uintptr_t)a, *hi = (uintptr_t)a + len;
}

void bh_stacks_init(void) {
  struct bulkhead_domain *d;
  bh_for_each_domain(c, d) { bh_stack_arena(d, d->pkey); }
  if (mprotect(&owner, sizeof owner, PROT_READ))
    bh_fatal("cannot protect the compartment stacks' owners");
}

/* The arena was tagged at start-up; mprotect keeps the key. Above the
 * guard page, the hand-over's stack and the ring of the unwinder's
 * copies, then another guard page (BH_STACK_LOW): an overflow faults
 * before it reaches the ring. */
static void map_stack(struct bulkhead_domain *d, char *base) {
  if (mprotect(base + BH_PAGE, BH_EXC_STACK + BH_UNWIND_RING,
               PROT_READ | PROT_WRITE) ||
      mprotect(base + BH_STACK_LOW, BH_STACK_SIZE - BH_STACK_LOW,
               PROT_READ | PROT_WRITE))
    bh_fatal("cannot map a stack for compartment '%s': %s", d->name,
             strerror(errno));
}

/* Releases stack i of compartment c, which this thread holds. */
static void release(int c, int i) {
  struct bulkhead_domain *d = bh_domain_at((size_t)c);
  char *base = d->stack_lo + (size_t)i * BH_STACK_SIZE;
  /* Frames of the compartment live on it: it stays this thread id's,
   * mapped, as the supervisor decides below. Released, its next thread
   * (another fs base) would find another owner's frames there and trap at
   * its first entry (the owner check, pass/AsmEmitter.cpp). */
  if (!bh_policy->on && on_stack(c, i, marks_live, 0))
    return;
  /* PROT_NONE, keeping the key (and, for the compartment's next thread,
   * the contents: unmapping or MADV_DONTNEED there is what the system-call
   * filter refuses). */
  if (mprotect(base, BH_STACK_SIZE, PROT_NONE))
    bh_fatal("cannot release a compartment stack");
  if (bh_policy->on) {
    /* EPERM with the stack no longer ours: this very request, made
     * twice (syscalls.h). EBUSY: frames of the compartment are live on
     * it (the thread ends inside a call out, or left the compartment by
     * longjmp): it stays this thread id's, mapped, for a thread that
     * gets the id again (which starts at its fresh top). */
    uint32_t tid = my_tid();
    if (bh_supervisor_request(BH_OWNER_RELEASE, c, i)) {
      if (errno == EBUSY) {
        map_stack(d, base);
        check_owner(c, i, 1, tid);
        return;
      }
      if (errno != EPERM ||
          __atomic_load_n(&owner.t.tid[c][i], __ATOMIC_ACQUIRE) == tid)
        request_failed();
    }
    check_owner(c, i, 0, tid);
    return;
  }
  struct owner_lock l = owner_lock();
  set_owner(l, c, i, 0);
  owner_unlock(l);
}

static void *current_sp(void) {
  void *sp;
  __asm__ volatile("movq %%rsp, %0" : "=r"(sp));
  return sp;
}

/* At thread exit (also the main thread's, from exit). A stack the thread is
 * still running on (exit called inside a compartment) is kept. Every
 * signal blocked throughout: a handler's entry in between was given the
 * stack being released, unmapped already, or put the emptied slot back to
 * it (review 71, stacks-rev71-signal-first-entry-exit.c, exit). One after
 * it gets a stack of its own, and the exit handler again. */
static void thread_exit(void *unused) {
  (void)unused;
  static const uint64_t all = ~(uint64_t)0;
  uint64_t old;
  if (bh_raw_syscall(SYS_rt_sigprocmask, SIG_BLOCK, (long)&all, (long)&old,
                     8))
    bh_fatal("cannot block signals to release compartment stacks");
  char *sp = current_sp();
  uint32_t tid = my_tid();
  mine.dtor = 0;
  for (int c = 0; c < (int)bh_domain_count() && c < BH_MAX_COMPARTMENTS; c++)
    for (int i = 0; i < BH_STACKS_PER_ARENA; i++) {
      if (owner.t.tid[c][i] != tid)
        continue;
      char *base =
          bh_domain_at((size_t)c)->stack_lo + (size_t)i * BH_STACK_SIZE;
      if (sp >= base && sp < base + BH_STACK_SIZE)
        continue;
      /* A later entry (an exit handler) takes a new one. The slot is
       * written %fs-relative, at its offset in a read-only table. */
      long off = bh_slot_tpoff(c);
      if (off)
        __asm__ volatile("movq $0, %%fs:(%0)" ::"r"(off) : "memory");
      mine.slot[c] = NULL;
      mine.index[c] = 0;
      /* Unmapped while still this thread's: no handler runs between
       * (claim_mapped). */
      uint64_t old = signals_wait();
      release(c, i);
      signals_back(old);
    }
  bh_raw_syscall(SYS_rt_sigprocmask, SIG_SETMASK, (long)&old, 0, 8);
}

/* Where a trampoline leaving a compartment calls __bulkhead_stack_new: a
 * per-thread key-0 stack, so that the runtime's C code runs with the
 * default domain's rights. That code trusts key-0 memory (its TLS is
 * reached through the thread pointer at %fs:0, which any domain can
 * overwrite); with a compartment's rights it could be steered into that
 * compartment's memory. The pointer itself is key-0 TLS too: pointed
 * elsewhere, the runtime runs there with the default domain's rights, or
 * faults. */
#define RT_STACK_SIZE (64u << 10)
/* Not hidden: shared objects with compartments refer to it. */
__thread char *rt_stack_top __asm__(BH_SYM_RT_STACK);

/* base comes from libc's list of TLS destructors, key-0 memory: unmap it
 * only if it is this thread's runtime stack as far as key-0 memory can
 * tell, and no compartment's or loaded object's memory (found in review:
 * key-0 values steered the exit path's munmap onto compartment data). */
static void release_rt_stack(void *base) {
  if (rt_stack_top != (char *)base + BH_PAGE + RT_STACK_SIZE ||
      !bh_may_unmap(base, BH_PAGE + RT_STACK_SIZE))
    return; /* not ours: leave it */
  if (munmap(base, BH_PAGE + RT_STACK_SIZE))
    bh_fatal("cannot unmap a thread's runtime stack");
}

void bh_rt_stack_thread_init(void) {
  if (bh_domain_count() == 0 || rt_stack_top)
    return;
  char *p = mmap(NULL, BH_PAGE + RT_STACK_SIZE, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED || mprotect(p, BH_PAGE, PROT_NONE))
    bh_fatal("cannot map the runtime's stack for a thread");
  rt_stack_top = p + BH_PAGE + RT_STACK_SIZE;
  __cxa_thread_atexit_impl(release_rt_stack, p, __dso_handle);
}

/* The stacks of compartment c that the owner table gives to this thread
 * become this thread's in their headers too: the trampolines refuse a
 * stack whose owner word names another thread (pass/AsmEmitter.cpp
 * loadStackTop). The word may name a thread that held the stack before,
 * or, after fork, one of the parent's threads. Changes no errno. */
static void own_stacks(int c) {
  if (!__bulkhead_domain0.owner_check || c < 0)
    return;
  uint32_t tid = (uint32_t)bh_raw_gettid();
  for (int i = 0; i < BH_STACKS_PER_ARENA; i++)
    if (__atomic_load_n(&owner.t.tid[c][i], __ATOMIC_ACQUIRE) == tid)
      on_stack(c, i, write_owner, 0);
}

static __attribute__((noreturn)) void too_many(struct bulkhead_domain *d) {
  bh_fatal("more than %d threads at once in compartment '%s'",
           BH_STACKS_PER_ARENA, d->name);
}

/* Stack i of compartment c (descriptor d), free when looked at, becomes
 * this thread's, mapped, released at its exit: 0, or -1 if another thread
 * took it first. Signals wait from the claim until the stack is mapped:
 * a handler between that forked would have the runtime's fork handlers
 * (fork.c) and the child's abandon_gone_threads_stacks run on a stack the
 * owner table gives this thread, unmapped (a PROT_NONE fault, every
 * signal blocked there: the process died of SIGSEGV). */
static int claim_mapped(int c, struct bulkhead_domain *d, int i,
                        uint32_t tid) {
  uint64_t old = signals_wait();
  int r = claim(c, i, tid);
  if (!r) {
    map_stack(d, d->stack_lo + (size_t)i * BH_STACK_SIZE);
    if (!mine.dtor &&
        __cxa_thread_atexit_impl(thread_exit, NULL, __dso_handle) == 0)
      mine.dtor = 1;
    mine.index[c] = i + 1;
    bh_stats_stack(d);
  }
  signals_back(old);
  return r;
}

/* The slow path of a trampoline whose slot is empty: called (through
 * __bulkhead_stack_new, which preserves the argument registers, or
 * __bulkhead_stack_new_nosave, whose caller keeps them) with the
 * default domain's rights: on the caller's stack from the default domain,
 * on the runtime stack above from a compartment. */
__attribute__((noinline)) static void give_stack(struct bulkhead_domain *d,
                                                 long slot_tpoff) {
  char *tp;
  __asm__("movq %%fs:0, %0" : "=r"(tp));
  void **slot = (void **)(tp + slot_tpoff);
  int c = bh_domain_index(d);
  if (c < 0 || !d->stack_lo)
    bh_fatal("stack requested for an unknown compartment");
  int saved_errno = errno; /* the caller's code is between two statements */
  uint32_t tid = my_tid();
  int take = -1, hint = mine.index[c] - 1;
  for (int k = -1; k < BH_STACKS_PER_ARENA; k++) {
    int i = k < 0 ? hint : k; /* the hint first: usually right */
    if (i < 0 || i >= BH_STACKS_PER_ARENA)
      continue;
    if (owner.t.tid[c][i] == tid) { /* the slot was cleared behind our back */
      *slot = d->stack_lo + (size_t)(i + 1) * BH_STACK_SIZE - BH_STACK_HEADER;
      errno = saved_errno;
      return;
    }
    /* Free now; the claim decides (another thread may take it first). */
    if (!owner.t.tid[c][i] && !claim_mapped(c, d, i, tid)) {
      take = i;
      break;
    }
  }
  if (take < 0)
    too_many(d);
  char *base = d->stack_lo + (size_t)take * BH_STACK_SIZE;
  mine.slot[c] = slot;
  /* Its fresh top, below the header (abi.h): the entry's trampoline, with
   * the compartment's rights, starts the mark there. */
  *slot = base + BH_STACK_SIZE - BH_STACK_HEADER;
  errno = saved_errno;
}

/* The slow path of a trampoline whose slot is empty (give_stack), whose
 * stacks then name this thread as their owner. Every signal blocked
 * throughout: a handler's entry into the compartment in between found the
 * stack claimed but not mapped yet (the claim lets signals in at its end),
 * or the slot set but the owner word not yet written, and stopped the
 * process (review 71, stacks-rev71-signal-first-entry-exit.c). Raw system
 * calls: errno stays the caller's. */
__attribute__((used)) static void bh_stack_new(struct bulkhead_domain *d,
                                               long slot_tpoff) {
  static const uint64_t all = ~(uint64_t)0;
  uint64_t old;
  if (bh_raw_syscall(SYS_rt_sigprocmask, SIG_BLOCK, (long)&all, (long)&old,
                     8))
    bh_fatal("cannot block signals to give a compartment stack");
  give_stack(d, slot_tpoff);
  own_stacks(bh_domain_index(d));
  bh_raw_syscall(SYS_rt_sigprocmask, SIG_SETMASK, (long)&old, 0, 8);
}

int bh_stack_mine(int c, int or_claim) {
  struct bulkhead_domain *d = bh_domain_at((size_t)c);
  if (!d->stack_lo)
    bh_fatal("compartment '%s' has no stack arena", d->name);
  uint32_t tid = my_tid();
  for (int i = 0; i < BH_STACKS_PER_ARENA; i++)
    if (owner.t.tid[c][i] == tid)
      return i;
  if (!or_claim)
    return -1;
  /* None yet: one as a first entry would take, its header naming this
   * thread (no slot written: an entry later finds it as the slot-cleared
   * case of give_stack). */
  for (int i = 0; i < BH_STACKS_PER_ARENA; i++)
    if (!owner.t.tid[c][i] && !claim_mapped(c, d, i, tid)) {
      own_stacks(c);
      return i;
    }
  too_many(d);
}

uintptr_t bh_stack_on(int c, int i,
                      uintptr_t (*fn)(uintptr_t, uintptr_t, uintptr_t,
                                      uintptr_t),
                      uintptr_t arg) {
  return on_stack(c, i, fn, arg);
}

/* Entered from a trampoline with r10 = descriptor, r11 = the slot's offset
 * from the thread pointer, before its gate. Preserves every register a call
 * may carry arguments in (rdi-r9, rax for variadic calls, xmm0-7); only r10
 * and r11 are clobbered. */
__asm__(".text\n"
        ".globl " BH_SYM_STACK_NEW "\n"
        ".hidden " BH_SYM_STACK_NEW "\n"
        ".type " BH_SYM_STACK_NEW ",@function\n" BH_SYM_STACK_NEW ":\n"
        "  pushq %rbp\n"
        "  movq %rsp, %rbp\n"
        "  subq $192, %rsp\n"
        "  andq $-16, %rsp\n"
        "  movq %rdi, 128(%rsp)\n  movq %rsi, 136(%rsp)\n"
        "  movq %rdx, 144(%rsp)\n  movq %rcx, 152(%rsp)\n"
        "  movq %r8, 160(%rsp)\n  movq %r9, 168(%rsp)\n"
        "  movq %rax, 176(%rsp)\n"
        "  movdqa %xmm0, 0(%rsp)\n  movdqa %xmm1, 16(%rsp)\n"
        "  movdqa %xmm2, 32(%rsp)\n  movdqa %xmm3, 48(%rsp)\n"
        "  movdqa %xmm4, 64(%rsp)\n  movdqa %xmm5, 80(%rsp)\n"
        "  movdqa %xmm6, 96(%rsp)\n  movdqa %xmm7, 112(%rsp)\n"
        "  movq %r10, %rdi\n"
        "  movq %r11, %rsi\n"
        "  call bh_stack_new\n"
        "  movdqa 0(%rsp), %xmm0\n  movdqa 16(%rsp), %xmm1\n"
        "  movdqa 32(%rsp), %xmm2\n  movdqa 48(%rsp), %xmm3\n"
        "  movdqa 64(%rsp), %xmm4\n  movdqa 80(%rsp), %xmm5\n"
        "  movdqa 96(%rsp), %xmm6\n  movdqa 112(%rsp), %xmm7\n"
        "  movq 128(%rsp), %rdi\n  movq 136(%rsp), %rsi\n"
        "  movq 144(%rsp), %rdx\n  movq 152(%rsp), %rcx\n"
        "  movq 160(%rsp), %r8\n  movq 168(%rsp), %r9\n"
        "  movq 176(%rsp), %rax\n"
        "  leave\n"
        "  ret\n"
        ".size " BH_SYM_STACK_NEW ", .-" BH_SYM_STACK_NEW "\n");

/* The same for a trampoline out of a compartment, which keeps the argument
 * registers on the compartment's own stack instead (pass/Stacks.cpp):
 * nothing of the compartment's goes to this key-0 stack. Clobbers what a
 * C call may. */
__asm__(".text\n"
        ".globl " BH_SYM_STACK_NEW_NOSAVE "\n"
        ".hidden " BH_SYM_STACK_NEW_NOSAVE "\n"
        ".type " BH_SYM_STACK_NEW_NOSAVE ",@function\n" BH_SYM_STACK_NEW_NOSAVE
        ":\n"
        "  pushq %rbp\n"
        "  movq %rsp, %rbp\n"
        "  andq $-16, %rsp\n"
        "  movq %r10, %rdi\n"
        "  movq %r11, %rsi\n"
        "  call bh_stack_new\n"
        "  leave\n"
        "  ret\n"
        ".size " BH_SYM_STACK_NEW_NOSAVE ", .-" BH_SYM_STACK_NEW_NOSAVE "\n");

/* This thread's slot of the compartment whose stack holds sp, or NULL: sp
 * must be on a stack this thread holds. */
void **bh_stack_slot_at(const char *sp) {
  for (int c = 0; c < (int)bh_domain_count() && c < BH_MAX_COMPARTMENTS; c++) {
    struct bulkhead_domain *d = bh_domain_at((size_t)c);
    if (sp > d->stack_lo && sp <= d->stack_hi) {
      size_t i = (size_t)(sp - 1 - d->stack_lo) / BH_STACK_SIZE;
      return owner.t.tid[c][i] == my_tid() ? mine.slot[c] : NULL;
    }
  }
  return NULL;
}

char *bh_stack_ring(int c, const char *sp, uint64_t *claim) {
  if (c < 0 || c >= BH_MAX_COMPARTMENTS || (size_t)c >= bh_domain_count())
    return NULL;
  const struct bulkhead_domain *d = bh_domain_at((size_t)c);
  if (!d->stack_lo || sp <= d->stack_lo || sp > d->stack_hi)
    return NULL;
  size_t i = (size_t)(sp - 1 - d->stack_lo) / BH_STACK_SIZE;
  /* Its owner's id, not a key-0 hint (no libc: a compartment's rights). */
  if (owner.t.tid[c][i] != (uint32_t)bh_raw_gettid())
    return NULL;
  *claim = __atomic_load_n(&owner.t.claim[c][i], __ATOMIC_RELAXED);
  return d->stack_lo + i * BH_STACK_SIZE + BH_PAGE + BH_EXC_STACK;
}

/* The lowest usable byte of the stack whose ring is at ring (above the
 * ring and its guard page), and its end (one past its header). */
static char *ring_stack_low(char *ring) {
  return ring + BH_UNWIND_RING + BH_PAGE;
}
static char *ring_stack_end(char *ring) {
  return ring_stack_low(ring) + BH_STACK_SIZE - BH_STACK_LOW;
}

/* Every record of a call out still to be returned to lies at or above the
 * stack's mark: a call out points the mark at its record, and whatever
 * runs below it moves the mark lower or back (trampolines, signals.c).
 * Records lie 8 mod 16 (the call's return address, then eight pushes).
 * The scan's length is what the unwinding or the jump left dead (all of
 * the stack if a key-0 slot had the mark moved to its bottom). */
void bh_stack_void_records(int c, const char *below) {
  uint64_t claim;
  char *ring = bh_stack_ring(c, below, &claim);
  if (!ring)
    return;
  const struct bulkhead_domain *d = bh_domain_at((size_t)c);
  char *low = ring_stack_low(ring), *end = ring_stack_end(ring);
  char *mark = *(char **)(end - BH_STACK_MARK_BELOW);
  if (mark < low)
    mark = low;
  if (below > end - BH_STACK_HEADER)
    below = end - BH_STACK_HEADER;
  uint64_t plain = *(const uint64_t *)(d->stack_lo - BH_COOKIE_BELOW),
           marked = plain ^ BH_STATIC_FRAME_MARK;
  for (uint64_t *w = (uint64_t *)(((uintptr_t)mark & ~(uintptr_t)15) + 8);
       (char *)w < below; w += 2)
    if (*w == marked)
      *w = 0;
  /* A run-time-chosen call's record (abi.h, BH_RECORD_*): c's index, then
   * c's plain cookie, 8-aligned (review 57, attacks-rev57-stale-record-*). */
  for (uint64_t *w = (uint64_t *)((uintptr_t)mark & ~(uintptr_t)7);
       (char *)(w + 2) <= below; w++)
    if (w[0] == (uint64_t)c && w[1] == plain)
      w[1] = 0;
}

/* Whether v lies in a compartment's stack arena. */
static int in_an_arena(uintptr_t v) {
  struct bulkhead_domain *d;
  bh_for_each_domain(i, d) {
    if (d->stack_lo && v >= (uintptr_t)d->stack_lo - BH_ARENA_GUARD &&
        v <= (uintptr_t)d->stack_hi)
      return 1;
  }
  return 0;
}

/* Whether [from, hi) is all mapped (msync says so without a side effect):
 * one stack, not two with unmapped memory between. */
static int one_stack(uintptr_t from, uintptr_t hi) {
  uintptr_t p = from & ~(uintptr_t)(BH_PAGE - 1);
  return hi > p &&
         !bh_raw_syscall(SYS_msync, (long)p, (long)(hi - p), MS_ASYNC, 0);
}

/* An entry into c (pass/Stacks.cpp, writeCompartmentFrameTop) leaves at
 * the top T of its frames the frame BH_FRAME_*, whose old slot is T
 * itself and whose saved pointer is the caller's stack pointer. The frames
 * of an entry whose caller's frame a jump skips are dead, and so is all of
 * c's stack below the outermost such frame's top: the calls out the entry
 * made, and the entries they made, are nested in it. So the voiding runs
 * up to the highest frame top, above the mark, whose saved pointer lies in
 * [lo, hi) and in no compartment's arena: frames read as such from c's
 * data (an old entry's frame among its locals, words copied from input)
 * only add to what is voided, live records too (their ways back trap),
 * and a real one is always found. An entry from another compartment is
 * taken as live (its caller's pointer is in that one's arena). A switch
 * (setcontext, swapcontext; signals.c, leaving_to) to a context on another
 * stack leaves the switching one's frames live: it may be switched back
 * to. So there only an entry whose caller's frame is on the stack the
 * switch goes to (all mapped from it up to hi) is skipped. */
static uintptr_t void_entered(uintptr_t c, uintptr_t lo, uintptr_t hi,
                              int switched) {
  uint64_t claim;
  char *ring = bh_stack_ring_mine((int)c, &claim);
  if (!ring)
    return 0;
  char *low = ring_stack_low(ring), *end = ring_stack_end(ring),
       *mark = *(char **)(end - BH_STACK_MARK_BELOW), *below = NULL;
  if (mark < low)
    mark = low;
  for (char *t =
           (char *)(((uintptr_t)mark + 15) & ~(uintptr_t)15) + BH_FRAME_SIZE;
       t <= end - BH_STACK_HEADER; t += 16) {
    char *frame = t - BH_FRAME_SIZE;
    uintptr_t from = *(uintptr_t *)(frame + BH_FRAME_FROM_SP);
    if (*(char **)(frame + BH_FRAME_TO_OLD_SLOT) == t && from >= lo &&
        from < hi && !in_an_arena(from) && (!switched || one_stack(from, hi)))
      below = t;
  }
  if (below)
    bh_stack_void_records((int)c, below);
  return 0;
}

/* A jump with c's rights to `to`, off c's stacks, skips every entry into
 * c whose caller's frame lies below `to` on the stack it goes to (not
 * only the outermost one: a nested entry's caller may be default code
 * that a call out of c runs, review 63b), and all of them if it skips
 * the outermost entry. */
void bh_stack_left(int c, uintptr_t to) {
  void_entered((uintptr_t)c, 0, to + 1, 1);
  uint64_t claim;
  char *ring = bh_stack_ring_mine(c, &claim);
  if (!ring)
    return;
  char *top = ring_stack_end(ring) - BH_STACK_HEADER,
       *frame = top - BH_FRAME_SIZE;
  /* And all of the stack if the outermost entry is left: unless the
   * target is deeper than that entry's caller on the caller's own stack
   * (a setjmp in a callback the compartment called), a jump to another
   * stack leaves it too (review 63a, stacks-rev63a-longjmp-other-stack-
   * leak.c: a coroutine's entry left by a longjmp to main's stack),
   * though a context saved inside such a callback and switched back to
   * later then finds its way back voided, and traps. */
  uintptr_t from = *(uintptr_t *)(frame + BH_FRAME_FROM_SP);
  if (*(char **)(frame + BH_FRAME_TO_OLD_SLOT) == top && !in_an_arena(from) &&
      (from <= to || !one_stack(to, from)))
    bh_stack_void_records(c, top);
}

uintptr_t bh_stack_void_skipped(uintptr_t c, uintptr_t lo, uintptr_t hi,
                                uintptr_t caller_sp) {
  (void)caller_sp;
  return void_entered(c, lo, hi, 0);
}

uintptr_t bh_stack_void_switched(uintptr_t c, uintptr_t lo, uintptr_t hi,
                                 uintptr_t caller_sp) {
  (void)caller_sp;
  return void_entered(c, lo, hi, 1);
}

char *bh_stack_ring_mine(int c, uint64_t *claim) {
  if (c < 0 || c >= BH_MAX_COMPARTMENTS || (size_t)c >= bh_domain_count())
    return NULL;
  const struct bulkhead_domain *d = bh_domain_at((size_t)c);
  if (!d->stack_lo)
    return NULL;
  /* Found by its owner's id in the read-only table, not by a key-0 hint
   * (no libc: a compartment's rights). */
  uint32_t tid = (uint32_t)bh_raw_gettid();
  for (int i = 0; i < BH_STACKS_PER_ARENA; i++)
    if (__atomic_load_n(&owner.t.tid[c][i], __ATOMIC_RELAXED) == tid) {
      *claim = __atomic_load_n(&owner.t.claim[c][i], __ATOMIC_RELAXED);
      return d->stack_lo + (size_t)i * BH_STACK_SIZE + BH_PAGE + BH_EXC_STACK;
    }
  return NULL;
}
