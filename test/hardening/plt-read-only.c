// Issue 11, review 19: no PLT jump of a start-up object reads a writable
// GOT word (runtime/plt.c). Debian's libc.so.6, libgcc_s and ld.so keep
// words of their .got.plt outside RELRO. Here every such word of every
// loaded object is overwritten with a non-canonical address (attacker A:
// key-0 stores), and libc, called from the vault and from the program,
// still works: its PLT jumps read read-only copies. Before the fix the
// first call through an overwritten word crashed (and a chosen address
// ran with the vault's rights: dso/attacks-rev19-*.test). The copy that
// libc's realloc jump now reads is found from libc's file: a store to it
// faults, and under the filter (attacker B) an mprotect of it is refused;
// without the filter the jumps are moved all the same.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t | FileCheck %s --check-prefixes=CHECK,ON
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-syscall-filter -O2 %s -o %t.off
// RUN: %run %t.off | FileCheck %s --check-prefixes=CHECK,OFF
// CHECK: libc.so.6: writable GOT words overwritten: {{[1-9][0-9]+}}
// CHECK-NEXT: the vault: argz ok, qsort ok, strdup ok
// CHECK-NEXT: the program: snprintf ok, realloc ok
// CHECK-NEXT: realloc's jump reads a copy: yes
// CHECK-NEXT: a store to the copy: stopped by signal 11
// ON-NEXT: mprotect of the copy: stopped by signal 9
// OFF-NEXT: mprotect of the copy: 0
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: plt-read-only: done
#define _GNU_SOURCE
#include "../dso/Inputs/got-slot.h"
#include "Inputs/plt-copy.h"
#include <argz.h>
#include <bulkhead.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define BAD 0x4141414141414141UL

BULKHEAD_DATA(vault) static char key[] = "vault-key";

BULKHEAD_INTERNAL(vault) static int by_value(const void *a, const void *b) {
  return *(const int *)a - *(const int *)b;
}

/* What went wrong: 1 argz, 2 qsort, 4 strdup. */
BULKHEAD_ENTRY(vault) int vault_uses_libc(void) {
  int wrong = 0;
  char *v = NULL;
  size_t n = 0;
  if (argz_add(&v, &n, key) || argz_add(&v, &n, key) || n != 20)
    wrong |= 1;
  free(v);
  int a[300];
  for (int i = 0; i < 300; i++)
    a[i] = (i * 7919) % 300;
  qsort(a, 300, sizeof *a, by_value);
  for (int i = 0; i < 300; i++)
    if (a[i] != i)
      wrong |= 2;
  char *d = strdup(key);
  if (!d || strcmp(d, key))
    wrong |= 4;
  free(d);
  return wrong;
}

/* Whether [a, a + 8) is in a writable segment of the object and outside
 * its RELRO. */
static int writable(const struct dl_phdr_info *info, uintptr_t a) {
  int in = 0;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    uintptr_t lo = info->dlpi_addr + ph->p_vaddr, hi = lo + ph->p_memsz;
    if (a + 8 <= lo || a >= hi)
      continue;
    if (ph->p_type == PT_GNU_RELRO)
      return 0;
    if (ph->p_type == PT_LOAD && (ph->p_flags & PF_W))
      in = 1;
  }
  return in;
}

static long libc_words;

static int overwrite(struct dl_phdr_info *info, size_t size, void *unused) {
  (void)size, (void)unused;
  const ElfW(Rela) *r = (const ElfW(Rela) *)got_dyn(info, DT_JMPREL, 1);
  size_t n = r ? got_dyn(info, DT_PLTRELSZ, 0) / sizeof *r : 0;
  for (size_t i = 0; i < n; i++) {
    uintptr_t a = info->dlpi_addr + r[i].r_offset;
    if (!writable(info, a))
      continue;
    *(volatile uintptr_t *)a = BAD;
    if (strstr(info->dlpi_name, "libc.so.6"))
      libc_words++;
  }
  return 0;
}

/* Runs what(arg) in a child: how it ended. */
static void in_child(const char *name, void (*what)(uintptr_t), uintptr_t arg) {
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    what(arg);
    _exit(0);
  }
  int st;
  waitpid(pid, &st, 0);
  if (WIFSIGNALED(st))
    printf("%s: stopped by signal %d\n", name, WTERMSIG(st));
  else
    printf("%s: %d\n", name, WEXITSTATUS(st));
}

static void store(uintptr_t a) {
  *(volatile uintptr_t *)a = BAD;
  puts("ATTACK SUCCEEDED: the copy was written");
}

static void unprotect(uintptr_t a) {
  _exit(mprotect((void *)(a & ~(uintptr_t)4095), 4096, PROT_READ | PROT_WRITE));
}

int main(void) {
  struct find f = {got_slot("libc.so.6", "realloc"), 0};
  dl_iterate_phdr(overwrite, NULL);
  printf("libc.so.6: writable GOT words overwritten: %ld\n", libc_words);
  int w = vault_uses_libc();
  printf("the vault: argz %s, qsort %s, strdup %s\n", w & 1 ? "wrong" : "ok",
         w & 2 ? "wrong" : "ok", w & 4 ? "wrong" : "ok");
  char line[64];
  char *p = realloc(NULL, 10);
  p = realloc(p, 100000);
  snprintf(line, sizeof line, "%s %d", "snprintf", 42);
  printf("the program: %s, realloc %s\n",
         strcmp(line, "snprintf 42") ? "wrong" : "snprintf ok",
         p ? "ok" : "wrong");
  free(p);
  dl_iterate_phdr(find_copy, &f);
  int moved = f.slot && f.copy && f.copy != f.slot;
  printf("realloc's jump reads a copy: %s\n", moved ? "yes" : "no");
  if (!moved)
    return 1;
  in_child("a store to the copy", store, f.copy);
  in_child("mprotect of the copy", unprotect, f.copy);
  puts("plt-read-only: done");
  return 0;
}
