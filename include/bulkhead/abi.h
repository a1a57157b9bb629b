/*
 * bulkhead/abi.h - the contract between the pass (pass/), the runtime
 * (runtime/) and the scanner (tools/scan). Everything one side names or
 * lays out for another is here, and nowhere else: symbol names, section
 * names, the layout of every descriptor, table, frame and record that
 * assembly on one side reads and assembly on the other writes, the register
 * conventions of the runtime's assembly entry points, and the checked
 * gate's text. Every side includes this file; the runtime checks its
 * structs against the offsets with _Static_assert (runtime/internal.h,
 * runtime/enter.c), the pass checks the IR types it builds against them
 * with DataLayout (pass/CompartmentPass.cpp, pass/StandIns.cpp).
 *
 * Plain C, numbers as bare decimal literals: usable from C, from C++, and
 * (through BH_STR) inside the assembly text of both. Not installed: it is
 * no interface for programs (that is include/bulkhead.h).
 *
 * Naming: macros here are BH_*; BH_SYM_* are symbol names, BH_SECTION_*
 * section names, BH_DOMAIN_* / BH_INDEX_* / BH_RECORD_* / BH_FRAME_*
 * byte offsets. Every symbol one side names for the other starts with
 * __bulkhead_. Those the runtime defines in C are C identifiers
 * (__bulkhead_domain0, __bulkhead_stack_new); those the pass makes per
 * compartment or per function join the kind and the names with '.'
 * (__bulkhead_domain.NAME, __bulkhead_stack.NAME, __bulkhead_wrap.F.CREATOR),
 * which no C identifier can spell. Section names stay C identifiers (the
 * linker defines __start_/__stop_ only for those). The runtime's private
 * C names start with bh_.
 */
#ifndef BULKHEAD_ABI_H
#define BULKHEAD_ABI_H

#define BH_STR2(x) #x
/* A number of this file as a string, for assembly text. */
#define BH_STR(x) BH_STR2(x)

/* The section of the note of a shared object with compartments. */
#define BH_SECTION_NOTE ".note.bulkhead"

/* Bumped when anything below changes the descriptor; the runtime refuses
 * descriptors of another version (runtime/init.c). */
#define BH_ABI_VERSION 4
#define BH_PAGE 4096
#define BH_PAGE_SHIFT 12 /* log2(BH_PAGE) */

/* ------------------------------------------------------------ limits */

/* A process has keys 1-15 (key 0 is the default domain's). Also the
 * number of fixed gates of the runtime's gates into a domain chosen at run
 * time (__bulkhead_enter_index, __bulkhead_return_to_index) and of the entries
 * of the index table (BH_INDEX_*) that can name a compartment. */
#define BH_MAX_COMPARTMENTS 15

/* --------------------------------------------------------- sections */

/* One descriptor per compartment, a page each (BH_DOMAIN_*). The runtime
 * walks __start_/__stop_ of it; no list is kept by hand. */
#define BH_SECTION_DOMAINS "bulkhead_domains"
/* Compartment NAME's data: section BH_SECTION_DATA_PREFIX NAME; NAME is a C
 * identifier, so the linker defines __start_ and __stop_ for it. */
#define BH_SECTION_DATA_PREFIX "bulkhead_data_"
/* Read-only 32-bit offsets, each from itself to the descriptor of a
 * compartment that has a sharing policy (-fpkey-share; runtime/share.c). */
#define BH_SECTION_SHARE "bulkhead_share_policies"
/* Non-allocated, retained: the address (8 bytes, little endian) of every
 * checked gate's WRPKRU, for bulkhead-scan. Entries of 0 or ~0 were
 * discarded by the linker and are ignored. */
#define BH_SECTION_GATES ".bulkhead.gates"
/* Every function-pointer wrapper: a compartment's pointer call whose target
 * lies within __start_/__stop_ of it goes through a trampoline. */
#define BH_SECTION_WRAPPERS "bulkhead_wrappers"
/* Every trampoline, the pass's and the runtime's (bh_as_default): the
 * runtime's stack walks stop there (runtime/unwind.c). */
#define BH_SECTION_TRAMPOLINES "bulkhead_trampolines"
/* Read-only 32-bit offsets, each from itself to the start of a function
 * with a personality routine that Bulkhead built (pass/OwnCode.cpp): the
 * landing pads the runtime trusts (runtime/unwind-find.c). */
#define BH_SECTION_OWN_CODE "bulkhead_own_code"

/* ------------------------------------------------ domain descriptors */

/* A compartment's descriptor: BH_SYM_DOMAIN_PREFIX NAME, emitted by the
 * pass into every module that mentions NAME (linkonce_odr in a comdat, so
 * the linker keeps one), a whole page in BH_SECTION_DOMAINS, read-only
 * after start-up. The default domain's, BH_SYM_DOMAIN0, is the runtime's
 * (a stand-in of the pass where the runtime is not linked). The runtime's
 * C view is struct bulkhead_domain (runtime/internal.h). Offsets: */
#define BH_DOMAIN_PKRU 0 /* u32, every gate's intended PKRU; set at start-up   \
                          */
#define BH_DOMAIN_PKEY 4 /* i32, -1 until start-up and for the default domain  \
                          */
#define BH_DOMAIN_ABI_VERSION 8 /* u32, BH_ABI_VERSION */
/* u32, the default descriptor's only: nonzero once compartments are
 * protected. Every gate does nothing while it is 0 (no compartment, no PKU,
 * or the pass's stand-in in a link without the runtime). */
#define BH_DOMAIN_ENFORCED 12
#define BH_DOMAIN_NAME 16       /* const char *, the compartment's name */
#define BH_DOMAIN_DATA_START 24 /* __start_ of its data section, or NULL */
#define BH_DOMAIN_DATA_END 32   /* __stop_ of it, or NULL */
/* char *, the arena of its per-thread stacks, set at start-up: a stack top
 * a trampoline switches to must lie in (stack_lo, stack_hi]. */
