/* pad-spill-call.h - review 68b's forged call into a landing pad that
 * spills at %rbp offsets (attacks-rev68b-pad-spill.cpp, whose header says
 * the attack; review 72 repeats it against a dlopened library): fp_guard's
 * callees, the key-0 stack and buffer, attack_call (enters ENTRY on a
 * key-0 stack returning into fp_guard's try, with rbx and r12-r15 REGS and
 * rbp RBP), `landed`, the SIGSEGV handler that notes the pad's fault, the
 * check of fp_guard's bytes and launch_pad_spill(). C++, extern "C". */
#ifndef BULKHEAD_TEST_PAD_SPILL_CALL_H
#define BULKHEAD_TEST_PAD_SPILL_CALL_H
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

extern "C" {
/* 1: fp_guard returned into `landed`; 2: the pad faulted (on_segv). */
volatile int arrived;
volatile uintptr_t fault_rdi, fault_addr;
uintptr_t fake_stack[16384] __attribute__((aligned(16))); /* key 0 */
uintptr_t buffer[16];                                     /* key 0 */
/* fp_guard's callees (a dlopened object's PLT finds them: -rdynamic). */
long fp_get(long a) { return a + 1; }
void fp_use(long a, long b, long c, long d, long e, long f) {
  printf("fp_use: %#lx %#lx %#lx %#lx %#lx %#lx\n", a, b, c, d, e, f);
}
/* The attacker's call of ENTRY: on the stack TOP, returning to SITE, rbx
 * and r12-r15 REGS, rbp RBP. */
void attack_call(void *entry, uintptr_t site, uintptr_t *top, uintptr_t regs,
                 uintptr_t rbp);
}

/* landed: where fp_guard returns (keyzero); tells thread 2, and waits. */
__asm__(".text\n"
        "landed:\n"
        "  movl $1, arrived(%rip)\n"
        "1:\n"
        "  pause\n"
        "  jmp 1b\n"
        "attack_call:\n"
        "  movq %rdi, %rax\n"
        "  movq %rdx, %rsp\n"
        "  pushq %rsi\n"
        "  movq %rcx, %rbx\n"
        "  movq %rcx, %r12\n"
        "  movq %rcx, %r13\n"
        "  movq %rcx, %r14\n"
        "  movq %rcx, %r15\n"
        "  movq %r8, %rbp\n"
        "  jmpq *%rax\n");
static uintptr_t landed_at(void) {
  uintptr_t a;
  __asm__("leaq landed(%%rip), %0" : "=r"(a));
  return a;
}

/* The pad's fault (attack), default rights: notes rdi and the address. */
static void on_segv(int, siginfo_t *si, void *ucv) {
  ucontext_t *uc = (ucontext_t *)ucv;
  fault_rdi = (uintptr_t)uc->uc_mcontext.gregs[REG_RDI];
  fault_addr = (uintptr_t)si->si_addr;
  arrived = 2;
  for (;;)
    pause();
}

/* Whether G is fp_guard as runtime/Inputs/rev68b-fp-guard.cpp compiles
 * (with or without -fPIC): `call *-0x30(%rbp)` at +0x58, its catch's pad at
 * +0x89, which stores r14, r13 at rbp-0x38, -0x40, loads rbp-0x48 into r14
 * and stores rbx at rbp-0x30 before its hand-over. */
static int fp_guard_known(const uint8_t *g) {
  static const uint8_t call[] = {0xff, 0x55, 0xd0};
  static const uint8_t pad[] = {0x4c, 0x89, 0x75, 0xc8, 0x4c, 0x89,
                                0x6d, 0xc0, 0x4c, 0x8b, 0x75, 0xb8,
                                0x48, 0x89, 0x5d, 0xd0};
  return g && !memcmp(g + 0x58, call, sizeof call) &&
         !memcmp(g + 0x89, pad, sizeof pad);
}

/* The attack: on_segv for SIGSEGV, WATCH on thread 2, then ENTRY called on
 * the key-0 stack (filled with `landed`) returning to the word after
 * fp_guard G's call, registers REGS, rbp KEY + 0x48 (mode "keyzero": the
 * key-0 buffer + 0x48). Returns only if attack_call does. */
static void launch_pad_spill(void *entry, const uint8_t *g, uintptr_t key,
                             uintptr_t regs, const char *mode,
                             void *(*watch)(void *)) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_segv;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGSEGV, &sa, NULL);
  pthread_t t;
  pthread_create(&t, NULL, watch, NULL);
  for (auto &w : fake_stack)
    w = landed_at();
  buffer[0] = 0x1111;
  uintptr_t rbp =
      !strcmp(mode, "keyzero") ? (uintptr_t)buffer + 0x48 : key + 0x48;
  attack_call(entry, (uintptr_t)g + 0x5b, &fake_stack[16000], regs, rbp);
}

#endif
