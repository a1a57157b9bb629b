/*
 * dso.c - linked (instead of the runtime) into shared objects built with
 * -fpkey-compartments. Compartments exist only in executables for now, so
 * a shared object's instrumented code is shared code: its own copy of the
 * default domain's descriptor says "nothing enforced", which makes every
 * gate and wrapper in it skip its WRPKRU and call straight through, with
 * the rights of whoever called. The paths that would need
 * the executable's runtime never run there; reaching one anyway traps.
 * bulkhead-dso.ld refuses a shared object that contains a compartment.
 */
#include "abi.h"

#include <stdlib.h>
#include <unistd.h>

#define BH_DSO_LOCAL __attribute__((visibility("hidden")))

/* No pointer in it, so it needs no relocation and lands in .rodata, never
 * writable whatever the link's RELRO setting: a PKRU written here would be
 * installed by this object's gates, and their check would pass. */
/* `enforced` 0 turns every gate off; a jump straight to one of this
 * object's WRPKRUs passes its check only with this PKRU, which opens key 0
 * alone: nobody's compartment. */
BH_DSO_LOCAL const struct bulkhead_domain __bulkhead_domain0
    __attribute__((aligned(BULKHEAD_PAGE))) = {
        .pkru = 0xfffffffcu, .pkey = -1, .abi_version = BULKHEAD_ABI_VERSION};
BH_DSO_LOCAL const char bh_index_pkru[BULKHEAD_PAGE];

/* Reached only with a compartment's rights, which no gate here installs. */
__asm__(".text\n"
        ".globl __bulkhead_caller_index, __bulkhead_return_to_index\n"
        ".hidden __bulkhead_caller_index, __bulkhead_return_to_index\n"
        "__bulkhead_caller_index:\n"
        "__bulkhead_return_to_index:\n"
        "  ud2\n");

/* After pointer calls: nothing is enforced here, so nothing to put back. */
__asm__(".text\n"
        ".globl __bulkhead_reenter_default\n"
        ".hidden __bulkhead_reenter_default\n"
        "__bulkhead_reenter_default:\n"
        "  ret\n");

/* As in the runtime (util.c): a call the pass could not gate. */
BH_DSO_LOCAL __attribute__((noreturn)) void
__bulkhead_unsupported_call(const char *why) {
  const char *end = why;
  while (*end)
    end++;
  if (write(2, why, (size_t)(end - why)) >= 0)
    (void)write(2, "\n", 1);
  _exit(1);
}

/* The sharing policy (runtime/share.c): code here is shared code, never a
 * compartment's, so allocations are shared anyway; frames go to malloc. */
BH_DSO_LOCAL void __bulkhead_share_push(void *sp) { (void)sp; }
BH_DSO_LOCAL void __bulkhead_share_pop(void *sp) { (void)sp; }
BH_DSO_LOCAL void *__bulkhead_frame_alloc(size_t n) {
  void *p = malloc(n);
  if (!p)
    __bulkhead_unsupported_call("bulkhead: error: out of memory for a shared frame");
  return p;
}
BH_DSO_LOCAL void __bulkhead_frame_free(void *p) { free(p); }
