// Review 77a, attacker model A (key-0 loads and stores, a second thread):
// the search phase and the cleanup phase of one throw disagreeing.
// What: libgcc_s walks a throw's frames twice: the search phase finds the
// handler (vault_run's catch) and records its frame by its CFA; the
// cleanup phase walks again and installs the landing pad found first at
// the frame with that CFA, with the registers of the walk it just made.
// The program's frames in between (the callback on main's key-0 stack)
// are read again, so a return address there that is genuine in the first
// walk and forged in the second gives the second walk frames the first
// never checked: review 53's forged signal frame, review 74a's pc with no
// FDE (the runtime's end-of-stack FDE), only for the cleanup phase.
// How: unwind-vault.h's program. While the vault's call out waits, the
// attacker thread writes the forged ucontext above the callback's return
// address (forge_sigframe) but leaves the return address as it is, and
// sets a hardware watchpoint on it for main's thread (perf event with
// sigtrap: hence the build without the system-call filter). The SIGTRAP
// after the unwinder's first read (the search phase's) disables the
// watchpoint and stores the forged return address, as any thread may.
// Modes: "control": the watchpoint, no store. "restore": glibc's
// __restore_rt (CIE "zRS"); "stub": a copy of its bytes with no FDE;
// "none": code with no FDE that is not the stub (the end-of-stack FDE).
// Why it fails: the runtime's lookup (unwind-find.c) does not know the
// phase; each walk's frames get the same checks (the 'S' refusal, the
// stub's refusal, the end-of-stack FDE), and a frame off the arena cannot
// give a CFA in it (put_reentry_check), so only the call out's checked
// CFA reaches the handler's frame again. An early end of the cleanup
// phase (_URC_FATAL_PHASE2_ERROR) returns to __cxa_throw, whose
// std::terminate stops the program (terminate.c).
// Seen in the guest (LLVM 19, -O0, h-rev77a at c3568ac): control
// "reads of the return address: 2" (one per phase), key intact; restore
// the 'S' refusal; stub the sigreturn refusal; none the std::terminate
// line; no ATTACK SUCCEEDED.
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -fno-pkey-syscall-filter -O0 -pthread %s -o %t
// RUN: %run %t control | FileCheck %s --check-prefix=CONTROL
// RUN: not %run %t restore 2>&1 | FileCheck %s --check-prefix=RESTORE
// RUN: not %run %t stub 2>&1 | FileCheck %s --check-prefix=STUB
// RUN: not %run %t none 2>&1 | FileCheck %s --check-prefix=NONE
// CONTROL: watchpoint set
// CONTROL: request failed: 1, status 0x2144454e574f50
// CONTROL: vault key intact
// CONTROL: reads of the return address: 2
// RESTORE: watchpoint set
// RESTORE-NEXT: return address forged after the unwinder's first read
// RESTORE-NOT: ATTACK SUCCEEDED
// RESTORE: the unwinder cannot unwind the frame at pc {{.*}}libc.so.6{{.*}} with a compartment's rights: a signal frame
// RESTORE-NOT: ATTACK SUCCEEDED
// STUB: watchpoint set
// STUB-NEXT: return address forged after the unwinder's first read
// STUB-NOT: ATTACK SUCCEEDED
// STUB: the unwinder cannot unwind the frame at pc {{.*}} with a compartment's rights: {{.*}}sigreturn
// STUB-NOT: ATTACK SUCCEEDED
// NONE: watchpoint set
// NONE-NEXT: return address forged after the unwinder's first read
// NONE-NOT: ATTACK SUCCEEDED
// NONE: std::terminate called in compartment 'vault'
// NONE-NOT: ATTACK SUCCEEDED
#include "Inputs/forged-sigframe.h"
#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>

static pid_t main_tid;
static int perf_fd = -1;
static volatile uintptr_t *ret_at;
static uintptr_t forged;
static volatile int reads, stored;
static const char *mode;

static void on_read(int, siginfo_t *, void *) {
  reads++;
  if (!stored && forged) {
    ioctl(perf_fd, PERF_EVENT_IOC_DISABLE, 0);
    *ret_at = forged;
    stored = 1;
    const char m[] = "return address forged after the unwinder's first read\n";
    if (write(1, m, sizeof m - 1) < 0)
      stored = 2;
  }
}

static int watch(volatile uintptr_t *w) {
  struct perf_event_attr a;
  memset(&a, 0, sizeof a);
  a.type = PERF_TYPE_BREAKPOINT;
  a.size = sizeof a;
  a.bp_type = HW_BREAKPOINT_RW;
  a.bp_addr = (uintptr_t)w;
  a.bp_len = HW_BREAKPOINT_LEN_8;
  a.sample_period = 1;
  a.sigtrap = 1;
  a.remove_on_exec = 1;
  a.exclude_kernel = 1;
  a.exclude_hv = 1;
  perf_fd = (int)syscall(SYS_perf_event_open, &a, main_tid, -1, -1, 0);
  return perf_fd < 0 ? -1 : 0;
}

static void *flipper(void *) {
  uintptr_t key, step, run;
  __asm__("leaq vault_key(%%rip), %0" : "=r"(key));
  __asm__("leaq vault_step(%%rip), %0" : "=r"(step));
  __asm__("leaq \"__bulkhead_body.vault_run\"(%%rip), %0" : "=r"(run));
  long frame = vault_step_frame();
  uintptr_t back = 0;
  for (const unsigned char *q = (const unsigned char *)run;
       q < (const unsigned char *)run + 512 && !back; q++) {
    int32_t d;
    memcpy(&d, q + 1, 4);
    if (q[0] == 0xe8 && (uintptr_t)q + 5 + d == step)
      back = (uintptr_t)q + 5;
  }
  uintptr_t target = 0;
  if (!strcmp(mode, "restore"))
    dl_iterate_phdr(find_restorer, &target);
  else if (!strcmp(mode, "stub"))
    target = (uintptr_t)own_stub;
  else if (!strcmp(mode, "none"))
    target = (uintptr_t)own_stub + 1; /* c7 c0 ...: not the stub */
  printf("vault_step's frame: %s, return point: %s\n",
         frame < 0 ? "not found" : "found", back ? "found" : "not found");
  arm_request();
  volatile uintptr_t *found = find_saved_sp();
  printf("saved stack pointer %s\n", found ? "found" : "not found");
  if (found && frame >= 0 && back) {
    ret_at = found - 4;
    uintptr_t genuine = *ret_at;
    if (target)
      forge_sigframe(found, frame, back, key, target);
    *ret_at = genuine; /* the search phase reads the genuine one */
    forged = target;
    if (watch(ret_at))
      perror("watchpoint");
    else
      puts("watchpoint set");
  }
  if (write(ack[1], "k", 1) != 1)
    puts("no acknowledgement");
  return NULL;
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
  mode = argc > 1 ? argv[1] : "restore";
  main_tid = (pid_t)syscall(SYS_gettid);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_read;
  sa.sa_flags = SA_SIGINFO;
  if (sigaction(SIGTRAP, &sa, NULL) || pipe(ack)) {
    puts("no handler or pipe");
    return 1;
  }
  pthread_t t;
  pthread_create(&t, NULL, flipper, NULL);
  while (!ready)
    ;
  uintptr_t here;
  top = &here;
  long status = 0;
  int failed = run_request(&status);
  pthread_join(t, NULL);
  report(failed, status);
  printf("reads of the return address: %d\n", reads);
  return 0;
}