#define BH_DOMAIN_STACK_LO 40
#define BH_DOMAIN_STACK_HI 48
/* void **(*)(void): the calling thread's address of its stack slot
 * (BH_SYM_STACK_SLOT_PREFIX NAME); NULL without per-compartment stacks. */
#define BH_DOMAIN_SLOT_ADDRESS 56
/* u64 *: the compartment's crossing counters (BH_STATS_*), counted only
 * with BULKHEAD_STATS=1. */
#define BH_DOMAIN_STATS 64
/* u32, the default descriptor's only: nonzero with BULKHEAD_STATS=1; every
 * count step does nothing while it is 0. */
#define BH_DOMAIN_COUNTING 72
/* u32, the default descriptor's only: nonzero once compartments are
 * protected and the kernel lets user space read the fs base (FSGSBASE):
 * trampolines then check a compartment stack's owner (BH_STACK_OWNER_BELOW
 * below); RDFSBASE runs nowhere else. */
#define BH_DOMAIN_OWNER_CHECK 76
/* u32, the default descriptor's only: the vector state the CPU has and the
 * kernel enabled (XCR0) beyond xmm0-15, BH_VECTOR_* bits, set at start-up;
 * the scrub routines (BH_SCRUB_VECTORS) clear that much. */
#define BH_DOMAIN_VECTOR_STATE 80
#define BH_DOMAIN_HEADER_SIZE 84 /* the fields above; zeros to BH_PAGE */
#define BH_DOMAIN_SIZE BH_PAGE

#define BH_SYM_DOMAIN_PREFIX "__bulkhead_domain."
#define BH_SYM_DOMAIN0 "__bulkhead_domain0"
/* The enforced word, as an operand of assembly. */
#define BH_SYM_ENFORCED BH_SYM_DOMAIN0 "+" BH_STR(BH_DOMAIN_ENFORCED)
/* The counting word, as an operand of assembly. */
#define BH_SYM_COUNTING BH_SYM_DOMAIN0 "+" BH_STR(BH_DOMAIN_COUNTING)
/* The owner-check word, as an operand of assembly. */
#define BH_SYM_OWNER_CHECK BH_SYM_DOMAIN0 "+" BH_STR(BH_DOMAIN_OWNER_CHECK)
/* The vector-state word, as an operand of assembly. */
#define BH_SYM_VECTOR_STATE BH_SYM_DOMAIN0 "+" BH_STR(BH_DOMAIN_VECTOR_STATE)
#define BH_VECTOR_AVX 1    /* ymm0-15: VEX instructions clear them whole */
#define BH_VECTOR_AVX512 2 /* zmm0-31 and the mask registers k0-7 */
/* Compartment NAME's crossing counters (pass: linkonce_odr, hidden, key-0
 * memory: numbers for the user, nothing decides on them), u64 each,
 * incremented with `lock incq` by the pass's count steps and the runtime;
 * printed at exit with BULKHEAD_STATS=1 (runtime/stats.c). */
#define BH_SYM_STATS_PREFIX "__bulkhead_stats."
#define BH_STATS_ENTRIES 0   /* calls that entered it from another domain */
#define BH_STATS_CALLS_OUT 8 /* its calls into another domain */
#define BH_STATS_WRAPPER_CALLS 16 /* calls of its functions' pointer wrappers  \
                                   */
#define BH_STATS_STACKS 24        /* stacks it gave threads (runtime) */
#define BH_STATS_SIZE 32
/* Compartment NAME's descriptor field: the calling thread's slot address
 * (pass: a linkonce_odr function per compartment). */
#define BH_SYM_SLOT_ADDRESS_PREFIX "__bulkhead_slot_address."
/* Its code, one fixed sequence, so that registration after dlopen can read
 * the slot's offset from the object's GOT without running the object's
 * code (docs/shared-objects.md, step 6, piece 2): movq SLOT@gottpoff(%rip),
 * %rax (48 8b 05, rel32); addq %fs:0, %rax; ret. In a shared object the
 * linker keeps it as written (an executable's may be relaxed; start-up
 * calls it there). */
#define BH_SLOT_ADDRESS_ASM(slot)                                              \
  "movq " slot "@gottpoff(%rip), %rax\n\t"                                     \
  "addq %fs:0, %rax\n\t"                                                      \
  "ret"
#define BH_SLOT_ADDRESS_SIZE 17
/* A compartment's code runs on its own stacks or on its callers' in every
 * module alike: each module that describes compartment NAME defines this
 * symbol (a byte, hidden) in a comdat whose name adds the module's mode,
 * BH_STACK_MODE_OWN or BH_STACK_MODE_SHARED. Modules of one mode share
 * the group; a link that mixes the modes keeps two definitions and fails
 * naming it (the two descriptors differ in their slot address, and the
 * linker would keep either). */
#define BH_SYM_STACK_MODE_PREFIX "__bulkhead_one_stack_mode_per_compartment."
#define BH_STACK_MODE_OWN ".own_stacks"
#define BH_STACK_MODE_SHARED ".shared_stack"

/* Defined by the runtime and by its part for shared objects
 * (runtime/dso-object.c, which it pulls into a shared object's link) alone.
 * Every module that describes a compartment refers to it from
 * BH_SYM_COMPARTMENT_MARKER, so a link that would run a compartment without
 * either fails and names it. */
#define BH_SYM_RUNTIME_REQUIRED                                                \
  "__bulkhead_compartments_need_the_runtime_link_with_bulkhead_clang_fpkey_"   \
  "compartments"
#define BH_SYM_COMPARTMENT_MARKER "__bulkhead_compartment_marker"

/* ------------------------------------------------------- index table */

