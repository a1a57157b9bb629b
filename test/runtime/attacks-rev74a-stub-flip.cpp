// Review 74a, attacker model A (key-0 loads and stores, a second thread).
// What: with a compartment's rights, the runtime's FDE lookup
// (runtime/unwind-find.c, no_fde) answers a pc with no FDE with "none"
// unless the code at its return address is the sigreturn stub, which it
// refuses (review 53). It reads those bytes once; libgcc_s's fallback for
// a pc with no FDE (MD_FALLBACK_FRAME_STATE_FOR) reads them again, and if
// they are the stub now, takes the frame for a signal frame: every
// register of the next frame from the ucontext on the stack. So bytes in
// key-0 memory that another thread changes between the two reads give
// the vault's landing pad the registers of review 53's forged frame.
// How: attacks-rev53-forged-sigframe.cpp's program (Inputs/unwind-
// vault.h): while the vault's call out waits, the attacker thread points
// the callback's return address on main's stack at key-0 memory (a page
// of the program's: 0x48, then a word that is not the stub's) and writes
// the ucontext above it. A throw reads that word twice per phase (the
// runtime's check, then libgcc_s's fallback), and both phases must see
// "not the stub" then "the stub". A second CPU's stores land between two
// loads with some luck; the guest has one CPU, so here the other
// thread's store is timed by a hardware watchpoint on the word (perf
// event with sigtrap, hence the build without the system-call filter:
// the filter refuses perf_event_open): after each read, the SIGTRAP
// handler stores the other value through a second mapping of the page
// (its stores do not trip the watchpoint). The handler only times the
// stores; what it stores is what any thread may store.
// Runs: "control" (no forged frame): the throw is caught, key intact.
// "static" (the stub there all along): the runtime's refusal, as review
// 53's. The attack: the flipping word.
// Seen in the guest (LLVM 19, -O0) on main at 51ac242: control "vault
// key intact", static the refusal's line, attack "reads of the word: 4"
// and ATTACK SUCCEEDED, 3 of 3.
// Fixed (unwind-find.c, no_fde): with a compartment's rights a pc with no
// FDE gets the runtime's own FDE that ends the walk there (its return
// address undefined, as glibc's _start has), so libgcc_s's fallback never
// reads the bytes again; the throw ends in std::terminate, which stops
// the program with one line (terminate.c). Seen after, in the guest:
// control and static as before; attack the std::terminate line, 3 of 3.
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -fno-pkey-syscall-filter -O0 -pthread %s -o %t
// RUN: %run %t control | FileCheck %s --check-prefix=CONTROL
// RUN: not %run %t static 2>&1 | FileCheck %s --check-prefix=STATIC
// RUN: not %run %t 2>&1 | FileCheck %s
// CONTROL: watchpoint set
// CONTROL: request failed: 1, status 0x2144454e574f50
// CONTROL: vault key intact
// CONTROL: reads of the word: 0
// STATIC: saved stack pointer found
// STATIC-NOT: ATTACK SUCCEEDED
// STATIC: the unwinder cannot unwind the frame at pc {{.*}} with a compartment's rights: {{.*}}sigreturn
// CHECK: watchpoint set
// CHECK: saved stack pointer found
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: std::terminate called in compartment 'vault'
// CHECK-NOT: ATTACK SUCCEEDED
#include "Inputs/unwind-vault.h"
#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>
#include <signal.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>

static const unsigned char STUB[] = {0x48, 0xc7, 0xc0, 0x0f, 0x00,
                                     0x00, 0x00, 0x0f, 0x05};

/* One page seen at two addresses: the unwinder reads `rd`, the handler
 * writes `wr`. The code "at" the forged return address: rd + 7. */
static unsigned char *rd, *wr;
static uint64_t stub_word, other_word;
static volatile int reads;

static void on_read(int, siginfo_t *, void *) {
  reads++;
  /* after an odd read (a check) the stub, after an even one (the
   * fallback's) something else */
  memcpy(wr + 8, reads % 2 ? &stub_word : &other_word, 8);
}

