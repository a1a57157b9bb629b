/*
 * cxx.c - C++'s operator new and delete, as malloc and free.
 *
 * libmimalloc exports its own operators, which would otherwise preempt
 * libstdc++'s: C++ code in a compartment then ran the shared heap's
 * allocator directly, with the compartment's rights, on key-0 bookkeeping
 * the default domain can rewrite (the break of attacks-review3-shared-*,
 * through `new`). Defined here, in the executable, they go through the
 * runtime's malloc and free: a compartment's objects come from its own
 * heap, and the shared heap runs with the default domain's rights.
 * Weak: a program's own replacement operators win, as the language
 * allows. Failure: std::bad_alloc where libstdc++ is loaded, else abort
 * (no new_handler is consulted).
 */
#define _GNU_SOURCE
#include <stdlib.h>

extern void _ZSt17__throw_bad_allocv(void) __attribute__((weak, noreturn));

static void *must(void *p) {
  if (p)
    return p;
  if (_ZSt17__throw_bad_allocv)
    _ZSt17__throw_bad_allocv();
  abort();
}

static void *aligned_or_null(size_t n, size_t align) {
  if (align < sizeof(void *))
    align = sizeof(void *);
  void *p = NULL;
  return posix_memalign(&p, align, n ? n : 1) ? NULL : p;
}

/* operator new(size_t), new[](size_t) */
__attribute__((weak)) void *_Znwm(size_t n) { return must(malloc(n ? n : 1)); }
__attribute__((weak)) void *_Znam(size_t n) { return must(malloc(n ? n : 1)); }
/* ... (size_t, const std::nothrow_t &) */
__attribute__((weak)) void *_ZnwmRKSt9nothrow_t(size_t n, const void *nt) {
  (void)nt;
  return malloc(n ? n : 1);
}
__attribute__((weak)) void *_ZnamRKSt9nothrow_t(size_t n, const void *nt) {
  (void)nt;
  return malloc(n ? n : 1);
}
/* ... (size_t, std::align_val_t) and with nothrow */
__attribute__((weak)) void *_ZnwmSt11align_val_t(size_t n, size_t align) {
  return must(aligned_or_null(n, align));
}
__attribute__((weak)) void *_ZnamSt11align_val_t(size_t n, size_t align) {
  return must(aligned_or_null(n, align));
}
__attribute__((weak)) void *
_ZnwmSt11align_val_tRKSt9nothrow_t(size_t n, size_t align, const void *nt) {
  (void)nt;
  return aligned_or_null(n, align);
}
__attribute__((weak)) void *
_ZnamSt11align_val_tRKSt9nothrow_t(size_t n, size_t align, const void *nt) {
  (void)nt;
  return aligned_or_null(n, align);
}

/* operator delete in all its forms: free. */
__attribute__((weak)) void _ZdlPv(void *p) { free(p); }
__attribute__((weak)) void _ZdaPv(void *p) { free(p); }
__attribute__((weak)) void _ZdlPvm(void *p, size_t n) { (void)n, free(p); }
__attribute__((weak)) void _ZdaPvm(void *p, size_t n) { (void)n, free(p); }
__attribute__((weak)) void _ZdlPvRKSt9nothrow_t(void *p, const void *nt) {
  (void)nt, free(p);
}
__attribute__((weak)) void _ZdaPvRKSt9nothrow_t(void *p, const void *nt) {
  (void)nt, free(p);
}
__attribute__((weak)) void _ZdlPvSt11align_val_t(void *p, size_t a) {
  (void)a, free(p);
}
__attribute__((weak)) void _ZdaPvSt11align_val_t(void *p, size_t a) {
  (void)a, free(p);
}
__attribute__((weak)) void _ZdlPvmSt11align_val_t(void *p, size_t n, size_t a) {
  (void)n, (void)a, free(p);
}
__attribute__((weak)) void _ZdaPvmSt11align_val_t(void *p, size_t n, size_t a) {
  (void)n, (void)a, free(p);
}
__attribute__((weak)) void
_ZdlPvSt11align_val_tRKSt9nothrow_t(void *p, size_t a, const void *nt) {
  (void)a, (void)nt, free(p);
}
__attribute__((weak)) void
_ZdaPvSt11align_val_tRKSt9nothrow_t(void *p, size_t a, const void *nt) {
  (void)a, (void)nt, free(p);
}