/* BH_SYM_INDEX_TABLE (runtime/enter.c, a page read-only after start-up;
 * the pass's stand-in is a zero word): for each compartment index i (the
 * descriptor's position in BH_SECTION_DOMAINS), its PKRU, u32 at
 * BH_INDEX_PKRU + 4 * i (entries past the last compartment hold the default
 * domain's), and its stack slot's offset from the thread pointer, i64 at
 * BH_INDEX_SLOT_TPOFF + 8 * i (0: none). BH_INDEX_ENTRIES of each. */
#define BH_SYM_INDEX_TABLE "__bulkhead_index_table"
#define BH_INDEX_ENTRIES 16
#define BH_INDEX_PKRU 0
#define BH_INDEX_SLOT_TPOFF 64

/* ----------------------------------------------- table of compartments */

/* BH_SYM_DOMAIN_TABLE (runtime/domain.c, a page read-only from the start
 * of start-up): the number of compartments, u64 at BH_DOMAIN_TABLE_COUNT,
 * and compartment i's descriptor address at BH_DOMAIN_TABLE_DOMAINS + 8 * i
 * (i the descriptor's position in BH_SECTION_DOMAINS, as for the index
 * table), BH_DOMAIN_TABLE_MAX of them. Code reaching a descriptor by index
 * reads it here, never by arithmetic on the section. The pass's assembly
 * refers to it weak and hidden: a program or shared object without
 * compartments never reads it, and gets no dynamic symbol for it. */
#define BH_SYM_DOMAIN_TABLE "__bulkhead_domain_table"
#define BH_DOMAIN_TABLE_MAX 128
#define BH_DOMAIN_TABLE_COUNT 0
#define BH_DOMAIN_TABLE_DOMAINS 8

/* ---------------------------------------- compartments in shared objects */

/* A shared object with compartments (docs/shared-objects.md) holds the
 * runtime's part for shared objects (runtime/dso-object.c, archive
 * libbulkhead_dso.a, pulled in by BH_SYM_RUNTIME_REQUIRED) and describes
 * itself in one note, in a PT_NOTE of its read-only file mapping: name
 * BH_NOTE_NAME, type BH_NOTE_TYPE_OBJECT, a descriptor of BH_NOTE_DESC_SIZE
 * bytes holding i64 offsets, each from the descriptor's first byte: */
#define BH_NOTE_NAME "Bulkhead"
#define BH_NOTE_TYPE_OBJECT 1
#define BH_NOTE_DOMAINS_START 0 /* __start_ of its BH_SECTION_DOMAINS */
#define BH_NOTE_DOMAINS_STOP 8  /* __stop_ of it */
#define BH_NOTE_COPIES 16       /* its copies of the runtime's words */
#define BH_NOTE_IMPORTS_START 24 /* __start_ of its BH_SECTION_IMPORTS */
#define BH_NOTE_IMPORTS_STOP 32  /* __stop_ of it */
#define BH_NOTE_DEFAULTS_START 40 /* __start_ of its BH_SECTION_DEFAULTS */
#define BH_NOTE_DEFAULTS_STOP 48  /* __stop_ of it */
#define BH_NOTE_SHARE_START 56  /* __start_ of its BH_SECTION_SHARE */
#define BH_NOTE_SHARE_STOP 64   /* __stop_ of it */
#define BH_NOTE_OWN_CODE_START 72 /* __start_ of its BH_SECTION_OWN_CODE */
#define BH_NOTE_OWN_CODE_STOP 80  /* __stop_ of it */
#define BH_NOTE_DESC_SIZE 88
/* The copies (section BH_SECTION_COPIES, BH_COPY_SIZE bytes, whole pages;
 * zero until the executable's runtime registers the object at start-up,
 * read-only after): the object's BH_SYM_DOMAIN0 (the default descriptor's
 * header), the runtime's entry points (BH_DSO_WORDS, 8 bytes each at
 * BH_COPY_WORDS), the TLS offsets (BH_SYM_TLS_OFFSETS), the index table
 * and the table of compartments, each filled with the executable's. */
#define BH_SECTION_COPIES "bulkhead_dso_copies"
/* Defined by the runtime (registration, BH_SYM_DSO_REGISTER, under this
 * name too), exported by every executable linked with it; an object with
 * compartments refers to it as its first .init_array entry: linked with or
 * loaded by a program without the runtime, or dlopen'ed by one that was
 * not linked with it, it fails naming this. */
#define BH_SYM_DSO_NEEDS_RUNTIME                                               \
  "__bulkhead_shared_object_compartments_need_loading_at_start_up_by_a_"      \
  "program_linked_with_bulkhead_clang_fpkey_compartments"
/* Defined by the runtime, exported by every executable linked with it: a
 * shared object with compartments calls it (as BH_SYM_DSO_NEEDS_RUNTIME)
 * first thing of its initialisation (its .init_array.00000 entry,
 * dso-object.c). It takes no
 * argument: it registers every loaded object with a note that is not
 * registered yet (runtime/dlopen.c), and does nothing for those the
 * runtime registered at start-up. */
#define BH_SYM_DSO_REGISTER "__bulkhead_register_loaded_objects"
/* A PT_LOAD's p_flags bit (OS-specific, ignored by ld.so and the kernel):
 * code of an object with compartments, its PF_X cleared by bulkhead-clang
 * after the link, so that ld.so maps it readable only; registration makes
 * it executable once the object's words are final (docs/shared-objects.md,
 * step 6). */
#define BH_PF_EXEC_AFTER_REGISTRATION 0x00100000u
/* Linked with -init= this name, which nothing defines: no DT_INIT, which
 * ld.so would call (in the object's code) before the .init_array. */
#define BH_SYM_NO_DT_INIT "__bulkhead_no_dt_init"
#define BH_SYM_DSO_COPIES "__bulkhead_dso_copies"
#define BH_COPY_DOMAIN0 0
#define BH_COPY_WORDS 1024
#define BH_COPY_TLS_OFFSETS 2048
#define BH_COPY_INDEX_TABLE 4096
#define BH_COPY_DOMAIN_TABLE 8192
#define BH_COPY_SIZE 12288
/* X(index, name): the runtime's entry points an object's code calls; in
 * the object each is a jump through its word. */
