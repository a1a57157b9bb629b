/*
 * mimalloc-api.c - libmimalloc's own API runs in the default domain.
 *
 * The runtime owns every C-library-style allocation name (heap.c), but
 * libmimalloc.so.2 also exports its mi_* API. Bound to libmimalloc, a
 * compartment's call of mi_realloc would run the shared allocator in place,
 * with the compartment's rights, on key-0 bookkeeping the default domain
 * can forge (attacks-review4-mimalloc-api.c). The pass gates a
 * compartment's call of an external function into the default domain when
 * the link defines that function's default-domain marker
 * (pass/CallGates.cpp, gateIfDefaultElsewhere): these are the markers, so
 * mi_* always runs with the default domain's rights and serves the shared
 * heap, and a compartment's own block handed to it faults there.
 * Each name is also listed in BH_SECTION_DEFAULTS, which the registration
 * of a shared object reads (runtime/domain.c): a shared object cannot see
 * these hidden markers. The allocating calls mi_malloc, mi_calloc,
 * mi_realloc, mi_strdup and mi_usable_size of compartment code are the
 * runtime's checked ones instead (pass/CallGates.cpp, toCheckedSharedHeap).
 * test/runtime/mimalloc-api-names.test checks the list against the
 * installed library.
 */
#include "../include/bulkhead/abi.h"

#define BH_DEFAULT_MARK(name)                                                  \
  __asm__(".pushsection .rodata.bulkhead_mimalloc_api,\"a\"\n"                 \
          ".globl " BH_SYM_DEFAULT_MARK_PREFIX #name "\n"                      \
          ".hidden " BH_SYM_DEFAULT_MARK_PREFIX #name "\n"                     \
          BH_SYM_DEFAULT_MARK_PREFIX #name ": .byte 1\n"                       \
          ".popsection\n"                                                      \
          ".pushsection " BH_SECTION_DEFAULTS ",\"aR\"\n"                      \
          ".asciz \"" #name "\"\n"                                             \
          ".popsection\n");

