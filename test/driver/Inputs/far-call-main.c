/* Calls far_probe (Inputs/far-call.S), which calls far_target: 1. */
#include <stdio.h>
int far_probe(void);
int main(void) {
  printf("linked %d\n", far_probe());
  return 0;
}
