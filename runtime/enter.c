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
 * Used by heap.c, for a thread's heaps at its exit.
 */
#include "gate.h"
#include "internal.h"

#include <sys/mman.h>

#define MAX_COMPARTMENTS 15

BH_HIDDEN union {
  uint32_t pkru[16];
  char page[BULKHEAD_PAGE];
} bh_index_pkru __attribute__((aligned(BULKHEAD_PAGE))) = {
    /* Before start-up a gate could only install "every key but 0 closed". */
    .pkru = {[0 ... 15] = 0xfffffffcu}};

void bh_enter_init(void) {
  for (size_t i = 0; i < MAX_COMPARTMENTS; i++)
    bh_index_pkru.pkru[i] = i < bh_domain_count()
                                ? __start_bulkhead_domains[i].pkru
                                : __bulkhead_domain0.pkru;
  if (mprotect(&bh_index_pkru, sizeof bh_index_pkru, PROT_READ))
    bh_die("bulkhead: error: cannot make the gate table read-only");
}

/* A checked gate into the rights in bh_index_pkru.pkru[i]. */
#define GATE_TEXT(i)                                                           \
  "xorl %ecx, %ecx\n\t"                                                        \
  "xorl %edx, %edx\n\t"                                                        \
  "movl bh_index_pkru+4*" #i "(%rip), %eax\n"                                 \
  "1: wrpkru\n\t"                                                              \
  "cmpl bh_index_pkru+4*" #i "(%rip), %eax\n\t"                               \
  "je 2f\n\t"                                                                  \
  "ud2\n"                                                                      \
  "2:\n\t"                                                                     \
  ".pushsection .bulkhead.gates,\"R\",@progbits\n\t"                           \
  ".quad 1b\n\t"                                                               \
  ".popsection\n\t"
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
        "  xorl %ecx, %ecx\n"
        "  xorl %edx, %edx\n"
        "  movl __bulkhead_domain0(%rip), %eax\n"
        "1: wrpkru\n"
        "  cmpl __bulkhead_domain0(%rip), %eax\n"
        "  je 2f\n"
        "  ud2\n"
        "2:\n"
        ".pushsection .bulkhead.gates,\"R\",@progbits\n"
        ".quad 1b\n"
        ".popsection\n"
        "  ret\n"
        ".size bh_enter_index, .-bh_enter_index\n");
