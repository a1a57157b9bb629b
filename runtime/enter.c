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

#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>

/* The index table (BH_INDEX_* in include/bulkhead/abi.h). */
BH_HIDDEN union {
  struct {
    uint32_t pkru[BH_INDEX_ENTRIES];
    long slot_tpoff[BH_INDEX_ENTRIES]; /* 0 for none */
  } t;
  char page[BH_PAGE];
} bh_index_pkru __asm__(
    BH_SYM_INDEX_TABLE) __attribute__((aligned(BH_PAGE))) = {
    /* Before start-up a gate could only install "every key but 0 closed". */
    .t = {.pkru = {[0 ... BH_INDEX_ENTRIES - 1] = 0xfffffffcu}}};
_Static_assert(__builtin_offsetof(__typeof__(bh_index_pkru.t), pkru) ==
                       BH_INDEX_PKRU &&
                   __builtin_offsetof(__typeof__(bh_index_pkru.t),
                                      slot_tpoff) == BH_INDEX_SLOT_TPOFF &&
                   BH_INDEX_ENTRIES > BH_MAX_COMPARTMENTS,
               "the index table is not where the pass's assembly reads it");

void bh_enter_init(void) {
  char *tp; /* trustworthy before main: nothing else has run */
  __asm__("movq %%fs:0, %0" : "=r"(tp));
  for (size_t i = 0; i < BH_MAX_COMPARTMENTS; i++) {
    int real = i < bh_domain_count();
    struct bulkhead_domain *d = real ? bh_domain_at(i) : NULL;
    bh_index_pkru.t.pkru[i] = real ? d->pkru : __bulkhead_domain0.pkru;
    bh_index_pkru.t.slot_tpoff[i] =
        real && d->slot_address ? (char *)d->slot_address() - tp : 0;
  }
  if (mprotect(&bh_index_pkru, sizeof bh_index_pkru, PROT_READ))
    bh_fatal("cannot make the gate table read-only");
}

