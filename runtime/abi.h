/*
 * abi.h - what the pass emits and the runtime reads. Shared by both (the
 * pass is C++ and includes this file), so the two cannot drift apart.
 */
#ifndef BULKHEAD_ABI_H
#define BULKHEAD_ABI_H

#include <stdint.h>

#define BULKHEAD_ABI_VERSION 3u
#define BULKHEAD_PAGE 4096u

/* One descriptor per compartment, emitted by the pass into every module that
 * mentions the compartment as a linkonce_odr global in a comdat, so the linker
 * keeps exactly one. Each fills a whole page, so the runtime can make the
 * section read-only after start-up without touching anything else. */
#define BULKHEAD_DOMAIN_SECTION "bulkhead_domains"
#define BULKHEAD_DOMAIN_PREFIX "__bulkhead_domain_"
/* The default domain's descriptor is defined by the runtime. */
#define BULKHEAD_DOMAIN0 "__bulkhead_domain0"
/* Its `enforced` word: every gate does nothing while it is 0 (no compartment
 * protected, no PKU, or the pass's stand-in descriptor in a link without the runtime,
 * pass/StandIns.cpp). */
#define BULKHEAD_ENFORCED "__bulkhead_domain0+12"

/* Defined by the runtime alone. Every module that describes a compartment
 * refers to it (pass/StandIns.cpp), so a link that would run a compartment
 * without the runtime fails and names it. */
#define BULKHEAD_RUNTIME_REQUIRED \
  "__bulkhead_compartments_need_the_runtime_link_with_bulkhead_clang_fpkey_compartments"

/* Compartment data lives in section BULKHEAD_DATA_PREFIX + name. The name is a
 * C identifier, so the linker defines __start_ and __stop_ for it. */
#define BULKHEAD_DATA_PREFIX "bulkhead_data_"

/* Read-only section of 32-bit offsets, each from itself to the descriptor
 * of a compartment that has a sharing policy (-fpkey-share). */
#define BULKHEAD_SHARE_SECTION "bulkhead_share_policies"

/* Non-allocated section listing the virtual address (8 bytes, little endian)
 * of every gate WRPKRU, for bulkhead-scan. Entries of 0 or ~0 were discarded
 * by the linker and are ignored. */
#define BULKHEAD_GATES_SECTION ".bulkhead.gates"

/* libc's accessors of thread-local variables that return an address
 * computed from the thread pointer glibc keeps at %fs:0 (the TCB's self
 * word: key-0 memory any domain can rewrite). Compartment code calls the
 * runtime's instead, or, where it only loads or stores through the result,
 * addresses the variable %fs-relative at its offset from
 * BULKHEAD_TLS_OFFSETS (pass/LibcTls.cpp, runtime/tls.c). X(index, libc's
 * accessor, the runtime's). */
#define BULKHEAD_TLS_ACCESSORS(X)                                              \
  X(0, __errno_location, __bulkhead_errno_location)                           \
  X(1, __h_errno_location, __bulkhead_h_errno_location)                       \
  X(2, __ctype_b_loc, __bulkhead_ctype_b_loc)                                 \
  X(3, __ctype_tolower_loc, __bulkhead_ctype_tolower_loc)                     \
  X(4, __ctype_toupper_loc, __bulkhead_ctype_toupper_loc)
#define BULKHEAD_TLS_ACCESSOR_COUNT 5
/* The runtime's read-only table: one 64-bit offset from the thread's FS
 * base per accessor, by index, the same for every thread (libc's TLS is in
 * the static TLS block). Set before any compartment code runs. */
#define BULKHEAD_TLS_OFFSETS "__bulkhead_tls_offsets"

struct bulkhead_domain {
  uint32_t pkru;        /* offset 0, read by every gate; set at start-up */
  int32_t pkey;         /* set at start-up; -1 for the default domain */
  uint32_t abi_version; /* BULKHEAD_ABI_VERSION */
  uint32_t enforced;    /* offset 12, default descriptor only: see
                           BULKHEAD_ENFORCED; set at start-up */
  const char *name;     /* compartment name */
  char *data_start;     /* __start_bulkhead_data_<name>, or NULL */
  char *data_end;       /* __stop_bulkhead_data_<name>, or NULL */
  /* Offsets 40 and 48, read by stack-switching trampolines: the arena of
   * this compartment's per-thread stacks, set at start-up (runtime/stacks.c).
   * A stack top the trampoline switches to must lie in (stack_lo, stack_hi]. */
  char *stack_lo;
  char *stack_hi;
  /* Offset 56: the calling thread's address of this compartment's stack
   * slot (the pass's TLS variable __bulkhead_stack.<name>); the runtime
   * turns it into an %fs offset at start-up (runtime/enter.c). */
  void **(*slot_address)(void);
  char pad[BULKHEAD_PAGE - 64];
};

/* Per-thread compartment stacks (-bulkhead-stacks): each BH_STACK_SIZE
 * bytes with a guard page at the bottom, BH_STACKS_PER_ARENA per arena,
 * after a BH_ARENA_GUARD-byte guard. The pass rejects calls passing more
 * than BH_MAX_STACK_ARGS bytes on the stack, so a trampoline never writes
 * below the leading guard. */
#define BH_STACK_SIZE (1u << 20)
#define BH_STACKS_PER_ARENA 512
#define BH_ARENA_GUARD (64u << 10)
#define BH_MAX_STACK_ARGS (16u << 10)
/* Out of a compartment, stack arguments pass through a per-thread buffer
 * of this size (__bulkhead_argbuf). */
#define BH_MAX_CALLOUT_ARGS 512u
/* A compartment's random cookie (runtime/stacks.c) has bit 0 set; a
 * frame left by a static trampoline holds it with this bit flipped, a
 * record of a run-time-chosen call (the way back __bulkhead_return_to_index)
 * holds it as it is: neither way back accepts the other's (found in
 * review: a static frame passed for a record, one word off). */
#define BH_STATIC_FRAME_MARK 2
#define BH_DESC_STACK_LO 40
#define BH_DESC_STACK_HI 48

#endif
