/*
 * enter.c - the runtime's gates into a domain chosen at run time.
 *
 * A gate must check the PKRU it installs against a fixed address (ERIM's
 * check; docs/design.md, "The gate"). So entering compartment i, where i is
 * known only at run time, is a choice among 15 fixed gates, each checked
 * against its own entry of bh_index_pkru, a page that is read-only from
 * start-up on. Entries of indices without a compartment hold the default
 * domain's PKRU: jumping to their gate gains nothing.
 *
 * Used by heap.c, for a thread's heaps at its exit, and by the way back of
 * a function-pointer wrapper called by shared code running for a
 * compartment the pass could not know (__bulkhead_return_to_index below).
 * The same page holds each compartment's stack-slot offset from the thread
 * pointer, so that assembly reaches the slots %fs-relative, never through
 * an address kept in key-0 memory.
 */
#include "gate.h"
#include "internal.h"

#include <sys/mman.h>

#define MAX_COMPARTMENTS 15
#define BH_STR2(x) #x
#define BH_STR(x) BH_STR2(x)
#define BH_ARENA_GUARD_BYTES 65536
_Static_assert(BH_ARENA_GUARD == BH_ARENA_GUARD_BYTES, "the cookie's offset");

BH_HIDDEN union {
  struct {
    uint32_t pkru[16]; /* offset 0 */
    long slot_tpoff[16]; /* offset 64: 0 for none */
  } t;
  char page[BULKHEAD_PAGE];
} bh_index_pkru __attribute__((aligned(BULKHEAD_PAGE))) = {
    /* Before start-up a gate could only install "every key but 0 closed". */
    .t = {.pkru = {[0 ... 15] = 0xfffffffcu}}};

void bh_enter_init(void) {
  char *tp; /* trustworthy before main: nothing else has run */
  __asm__("movq %%fs:0, %0" : "=r"(tp));
  for (size_t i = 0; i < MAX_COMPARTMENTS; i++) {
    struct bulkhead_domain *d = &__start_bulkhead_domains[i];
    int real = i < bh_domain_count();
    bh_index_pkru.t.pkru[i] = real ? d->pkru : __bulkhead_domain0.pkru;
    bh_index_pkru.t.slot_tpoff[i] =
        real && d->slot_address ? (char *)d->slot_address() - tp : 0;
  }
  if (mprotect(&bh_index_pkru, sizeof bh_index_pkru, PROT_READ))
    bh_die("bulkhead: error: cannot make the gate table read-only");
}

/* A checked gate into the rights in the 32-bit word at PKRU_WORD. */
#define CHECKED_GATE(PKRU_WORD)                                                \
  "cmpl $0, " BULKHEAD_ENFORCED "(%rip)\n\t"                                  \
  "je 2f\n\t"                                                                 \
  "xorl %ecx, %ecx\n\t"                                                        \
  "xorl %edx, %edx\n\t"                                                        \
  "movl " PKRU_WORD "(%rip), %eax\n"                                          \
  "1: wrpkru\n\t"                                                              \
  "cmpl " PKRU_WORD "(%rip), %eax\n\t"                                        \
  "je 2f\n\t"                                                                  \
  "ud2\n"                                                                      \
  "2:\n\t"                                                                     \
  ".pushsection .bulkhead.gates,\"R\",@progbits\n\t"                           \
  ".quad 1b\n\t"                                                               \
  ".popsection\n\t"
/* Into bh_index_pkru.pkru[i]. */
#define GATE_TEXT(i) CHECKED_GATE("bh_index_pkru+4*" #i)
/* bh_enter_index(i): the gate for i, then back to the caller. */
#define ENTER_GATE(i)                                                          \
  "  cmpl $" #i ", %edi\n"                                                     \
  "  jne 3f\n" GATE_TEXT(i) "  ret\n"                                          \
  "3:\n"
