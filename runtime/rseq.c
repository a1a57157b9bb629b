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
 * then asks the kernel.
 */
#define _GNU_SOURCE
#include "internal.h"

#include <errno.h>
#include <string.h>
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