#define BH_DSO_WORDS(X)                                                        \
  X(0, BH_SYM_STACK_NEW)                                                       \
  X(1, BH_SYM_STACK_NEW_NOSAVE)                                                \
  X(2, BH_SYM_ENTER_INDEX)                                                     \
  X(3, BH_SYM_REENTER_DEFAULT)                                                 \
  X(4, BH_SYM_CALLER_INDEX)                                                    \
  X(5, BH_SYM_RETURN_TO_INDEX)                                                 \
  X(6, BH_SYM_UNSUPPORTED_CALL)                                                \
  X(7, BH_SYM_SHARE_PUSH)                                                      \
  X(8, BH_SYM_SHARE_POP)                                                       \
  X(9, BH_SYM_FRAME_ALLOC)                                                     \
  X(10, BH_SYM_FRAME_FREE)                                                     \
  X(11, BH_SYM_FS_BASE)                                                        \
  X(12, "__bulkhead_errno_location")                                           \
  X(13, "__bulkhead_h_errno_location")                                         \
  X(14, "__bulkhead_ctype_b_loc")                                              \
  X(15, "__bulkhead_ctype_tolower_loc")                                        \
  X(16, "__bulkhead_ctype_toupper_loc")                                       \
  X(17, BH_SYM_EXCEPTION_ARRIVES)
#define BH_DSO_WORD_COUNT 18

/* --------------------------------------------------- per-domain stacks */

/* TLS (initial-exec) slot of each domain's current stack top on this
 * thread, emitted by the pass (linkonce_odr): BH_SYM_STACK_SLOT_PREFIX NAME
 * for compartment NAME, BH_SYM_DEFAULT_STACK_SLOT for the default domain
 * (the runtime defines that one too, as signals.c and spawn.c use it).
 * Key-0 memory: a compartment's is used only inside its arena. */
#define BH_SYM_STACK_SLOT_PREFIX "__bulkhead_stack."
#define BH_SYM_DEFAULT_STACK_SLOT "__bulkhead_stack.0"
/* TLS, the runtime's: this thread's key-0 runtime stack, where a
 * trampoline leaving a compartment runs BH_SYM_STACK_NEW_NOSAVE. */
#define BH_SYM_RT_STACK "__bulkhead_rt_stack"
/* TLS, the pass's: stack arguments out of a compartment into the default
 * domain pass through it; at most BH_MAX_CALLOUT_ARGS bytes. */
#define BH_SYM_ARGBUF "__bulkhead_argbuf"

/* Each compartment's arena: a BH_ARENA_GUARD-byte guard, then
 * BH_STACKS_PER_ARENA stacks of BH_STACK_SIZE bytes (lowest page a guard).
 * The pass rejects calls passing more than BH_MAX_STACK_ARGS bytes on the
 * stack, so a trampoline never writes below the leading guard. */
#define BH_STACK_SIZE 1048576
#define BH_STACKS_PER_ARENA 512
#define BH_ARENA_GUARD 65536
#define BH_MAX_STACK_ARGS 16384
#define BH_MAX_CALLOUT_ARGS 512
/* The top BH_STACK_HEADER bytes of each stack are its header, written only
 * with the compartment's rights. At its top - BH_STACK_MARK_BELOW: the
 * mark, the highest value the compartment's slot may hold while this
 * thread has frames of it live on this stack (the slot itself is key-0
 * TLS). A trampoline into the compartment takes the slot only if it is at
 * or below the mark, or is the stack's fresh top (top - BH_STACK_HEADER:
 * the mark starts over there, unless a word between the mark and the top
 * holds the compartment's cookie: a call out is live); it moves the mark with the
 * slot, and so does a trampoline out of it and the signal dispatcher
 * (runtime/signals.c). */
#define BH_STACK_HEADER 64
#define BH_STACK_MARK_BELOW 8
/* At top - BH_STACK_KEPT_BELOW: the newest kept signal frame's record
 * (runtime/signals.c), whose records chain to older ones. A trampoline
 * whose slot is the fresh top starts the mark over and clears it: nothing
 * of the stack is live, every record is void. */
#define BH_STACK_KEPT_BELOW 16
/* At top - BH_STACK_OWNER_BELOW: the fs base (RDFSBASE) of the thread
 * the owner table gives the stack to, written by the runtime with the
 * compartment's rights when it gives it (runtime/stacks.c own_stacks). An
 * entry by any other thread traps, and so do the ways back of calls out:
 * a slot or saved stack pointer, key-0 words, moved to another thread's
 * stack of the compartment would have the entry write, or the
 * way back resume, over frames that thread is running. The fs base is a
 * register: no store changes it. Only where the kernel lets user space
 * read it (FSGSBASE, Linux 5.9 and later; BH_DOMAIN_OWNER_CHECK). */
#define BH_STACK_OWNER_BELOW 24

/* The compartment's cookie: a random u64 at stack_lo - BH_COOKIE_BELOW, on
 * a read-only page of the compartment's key (runtime/stacks.c), bit 0 set.
 * A frame a static trampoline leaves on the caller's stack holds it with
 * BH_STATIC_FRAME_MARK flipped; a record of a run-time-chosen call
 * (BH_RECORD_*) holds it as it is: neither way back accepts the other's.
 * Both ways back clear it once used. */
#define BH_COOKIE_BELOW BH_ARENA_GUARD
#define BH_STATIC_FRAME_MARK 2