__asm__(".text\n"
        ".globl bh_enter_index\n"
        ".hidden bh_enter_index\n"
        ".type bh_enter_index,@function\n"
        "bh_enter_index:\n" ENTER_GATE(0) ENTER_GATE(1) ENTER_GATE(2)
            ENTER_GATE(3) ENTER_GATE(4) ENTER_GATE(5) ENTER_GATE(6)
                ENTER_GATE(7) ENTER_GATE(8) ENTER_GATE(9) ENTER_GATE(10)
                    ENTER_GATE(11) ENTER_GATE(12) ENTER_GATE(13) ENTER_GATE(14)
        CHECKED_GATE(BULKHEAD_DOMAIN0)
        "  ret\n"
        ".size bh_enter_index, .-bh_enter_index\n");

/* __bulkhead_reenter_default: called by default-domain code right after
 * each of its pointer calls (pass/Gate.cpp): when compartments are
 * enforced, back to the default domain's rights if the callee left others
 * (a corrupted pointer to bh_enter_index, or to a compartment's body, which
 * returns with its compartment's rights). Preserves every register but the
 * flags. */
__asm__(".text\n"
        ".globl __bulkhead_reenter_default\n"
        ".hidden __bulkhead_reenter_default\n"
        ".type __bulkhead_reenter_default,@function\n"
        "__bulkhead_reenter_default:\n"
        "  cmpl $0, " BULKHEAD_ENFORCED "(%rip)\n"
        "  je 4f\n"
        "  pushq %rax\n"
        "  pushq %rcx\n"
        "  pushq %rdx\n"
        "  xorl %ecx, %ecx\n"
        "  rdpkru\n"
        "  cmpl " BULKHEAD_DOMAIN0 "(%rip), %eax\n"
        "  je 3f\n"
        CHECKED_GATE(BULKHEAD_DOMAIN0)
        "3:\n"
        "  popq %rdx\n"
        "  popq %rcx\n"
        "  popq %rax\n"
        "4:\n"
        "  ret\n"
        ".size __bulkhead_reenter_default, .-__bulkhead_reenter_default\n");

/* __bulkhead_caller_index: r11 = the index of the compartment whose rights
 * the thread holds, or -1. Preserves everything else but r10 and flags.
 * Entries past the last compartment hold the default domain's PKRU, which
 * the callers have already ruled out. */
__asm__(".text\n"
        ".globl __bulkhead_caller_index\n"
        ".hidden __bulkhead_caller_index\n"
        ".type __bulkhead_caller_index,@function\n"
        "__bulkhead_caller_index:\n"
        "  pushq %rax\n"
        "  pushq %rcx\n"
        "  pushq %rdx\n"
        "  xorl %ecx, %ecx\n"
        "  rdpkru\n"
        "  leaq bh_index_pkru(%rip), %r10\n"
        "  xorl %r11d, %r11d\n"
        "1:\n"
        "  cmpl (%r10,%r11,4), %eax\n"
        "  je 2f\n"
        "  incl %r11d\n"
        "  cmpl $15, %r11d\n"
        "  jb 1b\n"
        "  movq $-1, %r11\n"
        "2:\n"
        "  popq %rdx\n"
        "  popq %rcx\n"
        "  popq %rax\n"
        "  ret\n"
        ".size __bulkhead_caller_index, .-__bulkhead_caller_index\n");

/*
 * The end of a wrapper's call made from compartment i found at run time
 * (pass/Stacks.cpp, anyTrampoline): jumped to, not called, on the callee's
 * stack with the callee's rights, with rdi = i, r11 = i's stack pointer as
 * saved at entry, results in r10 (rax), r8 (rdx), xmm0-1. i's stack there
 * holds, from the top: i, i's cookie, i's old slot, r15-r12, rbp, rbx as
 * pushed at entry, then the return address into i's code.
 *
 * Each gate is followed by code that sets rdi to its own index, so the
 * rights installed and the index checked always agree. That code uses i's
 * stack only if the saved pointer lies in i's arena and the record there
 * holds i and i's cookie (runtime/stacks.c), which only i can read; it
 * clears the cookie there, so the callee, which could change r11 and rdi,
 * can only pick a record of a call of i's still in progress.
 */
