/*
 * terminate.c - std::terminate, in place of libstdc++'s.
 *
 * libstdc++'s calls the handler std::set_terminate installed, read from a
 * word in its own .data (key-0): one store there chose the code that a
 * compartment's terminate (a throw out of a noexcept function, a throw
 * nobody catches) ran with the compartment's rights (review 30b,
 * test/runtime/attacks-rev30-terminate-handler.cpp). libstdc++ and the
 * program's code call std::terminate through their PLT, so this
 * definition, in the executable, is the one they reach (weak: a static
 * libstdc++ keeps its own, and the driver refuses that link anyway).
 *
 * With a compartment's rights no handler runs: one line, then abort (the
 * handler is the program's, and the thread is on the compartment's stack,
 * where the default domain's rights cannot run it). With the default
 * domain's rights, libstdc++'s own std::terminate runs: whatever a key-0
 * store makes it call runs with those same rights.
 *
 * Not covered: libstdc++'s personality routine, for a frame whose call
 * site its table lacks (GCC's noexcept), calls __cxa_call_terminate
 * inside libstdc++, which runs the handler copied into the exception's
 * header (key-0 while the header is: issue 11).
 */
#define _GNU_SOURCE
#include "internal.h"

#include <dlfcn.h>
#include <stdlib.h>

void _ZSt9terminatev(void) __attribute__((weak, noreturn));
void _ZSt9terminatev(void) {
  int c = bh_current_compartment();
  if (c >= 0)
    bh_fatal_abort("std::terminate called in compartment '%s' (the program's "
                   "terminate handler does not run with its rights)",
                   bh_domain_at((size_t)c)->name);
  /* Looked up now, with the default domain's rights: nothing kept. */
  void (*next)(void) = (void (*)(void))dlsym(RTLD_NEXT, "_ZSt9terminatev");
  if (next)
    next();
  abort();
}
