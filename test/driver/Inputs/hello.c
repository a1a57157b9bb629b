#include <stdio.h>

int main(void) {
#ifdef __BULKHEAD__
  puts("hello, bulkhead");
#else
  puts("hello, plain");
#endif
  return 0;
}
