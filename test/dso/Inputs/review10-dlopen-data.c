/* attacks-review10-dlopen-data.test: the thread writes the bank's balance
 * (Inputs/dlopen-race.h). If the memory is already protected when it finds
 * the object (as it should be), its store faults and ends the child, which
 * is the outcome wanted. */
#define SYMBOL "bank_balance"
#include "dlopen-race.h"

static void strike(struct link_map *m, unsigned long offset) {
  *(volatile long *)(m->l_addr + offset) = 1000000; /* after its key, faults */
}

static int loaded(void *h) {
  long (*bank_read)(void) = (long (*)(void))dlsym(h, "bank_read");
  long b = bank_read();
  printf("bank balance: %ld\n", b);
  if (b != 100) {
    printf("attacks-review10-dlopen-data: the bank's data was written before "
           "it got its key\n");
    return 1;
  }
  return 0;
}

int main(int argc, char **argv) {
  int st = in_child(argc, argv);
  if (st == -SIGSEGV) {
    puts("the thread's store faulted: protected before it found the object");
    st = 0;
  } else if (st < 0) {
    printf("the child ended with signal %d\n", -st);
    return 1;
  }
  if (!st)
    puts("attacks-review10-dlopen-data: ok");
  return st;
}
