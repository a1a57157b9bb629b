// Attack class: io_uring, whose operations the kernel runs without a
// system call the filter could see. The attack opens /proc/self/mem and
// reads the vault's data with IORING_OP_OPENAT and IORING_OP_READ: with
// -fno-pkey-syscall-filter it works (where the kernel has io_uring); by
// default io_uring_setup is refused for every task with one line.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-syscall-filter -O2 %s -o %t.off
// RUN: %run %t.off | FileCheck %s --check-prefix=OFF
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t.on
// RUN: %run %t.on > %t.out 2> %t.err
// RUN: FileCheck %s --check-prefix=ON < %t.out
// RUN: FileCheck %s --check-prefix=ERR < %t.err
// OFF: == uring
// OFF-NEXT: ATTACK SUCCEEDED: io_uring read "vault-secret
// ON-NOT: ATTACK SUCCEEDED
// ON: uring: stopped by signal 31
// ON: parent's vault intact: 1
// ERR: bulkhead: denied: io_uring_setup(0x4, 0x{{[0-9a-f]+}}, {{.*}}) from the default domain — io_uring makes system calls the filter never sees
#include "Inputs/target.h"
#include <linux/io_uring.h>
#include <stdatomic.h>

struct ring {
  int fd;
  unsigned *sq_tail, *sq_mask, *sq_array, *cq_head, *cq_tail, *cq_mask;
  struct io_uring_sqe *sqes;
  struct io_uring_cqe *cqes;
};

static int ring_open(struct ring *r) {
  struct io_uring_params p;
  memset(&p, 0, sizeof p);
  r->fd = (int)syscall(SYS_io_uring_setup, 4, &p);
  if (r->fd < 0)
    return -1;
  size_t sq = p.sq_off.array + p.sq_entries * sizeof(unsigned);
  size_t cq = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
  char *s = mmap(NULL, sq, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd,
                 IORING_OFF_SQ_RING);
  char *c = mmap(NULL, cq, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd,
                 IORING_OFF_CQ_RING);
  r->sqes = mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE,
                 MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQES);
  if (s == MAP_FAILED || c == MAP_FAILED || r->sqes == MAP_FAILED)
    return -1;
  r->sq_tail = (unsigned *)(s + p.sq_off.tail);
  r->sq_mask = (unsigned *)(s + p.sq_off.ring_mask);
  r->sq_array = (unsigned *)(s + p.sq_off.array);
  r->cq_head = (unsigned *)(c + p.cq_off.head);
  r->cq_tail = (unsigned *)(c + p.cq_off.tail);
  r->cq_mask = (unsigned *)(c + p.cq_off.ring_mask);
  r->cqes = (struct io_uring_cqe *)(c + p.cq_off.cqes);
  return 0;
}

/* Submits one operation and waits for its result. */
static int ring_run(struct ring *r, const struct io_uring_sqe *op) {
  unsigned t = *r->sq_tail, i = t & *r->sq_mask;
  r->sqes[i] = *op;
  r->sq_array[i] = i;
  atomic_store_explicit((_Atomic unsigned *)r->sq_tail, t + 1, memory_order_release);
  if (syscall(SYS_io_uring_enter, r->fd, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0) < 0)
    return -1;
  unsigned h = *r->cq_head;
  if (h == atomic_load_explicit((_Atomic unsigned *)r->cq_tail, memory_order_acquire))
    return -1;
  int res = r->cqes[h & *r->cq_mask].res;
  atomic_store_explicit((_Atomic unsigned *)r->cq_head, h + 1, memory_order_release);
  return res;
}

static void uring(void) {
  struct ring r;
  static char buf[64];
  int n = -1;
  if (ring_open(&r) == 0) {
    struct io_uring_sqe op;
    memset(&op, 0, sizeof op);
    op.opcode = IORING_OP_OPENAT;
    op.fd = AT_FDCWD;
    op.addr = (uintptr_t) "/proc/self/mem";
    op.open_flags = O_RDONLY;
    int fd = ring_run(&r, &op);
    if (fd >= 0) {
      memset(&op, 0, sizeof op);
      op.opcode = IORING_OP_READ;
      op.fd = fd;
      op.addr = (uintptr_t)buf;
      op.len = 40;
      op.off = (uintptr_t)vault_data;
      n = ring_run(&r, &op);
    }
  }
  report_read("io_uring", n > 0 ? buf : NULL);
}

int main(void) {
  struct attack a[] = {{"uring", uring}};
  return run_attacks(a, 1);
}
