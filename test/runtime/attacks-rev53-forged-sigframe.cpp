// Review 53, finding 2 (issue 11's landing pads), attacker model A with a
// second thread (key-0 loads and stores only). A throw with the vault's
// rights unwinds, with its rights, through a call out of the vault and on
// into the program's frames on main's key-0 stack. A return address there
// that leads to a signal-return stub makes the unwinder take the next
// frame as a signal frame: every register of the frame after it (rip,
// rsp, rbx, rbp, ...) is read from the ucontext above the return address,
// key-0 words. glibc's __restore_rt has CFI saying so (CIE augmentation
// "zRS"); code with no FDE that begins with the stub's bytes (mov $15,
// %rax; syscall) gets the same from libgcc_s's fallback
// (MD_FALLBACK_FRAME_STATE_FOR), which recognises it by its code.
// How: the vault's vault_run calls vault_step in a try; vault_step calls
// the program's callback, which waits (as for I/O) and then makes the
// vault throw. Meanwhile the program's second thread finds the call out's
// frame on main's stack (the vault's saved stack pointer, as in
// attacks-rev53-unwind-saved-sp.cpp), replaces the callback's return
// address below it with the stub and writes a ucontext above it: rip just
// inside vault_run's call of vault_step (the return address less one: a
// signal frame's pc is not adjusted), rsp vault_run's real stack pointer
// (from the saved one, so the landing pad's gate passes), rbx and rbp the
// attacker's. The unwinder lands in vault_run's catch with those
// registers: at -O0 rbp points into the program's request (vault_run's
// locals), at -O2 rbx is the status pointer; either way the catch stores
// the error code (the program's word, "POWNED!") into vault_key, with the
// vault's rights. Stub: glibc's __restore_rt (found by its bytes in libc's
// code); with the argument "stub", a copy of its bytes in this program's
// code, with no FDE (the fallback's path). The control does the same
// without the forgery. The same source at -O2:
// attacks-rev53-forged-sigframe-O2.test.
// Seen in the guest: ATTACK SUCCEEDED, 3 of 3 at -O0 and at -O2, with
// either stub (LLVM 19; at -O2 the program then dies of SIGSEGV, the other
// callee-saved registers being the ucontext's unwritten words); the
// controls print "vault key intact".
// Fixed: with a compartment's rights the unwinder gets no signal frame:
// the runtime's FDE lookup (unwind-find.c) stops the program with one line
// for an FDE whose CIE augmentation has 'S', and for a pc with no FDE
// where libgcc_s's fallback would find the stub's bytes (the runtime's own
// walks excepted: they run no landing pad). Seen since: that line, 3 of 3
// at -O0 and -O2 with either stub; the controls unchanged.
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O0 -pthread %s -o %t
// RUN: %run %t control | FileCheck %s --check-prefix=CONTROL
// RUN: not %run %t 2>&1 | FileCheck %s
// RUN: not %run %t stub 2>&1 | FileCheck %s --check-prefix=STUB
// CONTROL: stub found
// CONTROL: saved stack pointer found
// CONTROL: request failed: 1, status 0x2144454e574f50
// CONTROL: vault key intact
// CHECK: stub found
// CHECK: saved stack pointer found
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: the unwinder cannot unwind the frame at pc {{.*}}libc.so.6{{.*}} with a compartment's rights: a signal frame
// CHECK-NOT: ATTACK SUCCEEDED
// STUB: stub found
// STUB: saved stack pointer found
// STUB-NOT: ATTACK SUCCEEDED
// STUB: the unwinder cannot unwind the frame at pc {{.*}} with a compartment's rights: {{.*}}sigreturn
// STUB-NOT: ATTACK SUCCEEDED
#include "Inputs/forged-sigframe.h"

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
  own = argc > 1 && !strcmp(argv[1], "stub");
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
