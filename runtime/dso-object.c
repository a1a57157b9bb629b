/*
 * dso-object.c - the runtime's part in a shared object with compartments
 * (libbulkhead_dso.a; docs/shared-objects.md). The driver adds the archive
 * to every -shared link with -fpkey-compartments; this member is pulled in
 * only by BH_SYM_RUNTIME_REQUIRED, which every module describing a
 * compartment refers to, so an object without compartments gets nothing
 * of it and keeps the pass's stand-ins.
 *
 * It gives the object:
 *   - the note (BH_NOTE_*) by which the executable's runtime finds it and
 *     its descriptors: offsets only, in read-only data, no relocation;
 *   - the page that ends its imports (BH_SECTION_IMPORTS), which
 *     registration fills and makes read-only like the copies;
 *   - its copies of the runtime's words (BH_COPY_*), whole pages that stay
 *     zero (enforced 0: every gate does nothing; every entry word 0: a
 *     call into the runtime faults) until the runtime registers the object
 *     and makes them read-only (runtime/domain.c, runtime/init.c). These
 *     definitions replace the pass's weak stand-ins;
 *   - the runtime's entry points as jumps through those words: a jump
 *     through memory keeps every register, as the entry points'
 *     conventions need (include/bulkhead/abi.h).
 * All hidden: the object exports none of it.
 */
#define _GNU_SOURCE
#include "../include/bulkhead/abi.h"

#include <dlfcn.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

/* A module with a compartment refers to this: present, the part for shared
 * objects is linked in. */
__attribute__((visibility("hidden")))
const char bh_dso_runtime_required[1] __asm__(BH_SYM_RUNTIME_REQUIRED);

// clang-format off
#define STUB(i, name)                                                          \
  ".globl " name "\n"                                                          \
  ".hidden " name "\n"                                                         \
  ".type " name ",@function\n"                                                 \
  name ":\n"                                                                   \
  "  jmpq *" BH_SYM_DSO_COPIES "+" BH_STR(BH_COPY_WORDS) "+8*" #i "(%rip)\n"   \
  ".size " name ",.-" name "\n"

#define LABEL(sym)                                                             \
  ".globl " sym "\n"                                                           \
  ".hidden " sym "\n"                                                          \
  sym ":\n"

__asm__(
    /* The copies: zero until registration. Writable only until then. */
    ".pushsection " BH_SECTION_COPIES ",\"aw\",@nobits\n"
    ".p2align " BH_STR(BH_PAGE_SHIFT) "\n"
    ".type " BH_SYM_DSO_COPIES ",@object\n"
    LABEL(BH_SYM_DSO_COPIES)
    LABEL(BH_SYM_DOMAIN0)
    ".zero " BH_STR(BH_COPY_TLS_OFFSETS) "\n"
    LABEL(BH_SYM_TLS_OFFSETS)
    ".zero " BH_STR(BH_COPY_INDEX_TABLE) "-" BH_STR(BH_COPY_TLS_OFFSETS) "\n"
    LABEL(BH_SYM_INDEX_TABLE)
    ".zero " BH_STR(BH_COPY_DOMAIN_TABLE) "-" BH_STR(BH_COPY_INDEX_TABLE) "\n"
    LABEL(BH_SYM_DOMAIN_TABLE)
    ".zero " BH_STR(BH_COPY_SIZE) "-" BH_STR(BH_COPY_DOMAIN_TABLE) "\n"
    ".size " BH_SYM_DSO_COPIES "," BH_STR(BH_COPY_SIZE) "\n"
    ".popsection\n"

    /* The note: offsets from its descriptor, fixed at link time. */
    ".pushsection " BH_SECTION_NOTE ",\"a\",@note\n"
    ".p2align 2\n"
    ".long 2f-1f\n"
    ".long 4f-3f\n"
    ".long " BH_STR(BH_NOTE_TYPE_OBJECT) "\n"
    "1: .asciz \"" BH_NOTE_NAME "\"\n"
    "2: .p2align 2\n"
    ".weak __start_" BH_SECTION_DOMAINS "\n"
    ".hidden __start_" BH_SECTION_DOMAINS "\n"
    ".weak __stop_" BH_SECTION_DOMAINS "\n"
    ".hidden __stop_" BH_SECTION_DOMAINS "\n"
    ".weak __start_" BH_SECTION_SHARE "\n"
    ".hidden __start_" BH_SECTION_SHARE "\n"
    ".weak __stop_" BH_SECTION_SHARE "\n"
    ".hidden __stop_" BH_SECTION_SHARE "\n"
    ".weak __start_" BH_SECTION_OWN_CODE "\n"
    ".hidden __start_" BH_SECTION_OWN_CODE "\n"
    ".weak __stop_" BH_SECTION_OWN_CODE "\n"
    ".hidden __stop_" BH_SECTION_OWN_CODE "\n"
    "3: .quad __start_" BH_SECTION_DOMAINS "-3b\n"
    ".quad __stop_" BH_SECTION_DOMAINS "-3b\n"
    ".quad " BH_SYM_DSO_COPIES "-3b\n"
    ".quad __start_" BH_SECTION_IMPORTS "-3b\n"
    ".quad __stop_" BH_SECTION_IMPORTS "-3b\n"
    ".quad __start_" BH_SECTION_DEFAULTS "-3b\n"
    ".quad __stop_" BH_SECTION_DEFAULTS "-3b\n"
    ".quad __start_" BH_SECTION_SHARE "-3b\n"
    ".quad __stop_" BH_SECTION_SHARE "-3b\n"
    ".quad __start_" BH_SECTION_OWN_CODE "-3b\n"
    ".quad __stop_" BH_SECTION_OWN_CODE "-3b\n"
    "4: .p2align 2\n"
    ".popsection\n"

    /* The imports (pass/CallGates.cpp) end with this page, which starts
     * them on a page too (the section takes its alignment): registration
     * makes them read-only, and nothing else shares their pages. */
    ".pushsection " BH_SECTION_IMPORTS ",\"awR\"\n"
    ".p2align " BH_STR(BH_PAGE_SHIFT) "\n"
    ".zero " BH_STR(BH_PAGE) "\n"
    ".popsection\n"
    /* The object's default-domain names (may be none). */
    ".pushsection " BH_SECTION_DEFAULTS ",\"a\"\n"
    ".popsection\n"
    ".hidden __start_" BH_SECTION_IMPORTS "\n"
    ".hidden __stop_" BH_SECTION_IMPORTS "\n"
    ".weak __start_" BH_SECTION_DEFAULTS "\n"
    ".weak __stop_" BH_SECTION_DEFAULTS "\n"
    ".hidden __start_" BH_SECTION_DEFAULTS "\n"
    ".hidden __stop_" BH_SECTION_DEFAULTS "\n"

    ".text\n"
    BH_DSO_WORDS(STUB));
