/*
 * tls.c - libc's thread-local variables (errno, h_errno, the ctype tables)
 * found without the thread pointer at %fs:0.
 *
 * glibc's __errno_location() returns the word at %fs:0 (the TCB's pointer
 * to itself) plus errno's offset. That word is key-0 memory: one store by
 * the default domain, and a compartment's `errno = 0` writes, with the
 * compartment's rights, where the attacker chose (threat-model.md, "errno
 * and the thread pointer"). Each of these variables lies at the same offset
 * from every thread's FS base (libc's TLS is in the static TLS block), so
 * the offsets are computed once here, before any compartment code runs,
 * and kept on a page that is read-only from then on. The thread's FS base
 * itself comes from the CPU: RDFSBASE where the kernel enables it
 * (AT_HWCAP2 has HWCAP2_FSGSBASE, Linux 5.9 and later), else the
 * arch_prctl(ARCH_GET_FS) system call (correct, about 30 times slower).
 * Most compartment code does not call these: the pass addresses a variable
 * it only loads or stores %fs-relative at its offset (pass/LibcTls.cpp).
 */
#define _GNU_SOURCE
#include "internal.h"

#include <asm/prctl.h>
#include <ctype.h>
#include <netdb.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef HWCAP2_FSGSBASE
#define HWCAP2_FSGSBASE (1 << 1)
#endif

/* Read by compiled compartment code (BH_SYM_TLS_OFFSETS, which the pass
 * sees as [BH_TLS_ACCESSOR_COUNT x i64]): the offsets first, by accessor
 * index. A page of its own. */
struct tls_table {
  int64_t offset[BH_TLS_ACCESSOR_COUNT];
  int fsgsbase; /* RDFSBASE works */
  int ready;    /* offsets set; before that, libc's own accessors */
  char pad[BH_PAGE - 8 * BH_TLS_ACCESSOR_COUNT - 2 * sizeof(int)];
};
_Static_assert(__builtin_offsetof(struct tls_table, offset) == 0 &&
                   sizeof(((struct tls_table *)0)->offset) ==
                       8 * BH_TLS_ACCESSOR_COUNT &&
                   sizeof(struct tls_table) == BH_PAGE,
               "the TLS offset table is not what the pass reads");
BH_HIDDEN struct tls_table bh_tls __asm__(BH_SYM_TLS_OFFSETS)
    __attribute__((aligned(BH_PAGE)));

/* This thread's FS base, from the CPU or the kernel, never from memory. */
static char *fs_base(void) {
  if (bh_tls.fsgsbase) {
    char *base;
    __asm__ volatile("rdfsbase %0" : "=r"(base));
    return base;
  }
  unsigned long base = 0;
  syscall(SYS_arch_prctl, ARCH_GET_FS, &base); /* cannot fail for ARCH_GET_FS */
  return (char *)base;
}

int bh_fsgsbase(void) { return bh_tls.fsgsbase; }
char *bh_fs_base(void) { return fs_base(); }

/* For compartment code's own thread-local variables whose address
 * escapes (pass/ThreadLocals.cpp): their offset is added to this. */
BH_HIDDEN char *bh_fs_base_for_code(void) __asm__(BH_SYM_FS_BASE);
char *bh_fs_base_for_code(void) { return fs_base(); }

#define DEFINE_ACCESSOR(i, libc, ours)                                         \
  __typeof__(libc()) ours(void) BH_HIDDEN;                                     \
  __typeof__(libc()) ours(void) {                                              \
    if (!bh_tls.ready)                                                         \
      return libc();                                                           \
    return (__typeof__(libc()))(fs_base() + bh_tls.offset[i]);                 \
  }
BH_TLS_ACCESSORS(DEFINE_ACCESSOR)

void *bh_tls_accessor(int i) {
#define ADDRESS(k, libc, ours)                                                 \
  if (i == k)                                                                  \
    return (void *)ours;
  BH_TLS_ACCESSORS(ADDRESS)
  return NULL;
}

/* Before anything else at start-up: no other thread exists yet, and no
 * compartment code has run, so %fs:0 is still the thread's own. */
void bh_tls_init(void) {
  bh_tls.fsgsbase = (getauxval(AT_HWCAP2) & HWCAP2_FSGSBASE) != 0;
  char *base = fs_base();
#define SET_OFFSET(i, libc, ours) bh_tls.offset[i] = (char *)libc() - base;
  BH_TLS_ACCESSORS(SET_OFFSET)
  bh_tls.ready = 1;
  if (mprotect(&bh_tls, sizeof bh_tls, PROT_READ))
    bh_fatal("cannot make the TLS offset table read-only");
}