/* First entry of a thread into a compartment (its slot is empty), called
 * with the default domain's rights:
 *   BH_SYM_STACK_NEW: r10 = the descriptor, r11 = the slot's offset from the
 *     thread pointer; preserves rdi-r9, rax, xmm0-7 (arguments), clobbers
 *     r10, r11 and flags. From default-domain code, on its own stack.
 *   BH_SYM_STACK_NEW_NOSAVE: the same arguments, clobbers what a C call
 *     may; called on the runtime stack (BH_SYM_RT_STACK) by a trampoline
 *     leaving a compartment, which keeps its registers on its own stack. */
#define BH_SYM_STACK_NEW "__bulkhead_stack_new"
#define BH_SYM_STACK_NEW_NOSAVE "__bulkhead_stack_new_nosave"

/* A static trampoline's frames (pass/Stacks.cpp).
 * On the caller's stack, when the caller is a compartment: rbx, rbp,
 * r12-r15 pushed in that order, then the compartment's mark as it was (0
 * off its arena), then the marked cookie; the way back finds
 * the cookie at the saved stack pointer, BH_FRAME_CALLER_SAVED bytes below
 * the return address. */
#define BH_CALLEE_SAVED_BYTES 48 /* rbx, rbp, r12, r13, r14, r15 */
#define BH_FRAME_CALLER_SAVED 64 /* + the caller's mark, + the cookie */
/* On the callee's stack, the BH_FRAME_SIZE bytes below its top T (the
 * copied stack arguments lie below them); at these offsets from T -
 * BH_FRAME_SIZE, the stack pointer once the callee has returned: */
#define BH_FRAME_SIZE 32
#define BH_FRAME_TO_OLD_MARK 0    /* a compartment callee's mark before */
#define BH_FRAME_TO_OLD_SLOT 8    /* the callee domain's slot before */
#define BH_FRAME_FROM_OLD_SLOT 16 /* the caller domain's slot before */
#define BH_FRAME_FROM_SP 24       /* the caller's stack pointer */
/* The CFI of a trampoline out of a compartment, while the callee runs:
 * DW_CFA_def_cfa_expression {DW_OP_breg7 (rsp) X, DW_OP_deref,
 * DW_OP_plus_uconst BH_FRAME_CALLER_SAVED + 8, BH_CFA_SAVED_SP_MARK}: the
 * CFA from the caller's stack pointer saved at X(%rsp), and a trailing
 * DW_OP_nop that marks the pointer as one other domains can write (the
 * entry trampolines' expression has no mark: their saved pointer lies on
 * the compartment's own stack). The runtime's copy of such an FDE
 * (runtime/unwind-copy.c) checks, as the way back does, that the saved
 * pointer lies in the arena of the compartment whose rights the unwinder
 * holds and points at its marked cookie; otherwise the CFA it computes
 * reads BH_UNWIND_STOP first, which faults (nothing is mapped that low),
 * and the fault report names it (runtime/fault.c). */
#define BH_CFA_SAVED_SP_MARK 0x96 /* DW_OP_nop */
#define BH_UNWIND_STOP 0xbad0
/* Read likewise by every other frame's CFA in the runtime's copy when it
 * lies in that compartment's arena while the frame's stack pointer does
 * not: a walk that left the arena comes back only through a call out's
 * checked CFA (review 62: a default-domain frame's rbp, or a saved rbp
 * on its key-0 stack, pointed the walk into a live frame of the
 * compartment's and its catch). */
#define BH_UNWIND_STOP_REENTRY 0xbad8
/* Read likewise where a frame's CFI saves rax or rdx (the landing pad's
 * exception and selector, which the personality routine writes there)
 * and that place or the CFA lies off that compartment's arena (review
 * 70b: a forged frame off its stacks chose them). */
#define BH_UNWIND_STOP_EH_DATA 0xbae0
/* Read likewise where a frame's CFI would have the unwinder read (or
 * write) a word of that compartment's own memory (its data, heap or
 * stacks) but not in a frame of its stacks, or a word of its stacks from
 * a frame off them (review 70b: a forged frame's CFA next to its data,
 * and the word read there came back as a fault's address). */
#define BH_UNWIND_STOP_MEMORY 0xbae8
/* A run-time-chosen call's frame there (the any-trampoline; bh_as_default
 * keeps its own on the default stack): BH_FRAME_TO_OLD_SLOT as above, then
 * the caller's index at BH_FRAME_FROM_OLD_SLOT and its stack pointer at
 * BH_FRAME_FROM_SP. Its CFA expression is the same with
 * BH_CFA_SAVED_SP_MARK twice: the saved pointer points at a record
 * (BH_RECORD_* below), which the runtime's copy checks as
 * BH_SYM_RETURN_TO_INDEX does (in the arena, the record's index and
 * unmarked cookie the compartment's). Its CFI places the callee-saved
 * registers it pushed relative to that CFA, as a static trampoline's does,
 * so the check covers them too. */

/* ------------------------------------ calls made for a run-time caller */

/* Finds the compartment whose rights the thread holds (RDPKRU against the
 * index table): r11 = its index, or -1. Clobbers r10 and flags only. */
#define BH_SYM_CALLER_INDEX "__bulkhead_caller_index"

/* The record a call on behalf of compartment i (known only at run time)
 * leaves on i's own stack before leaving it (pass/Stacks.cpp's
 * any-trampoline, runtime/spawn.c's bh_as_default): rbx, rbp, r12-r15
 * pushed in that order, then, at the stack pointer saved: */
#define BH_RECORD_INDEX 0     /* i */
#define BH_RECORD_COOKIE 8    /* i's cookie, unmarked */
#define BH_RECORD_OLD_SLOT 16 /* i's stack slot before the call */
#define BH_RECORD_OLD_MARK 24 /* i's mark before (0 off i's arena) */
#define BH_RECORD_SIZE 40     /* a word of padding, then the six registers,
                                 r15 first: the record stays 16-aligned */