void bh_index_add(size_t i, const struct bulkhead_domain *d,
                  long slot_tpoff) {
  if (i >= BH_MAX_COMPARTMENTS)
    bh_fatal("compartment index %zu past the gate table", i);
  __typeof__(bh_index_pkru) *w = mmap(NULL, BH_PAGE, PROT_READ | PROT_WRITE,
                                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (w == MAP_FAILED)
    bh_fatal("cannot map a page for the gate table");
  memcpy(w, &bh_index_pkru, BH_PAGE);
  w->t.pkru[i] = d->pkru;
  w->t.slot_tpoff[i] = slot_tpoff;
  bh_replace_page(&bh_index_pkru, w);
}

/* A checked gate into the rights in the 32-bit word at PKRU_WORD. */
#define CHECKED_GATE(PKRU_WORD) BH_CHECKED_GATE_ASM(PKRU_WORD)
/* Into bh_index_pkru.pkru[i]. */
#define GATE_TEXT(i)                                                           \
  CHECKED_GATE(BH_SYM_INDEX_TABLE "+" BH_STR(BH_INDEX_PKRU) "+4*" #i)
/* bh_enter_index and __bulkhead_return_to_index below list one gate per
 * index, 0 to 14, by hand. */
_Static_assert(BH_MAX_COMPARTMENTS == 15,
               "one fixed gate per compartment index");
/* bh_enter_index(i): the gate for i, then back to the caller. Any other
 * i (-1) is the way back to the default domain's rights after the
 * caller's C code ran with a compartment's (heap.c: the allocator copy's
 * set-up of a heap; record.c: libgcc's walk of the compartment's stack),
 * so first the caller-saved registers that code may have left are
 * cleared, vector ones whole, as bh_run_in_compartment's way back does
 * (the gate clears rcx and rdx; the function returns nothing). Nothing of
 * a compartment's was shown to be there (docs/threat-model.md, register
 * contents; a probe of the recorder's walk found addresses only):
 * hardening, on paths that run at a heap's set-up and in record mode
 * only. */
#define ENTER_GATE(i)                                                          \
  "  cmpl $" #i ", %edi\n"                                                     \
  "  jne 3f\n" GATE_TEXT(i) "  ret\n"                                          \
                            "3:\n"
// clang-format off
__asm__(".text\n"
        ".globl " BH_SYM_ENTER_INDEX "\n"
        ".hidden " BH_SYM_ENTER_INDEX "\n"
        ".type " BH_SYM_ENTER_INDEX ",@function\n"
        BH_SYM_ENTER_INDEX ":\n"
        ENTER_GATE(0) ENTER_GATE(1) ENTER_GATE(2) ENTER_GATE(3)
        ENTER_GATE(4) ENTER_GATE(5) ENTER_GATE(6) ENTER_GATE(7)
        ENTER_GATE(8) ENTER_GATE(9) ENTER_GATE(10) ENTER_GATE(11)
        ENTER_GATE(12) ENTER_GATE(13) ENTER_GATE(14)
        BH_SCRUB_ASM("esi,edi,r8d,r9d,r10d,r11d")
        CHECKED_GATE(BH_SYM_DOMAIN0) "  ret\n"
        ".size " BH_SYM_ENTER_INDEX ", .-" BH_SYM_ENTER_INDEX "\n");
// clang-format on

/* __bulkhead_reenter_default: called by default-domain code right after
 * each of its pointer calls (pass/Gate.cpp): when compartments are
 * enforced, back to the default domain's rights if the callee left others
 * (a corrupted pointer to bh_enter_index, or to a compartment's body, which
 * returns with its compartment's rights). Preserves every register but the
 * flags. */
__asm__(".text\n"
        ".globl " BH_SYM_REENTER_DEFAULT "\n"
        ".hidden " BH_SYM_REENTER_DEFAULT "\n"
        ".type " BH_SYM_REENTER_DEFAULT ",@function\n" BH_SYM_REENTER_DEFAULT
        ":\n"
        "  cmpl $0, " BH_SYM_ENFORCED "(%rip)\n"
        "  je 4f\n"
        "  pushq %rax\n"
        "  pushq %rcx\n"
        "  pushq %rdx\n"
        "  xorl %ecx, %ecx\n"
        "  " BH_RDPKRU "\n"
        "  cmpl " BH_SYM_DOMAIN0 "(%rip), %eax\n"
        "  je 3f\n" CHECKED_GATE(BH_SYM_DOMAIN0) "3:\n"
                                                 "  popq %rdx\n"
                                                 "  popq %rcx\n"
                                                 "  popq %rax\n"
                                                 "4:\n"
                                                 "  ret\n"
                                                 ".size " BH_SYM_REENTER_DEFAULT
                                                 ", .-" BH_SYM_REENTER_DEFAULT
                                                 "\n");

/* __bulkhead_caller_index: r11 = the index of the compartment whose rights
 * the thread holds, or -1. Preserves everything else but r10 and flags.
 * Entries past the last compartment hold the default domain's PKRU, which
 * the callers have already ruled out. */
__asm__(".text\n"
        ".globl " BH_SYM_CALLER_INDEX "\n"
        ".hidden " BH_SYM_CALLER_INDEX "\n"
        ".type " BH_SYM_CALLER_INDEX ",@function\n" BH_SYM_CALLER_INDEX ":\n"
        "  pushq %rax\n"
        "  pushq %rcx\n"
        "  pushq %rdx\n"
        "  xorl %ecx, %ecx\n"
        "  " BH_RDPKRU "\n"
        "  leaq " BH_SYM_INDEX_TABLE "+" BH_STR(
            BH_INDEX_PKRU) "(%rip), %r10\n"
                           "  xorl %r11d, %r11d\n"
                           "1:\n"
                           "  cmpl (%r10,%r11,4), %eax\n"
                           "  je 2f\n"
                           "  incl %r11d\n"
                           "  cmpl $" BH_STR(
                               BH_MAX_COMPARTMENTS) ", %r11d\n"
                                                    "  jb 1b\n"
                                                    "  movq $-1, %r11\n"
                                                    "2:\n"
                                                    "  popq %rdx\n"
                                                    "  popq %rcx\n"
                                                    "  popq %rax\n"
                                                    "  ret\n"
                                                    ".size " BH_SYM_CALLER_INDEX
                                                    ", .-" BH_SYM_CALLER_INDEX
                                                    "\n");

/*
 * The end of a wrapper's call made from compartment i found at run time
 * (pass/Stacks.cpp, anyTrampoline): jumped to, not called, on the callee's
 * stack with the callee's rights, with rdi = i, r11 = i's stack pointer as
 * saved at entry, results in r10 (rax), r8 (rdx), xmm0-1. i's stack there
 * holds, from the top: the record (abi.h, BH_RECORD_*), r15-r12, rbp, rbx
 * as pushed at entry, then the return address into i's code.
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
                            "  jmp 5f\n"                                       \
                            "3:\n"
_Static_assert(BH_STACK_SIZE == 0x100000 && BH_STACK_MARK_BELOW == 8 &&
                   BH_STACK_OWNER_BELOW == 24,
               "the way back's mark and owner: at the stack's last byte - 7 "
               "and - 23");
// clang-format off
__asm__(".text\n"
        ".globl " BH_SYM_RETURN_TO_INDEX "\n"
        ".hidden " BH_SYM_RETURN_TO_INDEX "\n"
        ".type " BH_SYM_RETURN_TO_INDEX ",@function\n"
        BH_SYM_RETURN_TO_INDEX ":\n"
        RETURN_GATE(0) RETURN_GATE(1) RETURN_GATE(2) RETURN_GATE(3)
        RETURN_GATE(4) RETURN_GATE(5) RETURN_GATE(6) RETURN_GATE(7)
        RETURN_GATE(8) RETURN_GATE(9) RETURN_GATE(10) RETURN_GATE(11)
        RETURN_GATE(12) RETURN_GATE(13) RETURN_GATE(14)
        "  ud2\n"
        "5:\n"
        /* i's descriptor, from the table of compartments */
        BH_ASM_DOMAIN_AT("%rdi", "%rcx")
        "  cmpq " BH_STR(BH_DOMAIN_STACK_LO) "(%rcx), %r11\n"
        "  jbe 9f\n"
        "  cmpq " BH_STR(BH_DOMAIN_STACK_HI) "(%rcx), %r11\n"
        "  ja 9f\n"
        "  movq %r11, %rsp\n"
        "  cmpq %rdi, " BH_STR(BH_RECORD_INDEX) "(%rsp)\n"
        "  jne 9f\n"
        "  movq " BH_STR(BH_DOMAIN_STACK_LO) "(%rcx), %rcx\n"
        "  movq -" BH_STR(BH_COOKIE_BELOW) "(%rcx), %rdx\n"
        "  cmpq %rdx, " BH_STR(BH_RECORD_COOKIE) "(%rsp)\n"
        "  jne 9f\n"
        /* rdx: the last byte of the stack holding the record, which must
           be this thread's (abi.h, BH_STACK_OWNER_BELOW) */
        "  movq %rsp, %rdx\n"
        "  subq %rcx, %rdx\n"
        "  subq $1, %rdx\n"
        "  orq $0xfffff, %rdx\n"
        "  addq %rcx, %rdx\n"
        "  cmpl $0, " BH_SYM_OWNER_CHECK "(%rip)\n"
        "  je 6f\n"
        "  rdfsbase %rcx\n"
        "  cmpq %rcx, -23(%rdx)\n"
        "  jne 9f\n"
        "6:\n"
        "  movq $0, " BH_STR(BH_RECORD_COOKIE) "(%rsp)\n"
        /* i's mark as it was (abi.h, BH_STACK_HEADER), before its slot:
           the slot stays at or below the mark */
        "  movq " BH_STR(BH_RECORD_OLD_MARK) "(%rsp), %rcx\n"
        "  movq %rcx, -7(%rdx)\n"
        "  leaq " BH_SYM_INDEX_TABLE "+" BH_STR(BH_INDEX_SLOT_TPOFF) "(%rip), %rcx\n"
        "  movq (%rcx,%rdi,8), %rcx\n"
        "  movq " BH_STR(BH_RECORD_OLD_SLOT) "(%rsp), %rdx\n"
        "  movq %rdx, %fs:(%rcx)\n"
        "  addq $" BH_STR(BH_RECORD_SIZE) ", %rsp\n"
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
        ".size " BH_SYM_RETURN_TO_INDEX ", .-" BH_SYM_RETURN_TO_INDEX "\n");
// clang-format on

long bh_slot_tpoff(int c) {
  return c >= 0 && c < BH_MAX_COMPARTMENTS ? bh_index_pkru.t.slot_tpoff[c] : 0;
}

/*
 * bh_run_in_compartment (internal.h). Its arguments arrive in registers,
 * which no other thread can change, and are checked there: sp must lie in
 * a stack of i's arena that the owner table (read-only, runtime/stacks.c)
 * gives to this thread's id, or the thread stops (ud2). The stack switch
 * comes before the gate, and the way back's gate before the switch back:
 * while i's rights are held, nothing is read from or written to memory
 * another domain can write (the return address and fn's frames are on i's
 * stack). fn's fourth argument is the caller's stack pointer, from rbp,
 * which this function set from rsp: signals.c tells its dispatches apart
 * by it. Signals are blocked by the caller: a frame taken between switch
 * and gate would be key-0 memory, and sigreturn would restore the
 * registers that choose the gate and fn from it (runtime/signals.c).
 * The way back clears the caller-saved registers but the result, vector
 * ones whole, as the pass's gates out of a compartment do.
 */
_Static_assert(BH_STACK_SIZE == 1 << 20 && BH_STACKS_PER_ARENA == 512,
               "bh_run_in_compartment's owner lookup");
#define IN_GATE(i)                                                             \
  "  cmpl $" #i ", %r10d\n"                                                    \
  "  jne 3f\n" GATE_TEXT(i) "  jmp 5f\n"                                       \
                            "3:\n"
__asm__(
    ".text\n"
    ".globl bh_run_in_compartment\n"
    ".hidden bh_run_in_compartment\n"
    ".type bh_run_in_compartment,@function\n"
    "bh_run_in_compartment:\n"
    "  pushq %rbp\n"
    "  movq %rsp, %rbp\n"
    "  pushq %rbx\n"
    "  pushq %r12\n"
    "  movq %rdx, %rbx\n" /* fn */
    "  movl %edi, %r10d\n"  /* i */
    "  andq $-16, %rsi\n"
    "  movq %rsi, %r12\n" /* sp */
    "  movq %rcx, %rdi\n" /* a, b: the system call below keeps them */
    "  movq %r8, %rsi\n"
    /* i's descriptor, from the read-only table */
    BH_ASM_DOMAIN_AT("%r10", "%rax")
    "  cmpq " BH_STR(BH_DOMAIN_STACK_LO) "(%rax), %r12\n"
    "  jbe 9f\n"
    "  cmpq " BH_STR(BH_DOMAIN_STACK_HI) "(%rax), %r12\n"
    "  ja 9f\n"
    /* owner.tid[i][(sp - 1 - stack_lo) / BH_STACK_SIZE] == gettid() */
    "  movq %r12, %rdx\n"
    "  subq $1, %rdx\n"
    "  subq " BH_STR(BH_DOMAIN_STACK_LO) "(%rax), %rdx\n"
    "  shrq $20, %rdx\n"
    "  movq %r10, %rax\n"
    "  shlq $9, %rax\n"
    "  addq %rax, %rdx\n"
    "  movl $" BH_STR(SYS_gettid) ", %eax\n"
    "  syscall\n"
    "  leaq __bulkhead_stack_owners(%rip), %rcx\n"
    "  cmpl (%rcx,%rdx,4), %eax\n"
    "  jne 9f\n"
    "  movq %r12, %rsp\n" IN_GATE(0) IN_GATE(1) IN_GATE(2) IN_GATE(3) IN_GATE(4)
        IN_GATE(5) IN_GATE(6) IN_GATE(7) IN_GATE(8) IN_GATE(9) IN_GATE(10)
            IN_GATE(11) IN_GATE(12) IN_GATE(13) IN_GATE(14) "9:\n"
    "  ud2\n"
    "5:\n"
    "  movq %r9, %rdx\n"
    "  leaq 16(%rbp), %rcx\n" /* the caller's rsp before its call */
    "  callq *%rbx\n"
    /* Nothing of fn's for the caller, which runs with the default
     * domain's rights: fn (signals.c keep) copies a compartment's frame
     * with the C library's memcpy, whose EVEX and AVX forms leave the
     * image's last bytes (the XSAVE image's high zmm registers) in vector
     * registers; and its cookie passes through registers. The rest is the
     * pass's scrub (step 9): rax is the result, the gate clears rcx and
     * rdx. */
    BH_SCRUB_ASM("esi,edi,r8d,r9d,r10d")
    "  movq %rax, %r11\n" CHECKED_GATE(BH_SYM_DOMAIN0) "  movq %r11, %rax\n"
    "  xorl %r11d, %r11d\n"
    "  leaq -16(%rbp), %rsp\n"
    "  popq %r12\n"
    "  popq %rbx\n"
    "  popq %rbp\n"
    "  ret\n"
    ".size bh_run_in_compartment, .-bh_run_in_compartment\n");
