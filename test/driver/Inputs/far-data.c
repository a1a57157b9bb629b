/* A RIP-relative reference to data at a distance the test chooses. */
#include <stdio.h>
extern char far_away[] __attribute__((visibility("hidden")));
__attribute__((noinline)) char *far_probe(void) { return far_away; }
int main(void) {
  printf("linked %d\n", far_probe() != 0);
  return 0;
}