/* Like a static call out, the call points i's mark (abi.h,
 * BH_STACK_HEADER) at the record, then i's slot: every record of a call
 * still to be returned to lies between the mark and the stack's top,
 * where the restart's scan and the voiding of records look (reviews 63a,
 * 63b), unless a way back is taken out of order (a saved stack pointer
 * moved to an outer call out still in progress: threat-model.md, "Same
 * arena, other stack"). */
/* The way back from such a call: jumped to (not called) on the callee's
 * stack with the callee's rights, with rdi = i, r11 = i's saved stack
 * pointer (at the record), the result's rax in r10 and rdx in r8, xmm0-1 as
 * they are. It gates into i only (one fixed gate per index), checks r11
 * against i's arena and the record against i and i's cookie, clears the
 * cookie, restores i's slot and registers and returns on i's stack with
 * the result in rax, rdx, xmm0-1, every other caller-saved register
 * cleared. */
#define BH_SYM_RETURN_TO_INDEX "__bulkhead_return_to_index"

/* ------------------------------------------------ other entry points */

/* void (int i), C calling convention: a fixed, checked gate into
 * compartment i's rights (0 <= i < BH_MAX_COMPARTMENTS, by the index
 * table), or the default domain's for any other i. The any-trampoline
 * calls it on the runtime stack to get back into its caller's rights after
 * a first entry (runtime/enter.c). */
#define BH_SYM_ENTER_INDEX "__bulkhead_enter_index"

/* After a pointer call in default-domain code: back to the default
 * domain's rights if the callee left others. Preserves every register but
 * the flags. */
#define BH_SYM_REENTER_DEFAULT "__bulkhead_reenter_default"
/* At the start of every landing pad of a non-shared function, before its
 * gate: rdi = the exception (_Unwind_Exception *), rsi = the descriptor of
 * the pad's domain. A compartment's exception entering another domain is
 * handed to it (runtime/exceptions.c). Preserves every register but rsi
 * and the flags. */
#define BH_SYM_EXCEPTION_ARRIVES "__bulkhead_exception_arrives"
/* void (const char *why): a call the pass could not gate was reached;
 * prints why and exits with status 1. */
#define BH_SYM_UNSUPPORTED_CALL "__bulkhead_unsupported_call"
/* Sharing policies (pass/Share.cpp, runtime/share.c), C calling convention:
 * void push(void *sp), void pop(void *sp) around a policy function's body;
 * void *frame_alloc(size_t), void frame_free(void *) for a `frame` entry's
 * escaping locals. */
#define BH_SYM_SHARE_PUSH "__bulkhead_share_push"
#define BH_SYM_SHARE_POP "__bulkhead_share_pop"
#define BH_SYM_FRAME_ALLOC "__bulkhead_frame_alloc"
#define BH_SYM_FRAME_FREE "__bulkhead_frame_free"

/* ---------------------------------------- thread-local variables */

/* libc's accessors of thread-local variables that return an address
 * computed from the thread pointer glibc keeps at %fs:0 (the TCB's self
 * word: key-0 memory any domain can rewrite). Compartment code calls the
 * runtime's instead, or, where it only loads or stores through the
 * result, addresses the variable %fs-relative at its offset from
 * BH_SYM_TLS_OFFSETS (pass/LibcTls.cpp, runtime/tls.c); each mimalloc
 * copy's GOT entries of them point at the runtime's (runtime/heap.c).
 * X(index, libc's accessor, the runtime's), all `T *(void)`. */
#define BH_TLS_ACCESSORS(X)                                                    \
  X(0, __errno_location, __bulkhead_errno_location)                            \
  X(1, __h_errno_location, __bulkhead_h_errno_location)                        \
  X(2, __ctype_b_loc, __bulkhead_ctype_b_loc)                                  \
  X(3, __ctype_tolower_loc, __bulkhead_ctype_tolower_loc)                      \
  X(4, __ctype_toupper_loc, __bulkhead_ctype_toupper_loc)
#define BH_TLS_ACCESSOR_COUNT 5
/* The runtime's read-only table: one 64-bit offset from the thread's FS
 * base per accessor, by index, the same for every thread (libc's TLS is in
 * the static TLS block); set before any compartment code runs. */
#define BH_SYM_TLS_OFFSETS "__bulkhead_tls_offsets"
/* char *(void): the thread's FS base from the CPU (RDFSBASE, or
 * arch_prctl), never from memory. Compartment code adds a thread-local
 * variable's offset to it where the variable's address escapes
 * (pass/ThreadLocals.cpp). */
#define BH_SYM_FS_BASE "__bulkhead_fs_base"

/* --------------------------------------------------- the checked gate */

/* The one checked gate (docs/design.md, "The gate"): installs the PKRU in
 * the 32-bit word WORD (an assembly operand: a descriptor, or an entry of
 * the index table), which lies on a page read-only after start-up;
 * nothing while the enforced word is 0. Label 1 is the WRPKRU, listed in
 * BH_SECTION_GATES; label 2 follows the gate. Clobbers eax, ecx, edx and
 * flags. The manifest's "?" puts the entry in the group of the section the
 * gate's code lands in: a comdat function's (an inline function or a
 * template of C++) gate is listed in that comdat, so the linker drops the
 * entry with a duplicate copy of the code, where an entry outside the group
 * referring into a discarded one fails the link.
 *
 * Its encoding is what bulkhead-scan accepts as a gate (tools/scan/gates.c):
 * 8B 05 <disp32> (mov WORD(%rip),%eax), the WRPKRU 0F 01 EF at the listed
 * address, 3B 05 <disp32> (cmp WORD(%rip),%eax, the same WORD), 74 02 (je
 * over) 0F 0B (ud2).
 *
 * IMM and REG are how the assembly dialect writes "$" and "%": "$" and "%"
 * in C's top-level asm, "$" and "%%" in C's extended asm, "$$" and "%" in
 * LLVM's inline asm. The pass, whose WORD is known only at run time,
 * builds the same text from the three parts (pass/AsmEmitter.cpp). */
