// Issue 11 (registers), attacker model A: key-0 loads only. On x86-64 the
// bits of a register above an int argument are undefined, so a caller that
// passes `(int)x` of a 64-bit x it computed in that register hands it over
// with x's upper half in place (the truncation costs no instruction). A
// vault that logged bits 8-39 of a 64-bit digest of its key, `(int)(d >>
// 8)`, through a default-domain function so gave it bits 40-63 too, and a
// variadic callee's prologue stores each argument register, whole, in its
// register save area on the key-0 stack, where main finds it with loads
// after the call. Calls out of a compartment now cut every integer
// argument narrower than its register.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s -o %ts
// RUN: %run %ts | FileCheck %s
// CHECK: logged: {{-?[0-9]+}}
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: vault key found on the stack: no
#include "Inputs/check.h"
#include "Inputs/key-scan.h"

#include <stdarg.h>

/* Two 8-byte words that appear nowhere else. */
#define KEY "Kq7#vP2m" "Zr9!wX4b"
BULKHEAD_DATA(vault) char vault_key[16] = KEY;

/* A digest of the key's words, computed in the argument's register. */
static inline uint64_t digest(const char *key, int word) {
  uint64_t a, b;
  memcpy(&a, key, 8);
  memcpy(&b, key + 8, 8);
  return (a ^ b) >> 8 * word;
}

static char line[64];

/* The default domain's logger: its prologue saves rsi..r9 whole. */
__attribute__((noinline)) void note(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
}

/* Logs a part of its key's digest: by a direct call out, and through a
 * pointer. */
static void (*volatile note_by_pointer)(const char *, ...) = note;
BULKHEAD_ENTRY(vault) void vault_note(int word) {
  note("%d", (int)digest(vault_key, 1));
  note_by_pointer("%d", (int)digest(vault_key, word));
}

int main(void) {
  vault_note(2);
  const char *sp;
  __asm__ volatile("movq %%rsp, %0" : "=r"(sp));
  /* main cannot read the vault's copy: the words, from the literal */
  static const char key[16] = KEY;
  uint64_t words[2] = {digest(key, 1), digest(key, 2)};
  int found = dead_stack_has(sp, (const char *)words, 16);
  printf("logged: %s\n", line);
  if (found)
    printf("ATTACK SUCCEEDED: the vault's key is in key-0 stack memory\n");
  printf("vault key found on the stack: %s\n", found ? "yes" : "no");
  return 0;
}