/* nm -D --defined-only libmimalloc.so.2 (2.0.9), its mi_* names. */
BH_DEFAULT_MARK(mi__expand)
BH_DEFAULT_MARK(mi_aligned_alloc)
BH_DEFAULT_MARK(mi_aligned_offset_recalloc)
BH_DEFAULT_MARK(mi_aligned_recalloc)
BH_DEFAULT_MARK(mi_arena_area)
BH_DEFAULT_MARK(mi_calloc)
BH_DEFAULT_MARK(mi_calloc_aligned)
BH_DEFAULT_MARK(mi_calloc_aligned_at)
BH_DEFAULT_MARK(mi_cfree)
BH_DEFAULT_MARK(mi_check_owned)
BH_DEFAULT_MARK(mi_collect)
BH_DEFAULT_MARK(mi_debug_show_arenas)
BH_DEFAULT_MARK(mi_dupenv_s)
BH_DEFAULT_MARK(mi_expand)
BH_DEFAULT_MARK(mi_free)
BH_DEFAULT_MARK(mi_free_aligned)
BH_DEFAULT_MARK(mi_free_size)
BH_DEFAULT_MARK(mi_free_size_aligned)
BH_DEFAULT_MARK(mi_good_size)
BH_DEFAULT_MARK(mi_heap_alloc_new)
BH_DEFAULT_MARK(mi_heap_alloc_new_n)
BH_DEFAULT_MARK(mi_heap_calloc)
BH_DEFAULT_MARK(mi_heap_calloc_aligned)
BH_DEFAULT_MARK(mi_heap_calloc_aligned_at)
BH_DEFAULT_MARK(mi_heap_check_owned)
BH_DEFAULT_MARK(mi_heap_collect)
BH_DEFAULT_MARK(mi_heap_contains_block)
BH_DEFAULT_MARK(mi_heap_delete)
BH_DEFAULT_MARK(mi_heap_destroy)
BH_DEFAULT_MARK(mi_heap_get_backing)
BH_DEFAULT_MARK(mi_heap_get_default)
BH_DEFAULT_MARK(mi_heap_malloc)
BH_DEFAULT_MARK(mi_heap_malloc_aligned)
BH_DEFAULT_MARK(mi_heap_malloc_aligned_at)
BH_DEFAULT_MARK(mi_heap_malloc_small)
BH_DEFAULT_MARK(mi_heap_mallocn)
BH_DEFAULT_MARK(mi_heap_new)
BH_DEFAULT_MARK(mi_heap_new_in_arena)
BH_DEFAULT_MARK(mi_heap_realloc)
BH_DEFAULT_MARK(mi_heap_realloc_aligned)
BH_DEFAULT_MARK(mi_heap_realloc_aligned_at)
BH_DEFAULT_MARK(mi_heap_reallocf)
BH_DEFAULT_MARK(mi_heap_reallocn)
BH_DEFAULT_MARK(mi_heap_realpath)
BH_DEFAULT_MARK(mi_heap_recalloc)
BH_DEFAULT_MARK(mi_heap_recalloc_aligned)
BH_DEFAULT_MARK(mi_heap_recalloc_aligned_at)
BH_DEFAULT_MARK(mi_heap_rezalloc)
BH_DEFAULT_MARK(mi_heap_rezalloc_aligned)
BH_DEFAULT_MARK(mi_heap_rezalloc_aligned_at)
BH_DEFAULT_MARK(mi_heap_set_default)
BH_DEFAULT_MARK(mi_heap_strdup)
BH_DEFAULT_MARK(mi_heap_strndup)
BH_DEFAULT_MARK(mi_heap_visit_blocks)
BH_DEFAULT_MARK(mi_heap_zalloc)
BH_DEFAULT_MARK(mi_heap_zalloc_aligned)
BH_DEFAULT_MARK(mi_heap_zalloc_aligned_at)
BH_DEFAULT_MARK(mi_is_in_heap_region)
BH_DEFAULT_MARK(mi_is_redirected)
BH_DEFAULT_MARK(mi_malloc)
BH_DEFAULT_MARK(mi_malloc_aligned)
BH_DEFAULT_MARK(mi_malloc_aligned_at)
BH_DEFAULT_MARK(mi_malloc_good_size)
BH_DEFAULT_MARK(mi_malloc_size)
BH_DEFAULT_MARK(mi_malloc_small)
BH_DEFAULT_MARK(mi_malloc_usable_size)
BH_DEFAULT_MARK(mi_mallocn)
BH_DEFAULT_MARK(mi_manage_os_memory)
BH_DEFAULT_MARK(mi_manage_os_memory_ex)
BH_DEFAULT_MARK(mi_mbsdup)
BH_DEFAULT_MARK(mi_memalign)
BH_DEFAULT_MARK(mi_new)
BH_DEFAULT_MARK(mi_new_aligned)
BH_DEFAULT_MARK(mi_new_aligned_nothrow)
BH_DEFAULT_MARK(mi_new_n)
BH_DEFAULT_MARK(mi_new_nothrow)
BH_DEFAULT_MARK(mi_new_realloc)
BH_DEFAULT_MARK(mi_new_reallocn)
BH_DEFAULT_MARK(mi_option_disable)
BH_DEFAULT_MARK(mi_option_enable)
BH_DEFAULT_MARK(mi_option_get)
BH_DEFAULT_MARK(mi_option_get_clamp)
BH_DEFAULT_MARK(mi_option_is_enabled)
BH_DEFAULT_MARK(mi_option_set)
BH_DEFAULT_MARK(mi_option_set_default)
BH_DEFAULT_MARK(mi_option_set_enabled)
BH_DEFAULT_MARK(mi_option_set_enabled_default)
BH_DEFAULT_MARK(mi_posix_memalign)
BH_DEFAULT_MARK(mi_process_info)
BH_DEFAULT_MARK(mi_process_init)
BH_DEFAULT_MARK(mi_pvalloc)
BH_DEFAULT_MARK(mi_realloc)
BH_DEFAULT_MARK(mi_realloc_aligned)
BH_DEFAULT_MARK(mi_realloc_aligned_at)
BH_DEFAULT_MARK(mi_reallocarr)
BH_DEFAULT_MARK(mi_reallocarray)
BH_DEFAULT_MARK(mi_reallocf)
BH_DEFAULT_MARK(mi_reallocn)
BH_DEFAULT_MARK(mi_realpath)
BH_DEFAULT_MARK(mi_recalloc)
BH_DEFAULT_MARK(mi_recalloc_aligned)
BH_DEFAULT_MARK(mi_recalloc_aligned_at)
BH_DEFAULT_MARK(mi_register_deferred_free)
BH_DEFAULT_MARK(mi_register_error)
BH_DEFAULT_MARK(mi_register_output)
BH_DEFAULT_MARK(mi_reserve_huge_os_pages)
BH_DEFAULT_MARK(mi_reserve_huge_os_pages_at)
BH_DEFAULT_MARK(mi_reserve_huge_os_pages_at_ex)
BH_DEFAULT_MARK(mi_reserve_huge_os_pages_interleave)
BH_DEFAULT_MARK(mi_reserve_os_memory)
BH_DEFAULT_MARK(mi_reserve_os_memory_ex)
BH_DEFAULT_MARK(mi_rezalloc)
BH_DEFAULT_MARK(mi_rezalloc_aligned)
BH_DEFAULT_MARK(mi_rezalloc_aligned_at)
BH_DEFAULT_MARK(mi_stats_merge)
BH_DEFAULT_MARK(mi_stats_print)
BH_DEFAULT_MARK(mi_stats_print_out)
BH_DEFAULT_MARK(mi_stats_reset)
BH_DEFAULT_MARK(mi_strdup)
BH_DEFAULT_MARK(mi_strndup)
BH_DEFAULT_MARK(mi_thread_done)
BH_DEFAULT_MARK(mi_thread_init)
BH_DEFAULT_MARK(mi_thread_stats_print_out)
BH_DEFAULT_MARK(mi_usable_size)
BH_DEFAULT_MARK(mi_valloc)
BH_DEFAULT_MARK(mi_version)
BH_DEFAULT_MARK(mi_wcsdup)
BH_DEFAULT_MARK(mi_wdupenv_s)
BH_DEFAULT_MARK(mi_zalloc)
BH_DEFAULT_MARK(mi_zalloc_aligned)
BH_DEFAULT_MARK(mi_zalloc_aligned_at)
BH_DEFAULT_MARK(mi_zalloc_small)