static int armed, flipping;

static void *attacker(void *) {
  uintptr_t key, step, run;
  __asm__("leaq vault_key(%%rip), %0" : "=r"(key));
  __asm__("leaq vault_step(%%rip), %0" : "=r"(step));
  __asm__("leaq \"__bulkhead_body.vault_run\"(%%rip), %0" : "=r"(run));
  long frame = vault_step_frame();
  uintptr_t back = 0; /* vault_run's return point from vault_step */
  for (const unsigned char *q = (const unsigned char *)run;
       q < (const unsigned char *)run + 512 && !back; q++) {
    int32_t d;
    memcpy(&d, q + 1, 4);
    if (q[0] == 0xe8 && (uintptr_t)q + 5 + d == step)
      back = (uintptr_t)q + 5;
  }
  printf("vault_step's frame: %s, return point: %s\n",
         frame < 0 ? "not found" : "found", back ? "found" : "not found");
  arm_request();
  volatile uintptr_t *found = find_saved_sp();
  printf("saved stack pointer %s\n", found ? "found" : "not found");
  if (found && frame >= 0 && back && armed) {
    forge_sigframe(found, frame, back, key, (uintptr_t)rd + 7);
  }
  if (write(ack[1], "k", 1) != 1)
    puts("no acknowledgement");
  return NULL;
}

/* A hardware watchpoint on rd + 8 for this thread: SIGTRAP after each
 * access. */
static int watch(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_read;
  sa.sa_flags = SA_SIGINFO;
  if (sigaction(SIGTRAP, &sa, NULL))
    return -1;
  struct perf_event_attr a;
  memset(&a, 0, sizeof a);
  a.type = PERF_TYPE_BREAKPOINT;
  a.size = sizeof a;
  a.bp_type = HW_BREAKPOINT_RW; /* x86 has no read-only watchpoint */
  a.bp_addr = (uintptr_t)rd + 8;
  a.bp_len = HW_BREAKPOINT_LEN_8;
  a.sample_period = 1;
  a.sigtrap = 1;
  a.remove_on_exec = 1;
  a.exclude_kernel = 1;
  a.exclude_hv = 1;
  return syscall(SYS_perf_event_open, &a, 0, -1, -1, 0) < 0 ? -1 : 0;
}

/* Room on main's stack for the ucontext above the call out's frame. */
__attribute__((noinline)) static int run_request(long *status) {
  volatile char pad[1024];
  pad[0] = 1;
  int r = vault_run(request.words, status);
  return r + pad[0] - 1;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  const char *mode = argc > 1 ? argv[1] : "attack";
  armed = strcmp(mode, "control") != 0;
  flipping = strcmp(mode, "static") != 0;
  memcpy(&stub_word, STUB + 1, 8);
  other_word = stub_word ^ ((uint64_t)0x0e << 56); /* syscall -> ud2 */
  int fd = memfd_create("code", 0);
  if (fd < 0 || ftruncate(fd, 4096) || pipe(ack)) {
    puts("no memfd or pipe");
    return 1;
  }
  rd = (unsigned char *)mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
  wr = (unsigned char *)mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED,
                             fd, 0);
  if (rd == MAP_FAILED || wr == MAP_FAILED) {
    puts("no mapping");
    return 1;
  }
  wr[7] = 0x48;
  memcpy(wr + 8, flipping ? &other_word : &stub_word, 8);
  if (flipping) {
    if (watch()) {
      perror("watchpoint");
      return 1;
    }
    puts("watchpoint set");
  }
  pthread_t t;
  pthread_create(&t, NULL, attacker, NULL);
  while (!ready)
    ;
  uintptr_t here;
  top = &here;
  long status = 0;
  int failed = run_request(&status);
  pthread_join(t, NULL);
  report(failed, status);
  printf("reads of the word: %d\n", reads);
  return 0;
}
