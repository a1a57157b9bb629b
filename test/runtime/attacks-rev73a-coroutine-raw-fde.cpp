// Review 73a, attacker model A (one key-0 store, no system call):
// attacks-unwind-libstdcxx-personality.cpp again, in a vault coroutine.
// What: the runtime's checked copy of an FDE (runtime/unwind-copy.c)
// lives in the ring of this thread's stack of the compartment, which
// this_ring found from the unwinder's stack pointer. A compartment whose
// code runs on a stack of its own (makecontext on its own memory: a
// coroutine, a generator) had no ring there: bh_unwind_copy answered "no
// compartment stack" and unwind-find.c handed libgcc_s the objects' own
// FDEs, as before review 22, with the compartment's rights: libstdc++'s
// frames name their personality routine through DW.ref.__gxx_personality_v0
// in libstdc++'s writable .data (key 0), and the search phase calls it
// for every such frame before any landing pad runs (the coroutine's own
// catch then traps at its pad's check of rsp, review 58b: too late).
// Signal frames and the sigreturn stub were let through there too
// (bh_unwind_signal_frame_ok: no ring).
// How: the vault runs a coroutine on a stack in its own data (its key):
// getcontext, makecontext, swapcontext, all with the vault's rights (a
// pointer to a vault function taken in the vault is entered without a
// switch). The coroutine calls std::vector::at out of range (an index
// from its input, say), which throws from inside libstdc++
// (std::__throw_out_of_range_fmt). Before, the program stores the address
// of steal (code of its choosing, as in the original test: it copies
// through key-0 pointers, then calls the real routine) into libstdc++'s
// word. The program's SIGILL handler reports what its memory holds.
// Control "default": the same store, the program's own throw through
// libstdc++ (its rights): steal runs (it copies a key-0 decoy), so the
// store reaches the unwinder. Control "arena": the same store, the same
// throw in the vault on its own stack: the copy's recorded routine,
// nothing stolen.
// Seen in the guest (LLVM 19, -O2, filter on) on main at c048756: default
// "steal ran: DECOY"; arena "caught in the vault: 1", "nothing stolen";
// attack "signal 4", "ATTACK SUCCEEDED: the vault's key in the program's
// memory: TOP-SECRET-VAULT-KEY", 3 of 3.
// Fixed (runtime/unwind-copy.c, ring_here): off the compartment's stacks
// the ring is the first stack of it the owner table gives the thread;
// there a throw (or forced unwind) stops the program with one line at its
// first frame, before any personality routine (its pad would trap
// anyway), signal frames are refused as on its stacks, and only the
// runtime's own walks (backtrace) still read the objects' FDEs.
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 %s -o %t
// RUN: %run %t default | FileCheck %s --check-prefix=DEFAULT
// RUN: %run %t arena | FileCheck %s --check-prefix=ARENA
// RUN: %run %t > %t.out 2>&1 || true
// RUN: FileCheck %s < %t.out
// DEFAULT: caught in the program: 1
// DEFAULT-NEXT: steal ran: DECOY
// ARENA: libstdc++'s personality word: found
// ARENA-NEXT: caught in the vault: 1
// ARENA-NEXT: nothing stolen
// CHECK: libstdc++'s personality word: found
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: bulkhead: error: the unwinder cannot unwind the frame at pc {{.*}} with a compartment's rights: the compartment's code runs off its stacks
// CHECK-NOT: ATTACK SUCCEEDED
#include <bulkhead.h>
#include <stdexcept>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <signal.h>
#include <ucontext.h>
#include <unistd.h>
#include <unwind.h>
#include <vector>

BULKHEAD_DATA(vault) char vault_key[32] = "TOP-SECRET-VAULT-KEY";
#include "Inputs/libstdcxx-personality-word.h"
BULKHEAD_DATA(vault) static char co_stack[65536] __attribute__((aligned(16)));
BULKHEAD_DATA(vault) static ucontext_t co_main, co_ctx;
BULKHEAD_DATA(vault) static int co_result;
BULKHEAD_DATA(vault) static int co_index;

extern "C" BULKHEAD_ENTRY(vault) int vault_at(int i) {
  std::vector<int> v(3);
  try {
    return v.at((size_t)i); /* throws from inside libstdc++ */
  } catch (std::out_of_range &) {
    return 1;
  }
}

extern "C" BULKHEAD_ENTRY(vault) void vault_coroutine(void) {
  co_result = vault_at(co_index);
}

/* The vault's own coroutine, on its own stack (its data, its key). */
extern "C" BULKHEAD_ENTRY(vault) int vault_at_in_coroutine(int i) {
  co_index = i;
  co_result = -1;
  if (getcontext(&co_ctx))
    return -2;
  co_ctx.uc_stack.ss_sp = co_stack;
  co_ctx.uc_stack.ss_size = sizeof co_stack;
  co_ctx.uc_link = &co_main;
  makecontext(&co_ctx, vault_coroutine, 0);
  if (swapcontext(&co_main, &co_ctx))
    return -3;
  return co_result;
}

static const char decoy[32] = "DECOY";

/* The program's own throw from inside libstdc++, with its rights. */
static int program_at(int i) {
  std::vector<int> v(3);
  try {
    return v.at((size_t)i);
  } catch (std::out_of_range &) {
    return 1;
  }
}

/* The end of the run: what the program's memory holds. */
static void verdict(void) {
  if (!strcmp(stolen, "DECOY"))
    puts("steal ran: DECOY");
  else if (strstr(stolen, "TOP-SECRET"))
    printf("ATTACK SUCCEEDED: the vault's key in the program's memory: %s\n",
           stolen);
  else
    puts("nothing stolen");
}

/* A catch with the vault's rights off its stacks traps (review 58b): the
 * coroutine's own catch stops the process; the search phase before it
 * called every frame's personality routine. */
static void on_signal(int sig) {
  printf("signal %d\n", sig);
  verdict();
  _exit(0);
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  signal(SIGILL, on_signal);
  signal(SIGSEGV, on_signal);
  signal(SIGABRT, on_signal);
  int dflt = argc > 1 && !strcmp(argv[1], "default");
  int arena = argc > 1 && !strcmp(argv[1], "arena");
  {
    void **word = NULL;
    dl_iterate_phdr(find_word, &word);
    printf("libstdc++'s personality word: %s\n", word ? "found" : "not found");
    void *p;
    __asm__("leaq steal(%%rip), %0" : "=r"(p));
    if (word)
      *word = p; /* the one store */
  }
  if (dflt) {
    from = decoy;
    printf("caught in the program: %d\n", program_at(7));
    verdict();
    return 0;
  }
  int r = arena ? vault_at(7) : vault_at_in_coroutine(7);
  printf("caught in the vault: %d\n", r);
  verdict();
  return 0;
}