#define BH_GATE_PART1(IMM, REG)                                                \
  "cmpl " IMM "0, " BH_SYM_ENFORCED "(" REG "rip)\n"                           \
  "je 2f\n"                                                                    \
  "xorl " REG "ecx, " REG "ecx\n"                                              \
  "xorl " REG "edx, " REG "edx\n"                                              \
  "movl "
#define BH_GATE_PART2_WITH(IMM, REG, WRITE)                                    \
  "(" REG "rip), " REG "eax\n"                                                 \
  "1: " WRITE "\n"                                                             \
  "cmpl "
#define BH_GATE_PART2(IMM, REG) BH_GATE_PART2_WITH(IMM, REG, BH_GATE_WRITE)
#define BH_GATE_PART3(IMM, REG)                                                \
  "(" REG "rip), " REG "eax\n"                                                 \
  "je 2f\n"                                                                    \
  "ud2\n"                                                                      \
  "2:\n"                                                                       \
  ".pushsection " BH_SECTION_GATES ",\"R?\",@progbits\n"                       \
  ".quad 1b\n"                                                                 \
  ".popsection\n"
/* Bench only (bench/README.md, "no-op WRPKRU"): the pass's
 * -bulkhead-bench-nop-wrpkru and the runtime built with BH_BENCH_NOP_WRPKRU
 * (libbulkhead_rt_nopkru.a, never installed) write, where each WRPKRU and
 * RDPKRU is, a stand-in of the same 3 bytes that touches no PKRU, so that a
 * CPU without PKU runs every gate in full, minus the PKRU write:
 * BH_NOP_WRPKRU (65 89 01) stores eax at %gs:(%rcx) and BH_NOP_RDPKRU
 * (65 8B 01) loads it back; both run with rcx = 0 (the gate and every
 * RDPKRU clear ecx first), and that runtime points each thread's GS base
 * at a word of its own (runtime/init.c). So the rights a thread "holds"
 * are the last it gated into, and RDPKRU-driven choices (a wrapper's way
 * in, the run-time-chosen way back) go as with PKU, at the cost of one L1
 * store or load each. bulkhead-scan rejects such a gate: no WRPKRU at the
 * listed address. */
#define BH_WRPKRU "wrpkru"
#define BH_NOP_WRPKRU ".byte 0x65, 0x89, 0x01" /* movl %eax, %gs:(%rcx) */
#define BH_NOP_RDPKRU ".byte 0x65, 0x8b, 0x01" /* movl %gs:(%rcx), %eax */
#ifdef BH_BENCH_NOP_WRPKRU
#define BH_GATE_WRITE BH_NOP_WRPKRU
#define BH_RDPKRU BH_NOP_RDPKRU
#else
#define BH_GATE_WRITE BH_WRPKRU
#define BH_RDPKRU "rdpkru"
#endif

/* That encoding, as offsets from the WRPKRU (the listed address). */
#define BH_GATE_LOAD_BEFORE 6 /* the mov starts this many bytes before */
#define BH_GATE_CHECK_AT 3    /* the cmp */
#define BH_GATE_JE_AT 9       /* je over the ud2 */
#define BH_GATE_UD2_AT 11     /* ud2; the gate ends 2 bytes later */
#define BH_CHECKED_GATE(IMM, REG, WORD)                                        \
  BH_GATE_PART1(IMM, REG) WORD BH_GATE_PART2(IMM, REG)                         \
  WORD BH_GATE_PART3(IMM, REG)
/* In C's top-level asm. */
#define BH_CHECKED_GATE_ASM(WORD) BH_CHECKED_GATE("$", "%", WORD)

/* Clears the x87 registers (the MMX registers are their low 64 bits) but
 * st0..st(KEPT_ST-1), which carry a long double result (KEPT_ST: a string,
 * "0" to "2"; a _Complex long double is st0 and st1). Popping a register
 * only tags it empty: its 80 bits stay, and XSAVE (FXSAVE's layout) writes
 * all eight to a signal frame whatever their tags, so a vault's long double
 * arithmetic reached the default domain's frames (attacks-x87-frame.c);
 * FNINIT alone empties the tags and keeps the contents too. So the
 * registers not kept are tagged empty (ffree; also what MMX code or a
 * broken stack left valid), filled with +0 (fldz: a push into an empty
 * register raises nothing) and popped again (fstp st(0)): TOP, the tags
 * and the kept registers are as before, every other register is +0.
 * Last, fxam sets the condition codes C3-C0 by st0 alone, which an fcom
 * or fxam of the compartment's had left telling of its values (fldz and
 * fstp leave C0, C2 and C3 undefined, in practice as they were): 1001b,
 * empty (of +0), where nothing is kept, else the kept result's class. No
 * FNINIT: the control word (precision, rounding, exception masks), which
 * the ABI makes callee-saved and fesetround sets, stays, and so do the
 * status word's sticky exception flags (C: a call does not clear its
 * caller's flags). No memory, and no XRSTOR or FXRSTOR (gadgets
 * bulkhead-scan hunts). */
#define BH_SCRUB_X87(REG, KEPT_ST)                                             \
  ".irp r,0,1,2,3,4,5,6,7\n"                                                   \
  ".if \\r >= " KEPT_ST "\n"                                                   \
  "ffree " REG "st(\\r)\n"                                                     \
  ".endif\n"                                                                   \
  ".endr\n"                                                                    \
  ".rept 8 - " KEPT_ST "\n"                                                    \
  "fldz\n"                                                                     \
  ".endr\n"                                                                    \
  ".rept 8 - " KEPT_ST "\n"                                                    \
  "fstp " REG "st(0)\n"                                                        \
  ".endr\n"                                                                    \
  "fxam\n"

