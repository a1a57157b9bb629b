// Review 58, attacker model B (control of the default domain's program
// counter; a second thread's key-0 stores for the second step, as in
// review 53). The header of this thread's unwinder ring on its stack of a
// compartment (runtime/unwind-copy.c, struct ring) counts the runtime's
// own walks under way ("walks": raised before _Unwind_Backtrace, lowered
// after it, runtime/unwind.c). While it is not zero the
// runtime's FDE lookup with the compartment's rights lets signal frames
// through (bh_unwind_signal_frame_ok: an FDE whose CIE has 'S', or the
// sigreturn stub's bytes with no FDE) and ends a walk quietly at a frame
// whose copy it refuses: what review 53's fix refuses to a throw. The
// count is on the compartment's key, but its decrement was skipped by any
// jump out of the walk: a signal that interrupted the vault inside its
// backtrace(3) ran the program's handler (the default domain's code),
// which may leave by siglongjmp; the vault's walk then never ended and its
// ring said "a walk is under way" on this thread for ever (owned() resets
// it only for another thread).
// How: the vault has an entry that calls backtrace(3) (vault_trace, a
// diagnostic). Step 1: main calls it in a loop while a second thread sends
// main SIGUSR1 every 200 us; main's handler looks at the interrupted pc in
// the ucontext the kernel gave it and, when that is in libgcc_s (the
// vault's _Unwind_Backtrace), siglongjmps to main. Step 2: review 53's
// attack as it was (attacks-rev53-forged-sigframe.cpp: the callback's
// return address on main's stack replaced by glibc's __restore_rt and a
// ucontext forged above it): the vault's throw, whose lookups now find
// "a walk under way", unwound through the forged signal frame into
// vault_run's catch with rbp/rbx of the attacker's, which stored "POWNED!"
// into vault_key with the vault's rights.
// The control ("control") does step 1 the same but forges nothing in step
// 2 (the vault's own catch, key intact). "nojump" does step 2's forgery
// after a step 1 whose handler never jumps: review 53's refusal, the
// mechanism's other half (the count is what decides). Each mode prints how
// often the handler ran and how often it found main inside libgcc_s.
// Seen in the guest (LLVM 19, -O0) before the fix: ATTACK SUCCEEDED, 3 of
// 3; control "vault key intact" 3 of 3; nojump: the refusal's line 3 of 3,
// after 7202 to 8843 kicks, 1458 to 1677 of them inside libgcc_s.
// The fix (runtime/unwind-copy.c, bh_unwind_walk_begin): with a
// compartment's rights the runtime's walk runs with every signal blocked
// (its callbacks call no program code), so no handler runs while the count
// is up: a kick that comes meanwhile is handled after the walk, outside
// libgcc_s, and step 1 never leaves a walk. After it (guest, LLVM 19): all
// three modes walk 20000 times, kicked 6656 to 9850 times, never once
// inside libgcc_s; the attack's throw and nojump's are refused by review
// 53's line, control's caught by the vault (key intact), 3 of 3 each.
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O0 -pthread %s -o %t
// RUN: %run %t control | FileCheck %s --check-prefix=CONTROL
// RUN: not %run %t nojump 2>&1 | FileCheck %s --check-prefix=NOJUMP
// RUN: not %run %t 2>&1 | FileCheck %s
// CONTROL: walked 20000 times, never left; kicked {{[1-9][0-9]*}} times, 0 in libgcc_s
// CONTROL: request failed: 1, status 0x2144454e574f50
// CONTROL: vault key intact
// NOJUMP: walked 20000 times, never left; kicked {{[1-9][0-9]*}} times, 0 in libgcc_s
// NOJUMP: saved stack pointer found
// NOJUMP-NOT: ATTACK SUCCEEDED
// NOJUMP: the unwinder cannot unwind the frame at pc {{.*}}libc.so.6{{.*}} with a compartment's rights: a signal frame
// CHECK: walked 20000 times, never left; kicked {{[1-9][0-9]*}} times, 0 in libgcc_s
// CHECK: stub found
// CHECK: saved stack pointer found
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: the unwinder cannot unwind the frame at pc {{.*}}libc.so.6{{.*}} with a compartment's rights: a signal frame
// CHECK-NOT: ATTACK SUCCEEDED
#include <execinfo.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/syscall.h>
#include "Inputs/forged-sigframe.h"

/* A diagnostic of the vault's: its own backtrace. */
extern "C" BULKHEAD_ENTRY(vault) int vault_trace(void) {
  void *frames[64];
  return backtrace(frames, 64);
}

/* libgcc_s's code, where the vault's walk runs. */
static uintptr_t gcc_lo, gcc_hi;
static int find_libgcc(struct dl_phdr_info *info, size_t, void *) {
  if (!strstr(info->dlpi_name, "libgcc_s"))
    return 0;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    if (ph->p_type == PT_LOAD && (ph->p_flags & PF_X)) {
      gcc_lo = info->dlpi_addr + ph->p_vaddr;
      gcc_hi = gcc_lo + ph->p_memsz;
    }
  }
  return 1;
}

static sigjmp_buf out;
static volatile int jumping, left, stop_kicks, kicks, in_gcc;
static pid_t main_tid;

static void on_kick(int, siginfo_t *, void *ucv) {
  ucontext_t *uc = (ucontext_t *)ucv;
  uintptr_t pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
  kicks = kicks + 1;
  if (pc >= gcc_lo && pc < gcc_hi) {
    in_gcc = in_gcc + 1;
    if (jumping)
      siglongjmp(out, 1);
  }
}

static void *kicker(void *) {
  while (!stop_kicks) {
    syscall(SYS_tgkill, getpid(), main_tid, SIGUSR1);
    usleep(200);
  }
  return NULL;
}

/* Step 1: the vault's walk left behind (or not, with !jump). */
static void leave_a_walk(int jump) {
  dl_iterate_phdr(find_libgcc, NULL);
  main_tid = (pid_t)syscall(SYS_gettid);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_kick;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGUSR1, &sa, NULL);
  jumping = jump;
  pthread_t k;
  pthread_create(&k, NULL, kicker, NULL);
  int n = 0;
  if (sigsetjmp(out, 1) == 0) {
    for (; n < 20000; n++)
      vault_trace();
  } else {
    left = 1;
  }
  stop_kicks = 1;
  pthread_join(k, NULL);
  signal(SIGUSR1, SIG_IGN);
  if (left)
    printf("left the vault's walk by siglongjmp\n");
  else
    printf("walked %d times, never left; kicked %d times, %d in libgcc_s\n",
           n, kicks, in_gcc);
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
  armed = argc < 2 || strcmp(argv[1], "control");
  leave_a_walk(argc < 2 || strcmp(argv[1], "nojump"));
  if (pipe(ack)) {
    puts("no pipe");
    return 1;
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
  return 0;
}
