/* bpf-run.h - a classic-BPF interpreter for the instructions
 * runtime/bpf.c emits: what filter-model.c compares with its model and
 * filter-kernel.c with the kernel. Scratch memory starts zeroed. */
#ifndef BPF_RUN_H
#define BPF_RUN_H
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t run(const struct sock_filter *f, int n, const struct seccomp_data *d) {
  uint32_t A = 0, X = 0, M[16] = {0};
  const unsigned char *D = (const unsigned char *)d;
  for (int pc = 0; pc < n; pc++) {
    struct sock_filter i = f[pc];
    switch (i.code) {
    case BPF_LD | BPF_W | BPF_ABS: memcpy(&A, D + i.k, 4); break;
    case BPF_LD | BPF_IMM: A = i.k; break;
    case BPF_LD | BPF_MEM: A = M[i.k]; break;
    case BPF_LDX | BPF_W | BPF_MEM: X = M[i.k]; break;
    case BPF_ST: M[i.k] = A; break;
    case BPF_MISC | BPF_TAX: X = A; break;
    case BPF_ALU | BPF_ADD | BPF_X: A += X; break;
    case BPF_ALU | BPF_AND | BPF_K: A &= i.k; break;
    case BPF_JMP | BPF_JA: pc += i.k; break;
    case BPF_JMP | BPF_JEQ | BPF_K: pc += A == i.k ? i.jt : i.jf; break;
    case BPF_JMP | BPF_JGT | BPF_K: pc += A > i.k ? i.jt : i.jf; break;
    case BPF_JMP | BPF_JGE | BPF_K: pc += A >= i.k ? i.jt : i.jf; break;
    case BPF_JMP | BPF_JSET | BPF_K: pc += (A & i.k) ? i.jt : i.jf; break;
    case BPF_JMP | BPF_JEQ | BPF_X: pc += A == X ? i.jt : i.jf; break;
    case BPF_JMP | BPF_JGT | BPF_X: pc += A > X ? i.jt : i.jf; break;
    case BPF_JMP | BPF_JGE | BPF_X: pc += A >= X ? i.jt : i.jf; break;
    case BPF_RET | BPF_K: return i.k;
    default: printf("bad insn %x at %d\n", i.code, pc); exit(2);
    }
  }
  printf("fell off\n");
  exit(2);
}
#endif
