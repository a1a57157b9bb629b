/* rseq.c - no restartable sequence moves a thread's instruction pointer
 * (issue 11, review 21).
 *
 * When the kernel returns to a thread it preempted, migrated or signalled,
 * it reads the thread's registered struct rseq, and if the descriptor
 * rseq_cs there covers the interrupted instruction it jumps to the
 * descriptor's abort address (if the 4 bytes before it are the signature
 * registered), PKRU unchanged. glibc registers a struct rseq per thread
 * in its TCB, key-0 memory: a store of rseq_cs sent a compartment's thread
 * to any code preceded by glibc's signature (attacker A), and a new
 * registration with a signature of the attacker's to code of its own
 * (attacker B, hardening/attacks-rev21-rseq-abort.c), with the
 * compartment's rights. So a protected program does without rseq: start-up
 * unregisters the main thread's, the runtime's thread start every other
 * thread's that glibc registered, and the system-call filter answers rseq
 * with ENOSYS, which glibc takes as "not available". glibc's sched_getcpu
 * would still answer the area's cpu_id whenever it is not negative, a
 * word no kernel writes any more and any store can set (review 24): the
 * runtime's sched_getcpu, which the program's and every library's calls
 * reach first, asks the vDSO.
 *
 * Without that filter (-fno-pkey-syscall-filter) glibc still registers
 * threads it starts itself (timer_create's SIGEV_THREAD, aio, mq_notify:
 * past the runtime's thread start) when key-0 memory says so (the
 * creator's cpu_id), so the kernel must refuse there too: a filter of one
 * rule, rseq answers ENOSYS (review 23,
 * hardening/attacks-rev23-rseq-timer-thread.c).
 */
#define _GNU_SOURCE
#include "internal.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <string.h>
#include <sys/prctl.h>
#include <sched.h>
#include <sys/rseq.h>
#include <sys/syscall.h>
#include <unistd.h>

void bh_rseq_off(void) {
  if (!__rseq_size)
    return; /* glibc registers none */
  struct rseq *area = (struct rseq *)(bh_fs_base() + __rseq_offset);
  /* Not glibc's word for it (cpu_id, key-0 memory): the kernel's. EINVAL:
   * this thread has no registration of that area. */
  if (syscall(SYS_rseq, area, sizeof *area, RSEQ_FLAG_UNREGISTER, RSEQ_SIG) &&
      errno != EINVAL && errno != ENOSYS)
    bh_fatal("cannot unregister glibc's restartable sequence area (%s): the "
             "kernel could move a compartment's thread to code it names",
             strerror(errno));
  area->cpu_id = (uint32_t)RSEQ_CPU_ID_REGISTRATION_FAILED;
}

/* Interposes libc's (see above); getcpu goes to the vDSO (its address is
 * in ld.so's read-only data). */
int sched_getcpu(void) {
  unsigned cpu;
  return getcpu(&cpu, NULL) ? -1 : (int)cpu;
}

void bh_rseq_refuse(void) {
  enum { X32_BIT = 0x40000000, I386_RSEQ = 386 };
  struct sock_filter prog[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_I386, 0, 2),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, I386_RSEQ, 4, 3),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
      BPF_STMT(BPF_ALU | BPF_AND | BPF_K, ~(uint32_t)X32_BIT), /* x32 too */
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_rseq, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
  };
  struct sock_fprog fprog = {sizeof prog / sizeof *prog, prog};
  /* no_new_privs only where seccomp needs it (no CAP_SYS_ADMIN): a root
   * program opting out of the filter keeps its setuid executables. */
  long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
                   SECCOMP_FILTER_FLAG_TSYNC, &fprog);
  if (r && errno == EACCES && !prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
    r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
                SECCOMP_FILTER_FLAG_TSYNC, &fprog);
  if (r)
    bh_fatal("cannot refuse restartable sequences (a seccomp filter of one "
             "rule: %s): the kernel could move a compartment's thread to code "
             "key-0 memory names",
             strerror(errno));
}
