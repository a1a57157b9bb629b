/* For the attack tests that steer a compartment's unwinder into a catch
 * off its stacks (attacks-rev64a-*, -rev65b-*, -rev68a-*): `landed`, where
 * that catch returns to, is code of the program's the pass does not see
 * as a function (a pointer to a function it compiled would lead through a
 * wrapper into the default domain). It notes the rights it runs with,
 * tells thread 2 (`watch`, the default domain's rights) and waits; watch
 * reports them and asks the vault about its key (vault-key.h). */
#ifndef BULKHEAD_TEST_CATCH_LANDING_H
#define BULKHEAD_TEST_CATCH_LANDING_H
#include "vault-key.h"
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

extern "C" {
volatile int arrived;
unsigned landed_pkru;
}

static unsigned pkru(void) {
  unsigned v;
  __asm__ volatile("xorl %%ecx, %%ecx\n\trdpkru" : "=a"(v) : : "ecx", "edx");
  return v;
}

__asm__(".text\n"
        "landed:\n"
        "  xorl %ecx, %ecx\n"
        "  rdpkru\n"
        "  movl %eax, landed_pkru(%rip)\n"
        "  movl $1, arrived(%rip)\n"
        "1:\n"
        "  pause\n"
        "  jmp 1b\n");
static uintptr_t landed_at(void) {
  uintptr_t a;
  __asm__("leaq landed(%%rip), %0" : "=r"(a));
  return a;
}

static void *watch(void *) {
  while (!__atomic_load_n(&arrived, __ATOMIC_SEQ_CST))
    usleep(1000);
  unsigned mine = pkru();
  printf("landed reached with PKRU %#x%s\n", landed_pkru,
         landed_pkru != mine ? ", not the default domain's" : "");
  report(0, 0);
  printf("done\n");
  _exit(0);
}
#endif
