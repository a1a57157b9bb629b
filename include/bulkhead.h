/*
 * bulkhead.h - annotations and run-time queries for Bulkhead compartments.
 *
 * Build with `bulkhead-clang -fpkey-compartments`. Code and data without an
 * annotation belong to the shared default domain (protection key 0). Each
 * named compartment gets a protection key of its own; a function runs with
 * exactly the rights of the domain it belongs to. A compartment name is a C
 * identifier. See docs/annotations.md for the full reference.
 *
 *   BULKHEAD_DATA(c)      on a global or static variable: the variable lives
 *                         on pages tagged with compartment c's key. Only code
 *                         of compartment c can read or write it.
 *   BULKHEAD_ENTRY(c)     on a function: it belongs to compartment c and may
 *                         be called from any domain; each call from another
 *                         domain passes through a checked gate that switches
 *                         to c's rights and back.
 *   BULKHEAD_INTERNAL(c)  on a function: it belongs to compartment c and may
 *                         be called only from code of compartment c. A call
 *                         from another domain is a compile-time error.
 *
 * Put the annotation on the declaration in the header that callers include,
 * as well as on the definition: the compiler decides at each call site which
 * domains the call crosses, so it must see the callee's compartment there.
 *
 * Without -fpkey-compartments (or with another compiler) the annotations
 * compile to nothing that changes the program's behaviour.
 */
#ifndef BULKHEAD_H
#define BULKHEAD_H

#include <stddef.h>
#include <stdint.h>

#if defined(__clang__)
#define BULKHEAD_ANNOTATE_(kind, c)                                            \
  __attribute__((annotate("bulkhead." kind ":" #c)))
#else
#define BULKHEAD_ANNOTATE_(kind, c)
#endif

/* Under -fpkey-compartments the driver defines __BULKHEAD__. The warning
 * attribute makes clang attach the source location to every call of an
 * annotated function, so the pass can report a bad call at its file:line:col
 * even without -g. The pass removes the attribute again: it never warns. */
#if defined(__clang__) && defined(__BULKHEAD__)
#define BULKHEAD_CALLSITE_ __attribute__((warning("bulkhead-callsite")))
#else
#define BULKHEAD_CALLSITE_
#endif

#define BULKHEAD_DATA(c) BULKHEAD_ANNOTATE_("data", c) __attribute__((used))
#define BULKHEAD_ENTRY(c) BULKHEAD_ANNOTATE_("entry", c) BULKHEAD_CALLSITE_
#define BULKHEAD_INTERNAL(c)                                                   \
  BULKHEAD_ANNOTATE_("internal", c) BULKHEAD_CALLSITE_

#ifdef __cplusplus
extern "C" {
#endif

/* The protection key of compartment `name`, or -1 if the program has no
 * such compartment or runs unprotected. */
int bulkhead_compartment_pkey(const char *name);

/* The PKRU value that code of domain `name` runs with (NULL: the default
 * domain). 0 if there is no such domain. */
uint32_t bulkhead_domain_pkru(const char *name);

/* The name of the compartment that owns protection key `pkey`, or NULL. */
const char *bulkhead_pkey_compartment(int pkey);

/* Nonzero when the program runs without isolation because pkeys are
 * unavailable and BULKHEAD_ALLOW_UNPROTECTED=1 was set. */
int bulkhead_unprotected(void);

/* Shared allocations. Under -fpkey-compartments, malloc, calloc, realloc,
 * strdup and the other allocation functions called from compartment code
 * return memory from that compartment's private heap, which no other domain
 * can read or free (see docs/heaps.md). To hand memory to a caller in another
 * domain, allocate it with these instead: they always use the default
 * domain's heap, readable and writable by every domain. Release it with
 * free() from any domain. bulkhead_shared_realloc resizes shared memory
 * (NULL: allocate) and keeps it shared; a compartment-heap block is an error.
 * Without compartments these are plain malloc, calloc, realloc, strdup. */
void *bulkhead_shared_malloc(size_t size);
void *bulkhead_shared_calloc(size_t count, size_t size);
void *bulkhead_shared_realloc(void *ptr, size_t size);
char *bulkhead_shared_strdup(const char *s);

#ifdef __cplusplus
}
#endif

#endif /* BULKHEAD_H */
