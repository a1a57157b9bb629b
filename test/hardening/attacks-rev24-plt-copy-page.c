// Review 24, attacker model B (the default domain's program counter, any
// system call the filter lets through): ways around the read-only page of
// copies that libc's PLT jumps read (runtime/plt.c). plt-read-only.c
// tries a store and mprotect; here the other calls that could put a
// writable page, or other bytes, where the copies are: munmap then mmap,
// mmap(MAP_FIXED) over it, mremap(MREMAP_FIXED) of a page of ours onto
// it, madvise(MADV_DONTNEED) (a private anonymous page reads back as
// zeros), shmat(SHM_REMAP) onto it, pkey_mprotect, and a write through
// /proc/self/mem. Each runs in a child (a fork keeps the filter and the
// supervisor's rules); after the call the child stores to the copy.
// Held in the guest: every attempt stops the child (signal 9, or 11 for
// the store when the call answered an error).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t | FileCheck %s
// CHECK: realloc's jump reads a copy: yes
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: attacks-rev24-plt-copy-page: done
#define _GNU_SOURCE
#include "../dso/Inputs/got-slot.h"
#include "Inputs/plt-copy.h"
#include <bulkhead.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define BAD 0x4141414141414141UL

BULKHEAD_DATA(vault) static char key[] = "vault-key";
BULKHEAD_ENTRY(vault) size_t vault_len(void) { return strlen(key); }

static uintptr_t copy, page;

/* After a call that answered: is the copy still the one libc reads? */
static void check(long r, const char *what) {
  uintptr_t was = *(volatile uintptr_t *)copy;
  *(volatile uintptr_t *)copy = BAD; /* faults where the page held */
  if (*(volatile uintptr_t *)copy == BAD)
    printf("ATTACK SUCCEEDED: %s (answered %ld) left a writable word where "
           "libc's realloc jump reads (it held %#lx)\n",
           what, r, (unsigned long)was);
  _exit(0);
}

static void *fresh(void) {
  return mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
              -1, 0);
}

static void attempt(int k) {
  void *p = (void *)page;
  long r = -1;
  switch (k) {
  case 0:
    r = munmap(p, 4096);
    if (!r)
      r = (long)mmap(p, 4096, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    return check(r, "munmap, then mmap");
  case 1:
    r = (long)mmap(p, 4096, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    return check(r, "mmap(MAP_FIXED)");
  case 2: {
    char *ours = fresh();
    memcpy(ours, p, 4096);
    r = (long)mremap(ours, 4096, 4096, MREMAP_MAYMOVE | MREMAP_FIXED, p);
    return check(r, "mremap(MREMAP_FIXED)");
  }
  case 3:
    r = madvise(p, 4096, MADV_DONTNEED);
    if (!r && !*(volatile uintptr_t *)copy)
      printf("ATTACK SUCCEEDED: madvise(MADV_DONTNEED) zeroed the copies\n");
    return check(r, "madvise(MADV_DONTNEED)");
  case 4: {
    int id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
    r = (long)shmat(id, p, SHM_REMAP);
    return check(r, "shmat(SHM_REMAP)");
  }
  case 5:
    r = syscall(SYS_pkey_mprotect, p, 4096, PROT_READ | PROT_WRITE, 0);
    return check(r, "pkey_mprotect");
  case 6: {
    uintptr_t bad = BAD;
    int fd = open("/proc/self/mem", O_RDWR);
    r = fd < 0 ? -1 : pwrite(fd, &bad, 8, (off_t)copy);
    if (r == 8 && *(volatile uintptr_t *)copy == BAD)
      printf("ATTACK SUCCEEDED: /proc/self/mem wrote the copy\n");
    _exit(0);
  }
  }
}

static const char *const names[] = {
    "munmap+mmap", "mmap(MAP_FIXED)", "mremap(MREMAP_FIXED)",
    "madvise(MADV_DONTNEED)", "shmat(SHM_REMAP)", "pkey_mprotect",
    "/proc/self/mem"};

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct find f = {got_slot("libc.so.6", "realloc"), 0};
  printf("the vault: %zu\n", vault_len());
  dl_iterate_phdr(find_copy, &f);
  int moved = f.slot && f.copy && f.copy != f.slot;
  printf("realloc's jump reads a copy: %s\n", moved ? "yes" : "no");
  if (!moved)
    return 1;
  copy = f.copy, page = copy & ~(uintptr_t)4095;
  for (int k = 0; k < 7; k++) {
    pid_t pid = fork();
    if (pid == 0) {
      attempt(k);
      _exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
    if (WIFSIGNALED(st))
      printf("%s: stopped by signal %d\n", names[k], WTERMSIG(st));
    else
      printf("%s: exit %d\n", names[k], WEXITSTATUS(st));
  }
  puts("attacks-rev24-plt-copy-page: done");
  return 0;
}
