// Issue 11, attacker model A with a second thread (key-0 loads and
// stores, no system call of its own beyond the program's). Not a word of
// the exception object (attacks-rev30-landing-pad.cpp,
// attacks-rev33-unwind-stop-fn.cpp) but the per-thread list of caught
// exceptions that points to it: libstdc++'s __cxa_eh_globals, a static
// TLS variable of libstdc++'s (key-0 memory), which __cxa_begin_catch and
// __cxa_end_catch reach through __cxa_get_globals(_fast), with the rights
// of the code that caught. While the vault is inside a catch, the word
// caughtExceptions holds the address of the exception's header; the
// program's second thread finds the header by its exception class
// ("GNUCC++\0", as review 30b does), then the key-0 word that points to
// the header (the list's head, in the vault's thread's TLS), and points
// that word at a header of its own in key-0 memory: a foreign exception
// class and steal (code of the program's whose address is taken in asm,
// so no gate wraps it) as its exception_cleanup. The vault's catch waits
// for the program's acknowledgement on a pipe (the window; any catch body
// is one for a thread writing in a loop). At the end of the vault's catch
// __cxa_end_catch takes the forged header and, for a foreign exception,
// calls _Unwind_DeleteException, which calls its exception_cleanup with
// the vault's rights: steal copies the vault's key into the program's
// buffer, prints it and ends the process. The control stores nothing.
// Moving the exception object itself out of the default domain's reach
// (issue 11's fix for the two tests above) left this open: the list's
// head still decides which header __cxa_end_catch trusts. The program's
// thread then finds the head as a key-0 word holding an address 80 bytes
// into a page of the vault's (the runtime's record, 64 bytes, and
// libstdc++'s reference count come before the header on the vault's own
// exception pages), or as before by the header's class word.
//
// Seen in the guest: ATTACK SUCCEEDED with the header key-0 (3 of 3), and
// again with the header on the vault's pages before the per-domain lists
// (3 of 3, the search by page offset).
//
// Closed (issue 11, runtime/exceptions.c): the runtime defines
// __cxa_get_globals and __cxa_get_globals_fast (libstdc++ calls both
// through its PLT): with a compartment's rights they answer that thread's
// and compartment's list, in the header of the thread's unwinder ring on
// its stack of the compartment (on its key, found through the stacks'
// read-only owner table); the default domain has a list of its own. The
// program's thread finds no head ("list head not found in key-0 memory").
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 -pthread %s -o %t
// RUN: %run %t control | FileCheck %s --check-prefix=CONTROL
// RUN: %run %t | FileCheck %s
// CONTROL: list head not found in key-0 memory
// CONTROL-NEXT: caught in the vault: 4
// CHECK: list head not found in key-0 memory
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: caught in the vault: 4
#include <bulkhead.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "Inputs/key0-words.h"
#include "Inputs/exception-header.h"

BULKHEAD_DATA(vault) char vault_key[32] = "TOP-SECRET-VAULT-KEY";
BULKHEAD_DATA(vault) int vault_ack_fd;

struct E {
  int v;
};

/* The catch waits for the caller's acknowledgement. */
extern "C" BULKHEAD_ENTRY(vault) int vault_catch(int fd, int v) {
  vault_ack_fd = fd;
  try {
    if (v)
      throw E{v};
  } catch (E &e) {
    char c;
    if (read(vault_ack_fd, &c, 1) != 1)
      vault_key[0] = 0;
    return e.v + 1;
  }
  return 0;
}

#include "Inputs/steal-vault-key.h"

static int ack[2];
static int forge;
/* A header of the program's: libstdc++'s __cxa_exception (GCC 12,
 * unwind-cxx.h) is 14 words, the unwind header from word 10 on:
 * exception_class, exception_cleanup, private_1, private_2. */
static uintptr_t fake[14] __attribute__((aligned(16)));

/* The mappings whose pages carry key k, from /proc/self/smaps. */
static int keyed_regions(struct key0_region *out, int max, int k) {
  FILE *f = fopen("/proc/self/smaps", "r");
  char line[512];
  uintptr_t lo = 0, hi = 0;
  int n = 0, key;
  while (f && n < max && fgets(line, sizeof line, f)) {
    uintptr_t l, h;
    char perms[8];
    if (sscanf(line, "%lx-%lx %4s", &l, &h, perms) == 3) {
      lo = l, hi = h;
      continue;
    }
    if (sscanf(line, "ProtectionKey: %d", &key) == 1 && key == k) {
      out[n].lo = (uintptr_t *)lo;
      out[n++].hi = (uintptr_t *)hi;
    }
  }
  if (f)
    fclose(f);
  return n;
}

/* The key-0 word that holds the address of the header of the exception
 * the vault is catching: with the header in key-0 memory, found by its
 * class word (a word outside it holding its address); with the header on
 * the vault's own pages (issue 11: a page-aligned block, 64 bytes of the
 * runtime's record, then libstdc++'s reference count, 16 bytes, then the
 * header), a word holding an address at offset 80 of a page of the
 * vault's. */
static uintptr_t *find_list_head(void) {
  struct key0_region r[512], v[64];
  int k = key0_regions(r, 512);
  uintptr_t *pad = find_landing_pad();
  int nv = keyed_regions(v, 64, bulkhead_compartment_pkey("vault"));
  for (int i = 0; i < k; i++)
    for (uintptr_t *w = r[i].lo; w < r[i].hi; w++) {
      if (pad && *w == (uintptr_t)(pad - 8) &&
          ((uintptr_t)w < (uintptr_t)(pad - 10) || w >= pad + 6))
        return w;
      if (*w % 4096 != 80)
        continue;
      for (int j = 0; j < nv; j++)
        if (*w >= (uintptr_t)v[j].lo && *w < (uintptr_t)v[j].hi)
          return w;
    }
  return NULL;
}

static void *attacker(void *) {
  uintptr_t *head = NULL;
  for (int tries = 0; !(head = find_list_head()); tries++)
    if (tries == 20) {
      puts("list head not found in key-0 memory");
      fflush(stdout);
      write(ack[1], "k", 1);
      return NULL;
    } else {
      usleep(10000);
    }
  puts("list head found");
  fflush(stdout);
  if (forge) {
    uintptr_t p;
    __asm__("leaq steal(%%rip), %0" : "=r"(p));
    fake[10] = 0; /* a foreign exception class */
    fake[11] = p; /* exception_cleanup */
    *head = (uintptr_t)fake;
  }
  write(ack[1], "k", 1);
  return NULL;
}

int main(int argc, char **argv) {
  (void)argv;
  forge = argc < 2;
  if (pipe(ack))
    return 1;
  pthread_t t;
  pthread_create(&t, NULL, attacker, NULL);
  int r = vault_catch(ack[0], 3);
  pthread_join(t, NULL);
  printf("caught in the vault: %d\n", r);
  puts("nothing stolen");
  return 0;
}
