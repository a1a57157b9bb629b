// Shared code called from a compartment runs with its rights, and glibc's
// own code trusts the thread control block, key-0 memory: its THREAD_SELF
// (the word at %fs:0x10) is where a cancellable system call (read, write,
// ...) of a multi-threaded process sets and clears the thread's
// asynchronous-cancellation bit (`lock cmpxchg` on self->cancelhandling,
// glibc 2.36). The default domain points that word so that
// self->cancelhandling is a word of the vault's data, the vault calls
// read() on an empty pipe, and while it blocks a second default-domain
// thread puts the word back and lets the read finish: libc has set the bit
// in the vault's data, with the vault's rights, and cleared it in the real
// TCB. A one-bit write at an address of the attacker's choice; glibc
// reads %fs:0 and %fs:0x10 in hundreds of places. Found while fixing
// errno. OPEN (threat-model.md, "errno and the thread pointer", shared
// code): expected to fail (the vault's word changes) until fixed.
// XFAIL: *
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -pthread %s -o %t
// RUN: %run %t | FileCheck %s
// CHECK: attacks-libc-thread-self: ok
#include "Inputs/check.h"
#include <pthread.h>

BULKHEAD_DATA(vault) static long words[16]; /* all 0 */

BULKHEAD_ENTRY(vault) long vault_read(int fd) {
  char c;
  return read(fd, &c, 1);
}
BULKHEAD_ENTRY(vault) long vault_word(int k) { return words[k]; }
BULKHEAD_ENTRY(vault) void *vault_where(void) { return &words[8]; }

static int fds[2];
static char **self_word; /* the main thread's THREAD_SELF, %fs:0x10 */
static char *real_self;

static void *helper(void *arg) {
  (void)arg;
  usleep(200 * 1000); /* the vault is blocked in read() by now */
  *self_word = real_self;
  CHECK(write(fds[1], "x", 1) == 1);
  return NULL;
}

/* Where cancelhandling is in struct pthread: the word that changes by
 * exactly the asynchronous bit (2) when the cancellation type does. */
static long cancelhandling_offset(char *self) {
  static unsigned before[1024];
  int old;
  memcpy(before, self, sizeof before);
  CHECK(pthread_setcanceltype(PTHREAD_CANCEL_ASYNCHRONOUS, &old) == 0);
  unsigned *after = (unsigned *)self;
  long found = -1;
  for (int k = 0; k < 1024; k++)
    if ((after[k] ^ before[k]) == 2)
      found = 4L * k;
  CHECK(pthread_setcanceltype(old, NULL) == 0);
  return found;
}

int main(void) {
  __asm__ volatile("movq %%fs:0x10, %0" : "=r"(real_self));
  long off = cancelhandling_offset(real_self);
  CHECK(off > 0);
  self_word = (char **)(real_self + 0x10);
  CHECK(pipe(fds) == 0);
  pthread_t t;
  CHECK(pthread_create(&t, NULL, helper, NULL) == 0); /* multi-threaded */
  char *target = vault_where();
  *self_word = target - off; /* a key-0 store */
  long r = vault_read(fds[0]);
  CHECK(pthread_join(t, NULL) == 0);
  long now = vault_word(8);
  printf("read %ld, vault word %#lx\n", r, now);
  if (now) {
    puts("attacks-libc-thread-self: BROKEN: libc set a bit in the vault's data");
    return 1;
  }
  puts("attacks-libc-thread-self: ok");
  return 0;
}