/* Clears the vector registers but xmm0..xmm(KEPT-1), which carry arguments
 * or results (KEPT: a string, "0" to "8"): xmm0-15 with SSE; with AVX
 * (BH_SYM_VECTOR_STATE) the upper halves too, the kept ones' included
 * (vzeroall, or vzeroupper and then xorps; xorps leaves the zeroed upper
 * halves alone); with AVX-512 zmm16-31 and k0-7 as well (glibc's EVEX
 * string functions leave copies of their data there); then the x87
 * registers but st0..st(KEPT_ST-1) (BH_SCRUB_X87). Clobbers the flags and
 * the x87 condition codes only. Local labels 9901-9903: not the gates' 1
 * and 2. */
#define BH_SCRUB_VECTORS_ST(IMM, REG, KEPT, KEPT_ST)                           \
  "testb " IMM BH_STR(BH_VECTOR_AVX512) ", " BH_SYM_VECTOR_STATE "(" REG        \
  "rip)\n"                                                                     \
  "jz 9901f\n"                                                                 \
  ".irp r,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"                   \
  "vpxord " REG "xmm\\r, " REG "xmm\\r, " REG "xmm\\r\n"                       \
  ".endr\n"                                                                    \
  ".irp r,0,1,2,3,4,5,6,7\n"                                                   \
  "kxorw " REG "k\\r, " REG "k\\r, " REG "k\\r\n"                              \
  ".endr\n"                                                                    \
  "9901:\n"                                                                    \
  "testb " IMM BH_STR(BH_VECTOR_AVX) ", " BH_SYM_VECTOR_STATE "(" REG "rip)\n"  \
  "jz 9902f\n"                                                                 \
  ".if " KEPT "\n"                                                             \
  "vzeroupper\n"                                                               \
  ".else\n"                                                                    \
  "vzeroall\n"                                                                 \
  "jmp 9903f\n"                                                                \
  ".endif\n"                                                                   \
  "9902:\n"                                                                    \
  ".irp r,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"                             \
  ".if \\r >= " KEPT "\n"                                                      \
  "xorps " REG "xmm\\r, " REG "xmm\\r\n"                                      \
  ".endif\n"                                                                   \
  ".endr\n"                                                                    \
  "9903:\n" BH_SCRUB_X87(REG, KEPT_ST)
/* All the x87 registers: the runtime's ways back return no long double. */
#define BH_SCRUB_VECTORS(IMM, REG, KEPT) BH_SCRUB_VECTORS_ST(IMM, REG, KEPT, "0")

/* Zeroes the general registers named in LIST, their 32-bit names
 * ("esi,r8d": a 32-bit xor clears the whole register). In C's top-level
 * asm. */
#define BH_ZERO_GPRS(LIST) ".irp r," LIST "\n  xorl %\\r, %\\r\n.endr\n"
/* The runtime's own ways out of a compartment's rights: LIST and every
 * vector and x87 register. */
#define BH_SCRUB_ASM(LIST) BH_ZERO_GPRS(LIST) BH_SCRUB_VECTORS("$", "%", "0")

/* ----------------------------------------------- names of the pass's own */

/* Symbols the pass makes and the runtime or the tests recognise by name. */
#define BH_SYM_BODY_PREFIX "__bulkhead_body." /* an entry's body */
/* linkonce_odr, hidden: BH_SCRUB_VECTORS with KEPT the suffix, and ret;
 * BH_SCRUB_VECTORS_ST with suffix KEPT BH_SYM_SCRUB_X87_KEPT KEPT_ST where
 * KEPT_ST is not 0 (".0.st1": a long double result). */
#define BH_SYM_SCRUB_VECTORS_PREFIX "__bulkhead_scrub_vectors."
#define BH_SYM_SCRUB_X87_KEPT ".st"
#define BH_SYM_WRAP_PREFIX "__bulkhead_wrap." /* F.CREATOR: a pointer wrapper  \
                                               */
/* F.CREATOR: a pointer to a function only declared where it was taken */
#define BH_SYM_DECL_WRAP_PREFIX "__bulkhead_declwrap."
/* Hidden marker of each default-domain function of a module (and of
 * libmimalloc's API, runtime/mimalloc-api.c). */
#define BH_SYM_DEFAULT_MARK_PREFIX "__bulkhead_default."
/* Every module also lists the names of those functions, each NUL-ended,
 * in read-only section BH_SECTION_DEFAULTS (mimalloc-api.c too): at
 * run time the markers of another object cannot be seen, the names can. */
#define BH_SECTION_DEFAULTS "bulkhead_defaults"
/* Hidden weak marker of each non-local ifunc a module defines: the pass saw
 * it (a default-domain one is marked as above, a compartment's resolver
 * returns its wrapper). The link check refuses an ifunc without it
 * (tools/alias-check.c). */
#define BH_SYM_IFUNC_MARK_PREFIX "__bulkhead_ifunc."
/* A local symbol (1 byte, read-only) of every object the pass compiled:
 * the link check refuses an object without it that refers to a marked
 * function (tools/ref-check.c). */
#define BH_SYM_COMPILED "__bulkhead_compiled"
/* A compartment's call of a declaration NAME also tests the byte at
 * BH_IMPORT_ON of NAME's import, BH_SYM_IMPORT_PREFIX NAME (the module's
 * own, BH_IMPORT_SIZE bytes in section BH_SECTION_IMPORTS, where each
 * module's part ends with a page; at BH_IMPORT_NAME a pointer to NAME).
 * Registration sets it when the program or a registered object lists NAME
 * as default-domain code, then makes the imports read-only: an object's
 * when it registers it, the executable's at the start of start-up
 * (runtime/domain.c; docs/shared-objects.md). */
#define BH_SECTION_IMPORTS "bulkhead_imports"
#define BH_SYM_IMPORT_PREFIX "__bulkhead_import."
#define BH_IMPORT_NAME 0
#define BH_IMPORT_ON 8
#define BH_IMPORT_SIZE 16
/* A page of padding ending each module's part of a data section. */
#define BH_SYM_PAD_PREFIX "__bulkhead_pad."

#endif