// clang-format on

_Static_assert(BH_NOTE_DESC_SIZE == 88 &&
                   BH_COPY_WORDS + 8 * BH_DSO_WORD_COUNT <= BH_COPY_TLS_OFFSETS,
               "the note and the copies are laid out as written here");

extern const char bh_copies[] __asm__(BH_SYM_DSO_COPIES)
    __attribute__((visibility("hidden")));

/* The executable's runtime's registration (runtime/dlopen.c), under the
 * name that says what is missing: an executable built without the runtime
 * has nothing that registers this object, and its load fails naming it
 * (the executable exports it to the objects that refer to it). */
extern void bh_register_loaded(void) __asm__(BH_SYM_DSO_NEEDS_RUNTIME);

/* The object's first initialisation step, before its constructors (its
 * .init_array.00000 entry; DT_INIT_ARRAY runs in order and the linker
 * sorts by priority): the runtime's registration itself, not code of the
 * object, which bulkhead-clang links readable only (its PF_X cleared,
 * tools/dso-inert.h) and registration makes executable once the object's
 * words are final. Loaded with the program, the runtime registered it in
 * .preinit_array already and this does nothing; loaded by dlopen, it
 * registers it from the notes, or stops the process with one line (a
 * program under the system-call filter: docs/shared-objects.md, step 6).
 * Left unregistered anyway, the code of an object bulkhead-clang linked
 * is not executable: its next step faults. */
__attribute__((used, section(".init_array.00000"))) static void (
        *const bh_dso_register_entry)(void) = bh_register_loaded;

/* The next step, the object's own code: still unregistered (an object
 * linked by another tool, whose code is executable from the start), its
 * gates would do nothing and its data would stay open, so it stops the
 * process before any other code of it runs. */
static uintptr_t first_word(void) {
  /* volatile: the copies are const to the compiler, which would otherwise
   * reuse the value read before registration. */
  return *(const volatile uintptr_t *)(bh_copies + BH_COPY_WORDS);
}

static void bh_dso_check_registered(void) {
  if (first_word())
    return;
  Dl_info di;
  const char *name =
      dladdr(bh_copies, &di) && di.dli_fname ? di.dli_fname : "a shared object";
  static const char a[] = "bulkhead: error: ",
                    b[] = " holds compartments but was not registered "
                          "(docs/shared-objects.md)\n";
  (void)!write(2, a, sizeof a - 1);
  (void)!write(2, name, strlen(name));
  (void)!write(2, b, sizeof b - 1);
  _exit(127);
}
__attribute__((used, section(".init_array.00001"))) static void (
        *const bh_dso_check_entry)(void) = bh_dso_check_registered;
