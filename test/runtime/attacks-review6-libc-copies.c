// Review 6 (attacker A): more libc functions that put a compartment's
// data in key-0 memory, not in docs/heaps.md's table ("libc functions that
// copy compartment data"). libc's own allocations come from the shared
// heap (runtime/heap.c alloc_index: the caller's return address is in
// libc), and libc's static buffers are key-0 data, so the default domain
// reads the vault's data through the pointer the vault keeps:
// - obstack: the chunk allocator the caller names (malloc) is called from
//   libc's _obstack_newchunk, so every chunk, and all the vault puts in
//   its obstack, is in the shared heap;
// - glob with GLOB_NOCHECK: the pattern comes back copied in gl_pathv;
// - fmemopen with a NULL buffer: libc allocates the buffer; on an
//   unbuffered FILE (the table's own way around stdio's buffers) the data
//   written goes straight there;
// - l64a, inet_ntoa, ether_ntoa: static result buffers (libc's key-0 data
//   or TLS) holding an encoding of the vault's bytes, as ecvt's does;
// - getpass: the password it reads is in a buffer libc's getline
//   allocates, besides the FILE's buffer the table's stdio row covers
//   (here read from standard input: the guest has no terminal).
// strdup is checked first: it stays private. Reproduced in the QEMU guest
// (glibc 2.36). The test fails while any of them leaves a copy on key 0.
// The fix: run them as the runtime's (as strdup, qsort), or list them in
// heaps.md's table with the way around each.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t | FileCheck %s
// CHECK: vault's strdup: private
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: attacks-review6-libc-copies: ok
// XFAIL: *
#include "Inputs/check.h"

#include <arpa/inet.h>
#include <glob.h>
#include <netinet/ether.h>
#include <obstack.h>

BULKHEAD_DATA(vault) static char narrow[32] = "the vault's narrow secret";
BULKHEAD_DATA(vault) static unsigned char raw[8] = {0xde, 0xad, 0xbe, 0xef, 0x12, 0x34};
BULKHEAD_DATA(vault) static void *kept[8];
BULKHEAD_DATA(vault) static struct obstack ob;
BULKHEAD_DATA(vault) static glob_t g;

enum { STRDUP, OBSTACK, GLOB, FMEMOPEN, L64A, INET_NTOA, ETHER_NTOA, GETPASS, HOW };
static const char *const names[HOW] = {"strdup",    "obstack",   "glob",
                                       "fmemopen",  "l64a",      "inet_ntoa",
                                       "ether_ntoa", "getpass"};

/* glibc's FILE from fopencookie (fmemopen's): the FILE, its vtable
 * pointer, then the cookie, whose first word is the buffer. */
struct cookie_file {
  FILE f;
  void *vtable;
  void *cookie;
};

/* Keeps a working copy of its secret, made one way or another. */
BULKHEAD_ENTRY(vault) void *vault_copy(int how) {
  void *r = NULL;
  switch (how) {
  case STRDUP:
    r = strdup(narrow);
    break;
  case OBSTACK:
    if (_obstack_begin(&ob, 0, 0, (void *(*)(long))malloc, free))
      r = obstack_copy0(&ob, narrow, strlen(narrow));
    break;
  case GLOB:
    if (glob(narrow, GLOB_NOCHECK, NULL, &g) == 0 && g.gl_pathc)
      r = g.gl_pathv[0];
    break;
  case FMEMOPEN: {
    FILE *f = fmemopen(NULL, 64, "w+");
    if (f) {
      setvbuf(f, NULL, _IONBF, 0);
      fputs(narrow, f);
      r = *(void **)((struct cookie_file *)f)->cookie;
    }
    break;
  }
  case L64A: {
    long v;
    memcpy(&v, raw, sizeof v);
    r = l64a(v & 0xffffffff);
    break;
  }
  case INET_NTOA: {
    struct in_addr a;
    memcpy(&a, raw, 4);
    r = inet_ntoa(a);
    break;
  }
  case ETHER_NTOA:
    r = ether_ntoa((const struct ether_addr *)raw);
    break;
  case GETPASS:
    r = getpass("");
    break;
  }
  kept[how] = r;
  return r;
}

int main(void) {
  int vault_key = bulkhead_compartment_pkey("vault");
  CHECK(vault_key > 0);
  /* The password getpass will read. */
  int in[2];
  CHECK(pipe(in) == 0 && dup2(in[0], 0) == 0);
  CHECK(write(in[1], "the vault's password\n", 21) == 21);
  close(in[1]);
  char *s = vault_copy(STRDUP);
  CHECK(s && page_pkey(s) == vault_key);
  printf("vault's strdup: private\n");
  int leaked = 0;
  for (int how = OBSTACK; how < HOW; how++) {
    char *r = vault_copy(how);
    if (!r) {
      printf("%s: no result\n", names[how]);
      leaked = 1;
      continue;
    }
    if (page_pkey(r) == vault_key) {
      printf("%s: private\n", names[how]);
      continue;
    }
    printf("ATTACK SUCCEEDED: the vault's %s copy %p is on key %d and reads "
           "\"%s\"\n",
           names[how], (void *)r, page_pkey(r), r);
    leaked = 1;
  }
  if (leaked)
    return 1;
  printf("attacks-review6-libc-copies: ok\n");
  return 0;
}
