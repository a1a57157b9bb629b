/* attacks-dlopen-bounds.test: the thread stores the bank's descriptor's
 * data end over its data start (Inputs/dlopen-race.h): data of no length,
 * which would get no key. The program's read faulting (the data has its
 * key) is also an outcome wanted. */
#define SYMBOL "__bulkhead_domain.bank"
#include "dlopen-race.h"

static void strike(struct link_map *m, unsigned long offset) {
  /* BH_DOMAIN_DATA_START 24, BH_DOMAIN_DATA_END 32 (abi.h). A store before
   * ld.so relocated the words is undone by the relocation (the file holds
   * the link-time addresses): wait for it. */
  volatile unsigned long *d = (volatile unsigned long *)(m->l_addr + offset);
  while (d[4] < m->l_addr && !done)
    sched_yield();
  d[3] = d[4];
}

static int loaded(void *h) {
  long *balance = (long *)dlsym(h, "bank_balance");
  printf("ATTACK SUCCEEDED: the program read the bank's balance: %ld\n",
         *balance);
  return 1;
}

int main(int argc, char **argv) {
  int st = in_child(argc, argv);
  if (st == -SIGSEGV)
    puts("the program's read faulted: the bank's data has its key");
  else if (st < 0)
    printf("the child ended with signal %d\n", -st);
  else
    printf("the child exited with %d\n", st);
  return 0;
}