#define RETURN_GATE(i)                                                         \
  "  cmpl $" #i ", %edi\n"                                                     \
  "  jne 3f\n" GATE_TEXT(i) "  movl $" #i ", %edi\n"                           \
  "  jmp 5f\n"                                                                 \
  "3:\n"
__asm__(".text\n"
        ".globl __bulkhead_return_to_index\n"
        ".hidden __bulkhead_return_to_index\n"
        ".type __bulkhead_return_to_index,@function\n"
        "__bulkhead_return_to_index:\n" RETURN_GATE(0) RETURN_GATE(1)
            RETURN_GATE(2) RETURN_GATE(3) RETURN_GATE(4) RETURN_GATE(5)
                RETURN_GATE(6) RETURN_GATE(7) RETURN_GATE(8) RETURN_GATE(9)
                    RETURN_GATE(10) RETURN_GATE(11) RETURN_GATE(12)
                        RETURN_GATE(13) RETURN_GATE(14)
        "  ud2\n"
        "5:\n"
        "  movq %rdi, %rax\n"
        "  shlq $12, %rax\n"
        /* through the GOT: weak, undefined in a program without any */
        "  movq __start_bulkhead_domains@GOTPCREL(%rip), %rcx\n"
        "  addq %rax, %rcx\n"
        "  movq __stop_bulkhead_domains@GOTPCREL(%rip), %rax\n"
        "  cmpq %rax, %rcx\n"
        "  jae 9f\n"
        "  cmpq 40(%rcx), %r11\n" /* stack_lo */
        "  jbe 9f\n"
        "  cmpq 48(%rcx), %r11\n" /* stack_hi */
        "  ja 9f\n"
        "  movq %r11, %rsp\n"
        "  cmpq %rdi, (%rsp)\n"
        "  jne 9f\n"
        "  movq 40(%rcx), %rcx\n" /* stack_lo: the cookie is below */
        "  movq -" BH_STR(BH_ARENA_GUARD_BYTES) "(%rcx), %rcx\n"
        "  cmpq %rcx, 8(%rsp)\n"
        "  jne 9f\n"
        "  movq $0, 8(%rsp)\n"
        "  leaq bh_index_pkru+64(%rip), %rcx\n"
        "  movq (%rcx,%rdi,8), %rcx\n"
        "  movq 16(%rsp), %rdx\n"
        "  movq %rdx, %fs:(%rcx)\n"
        "  addq $24, %rsp\n"
        "  popq %r15\n"
        "  popq %r14\n"
        "  popq %r13\n"
        "  popq %r12\n"
        "  popq %rbp\n"
        "  popq %rbx\n"
        "  movq %r10, %rax\n"
        "  movq %r8, %rdx\n"
        "  xorl %ecx, %ecx\n"
        "  xorl %esi, %esi\n"
        "  xorl %edi, %edi\n"
        "  xorl %r8d, %r8d\n"
        "  xorl %r9d, %r9d\n"
        "  xorl %r10d, %r10d\n"
        "  xorl %r11d, %r11d\n"
        "  ret\n"
        "9:\n" /* refused: nothing of i (its cookie) left for a handler */
        "  xorl %eax, %eax\n"
        "  xorl %ecx, %ecx\n"
        "  xorl %edx, %edx\n"
        "  xorl %esi, %esi\n"
        "  xorl %r8d, %r8d\n"
        "  xorl %r9d, %r9d\n"
        "  xorl %r10d, %r10d\n"
        "  ud2\n"
        ".size __bulkhead_return_to_index, .-__bulkhead_return_to_index\n");
_Static_assert(__builtin_offsetof(struct bulkhead_domain, stack_lo) == 40 &&
                   __builtin_offsetof(struct bulkhead_domain, stack_hi) == 48,
               "__bulkhead_return_to_index reads the arena at these offsets");

long bh_slot_tpoff(int c) {
  return c >= 0 && c < MAX_COMPARTMENTS ? bh_index_pkru.t.slot_tpoff[c] : 0;
}
