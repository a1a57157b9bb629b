/* dlopen-hardened.test (tables): a hardened program with a compartment of
 * its own dlopens relro-tables.c's object (argv[1]), whose code calls
 * through function pointers in .data.rel.ro and reaches libc through the
 * GOT: the supervisor's look at its RELRO lets it through, and it works. */
#include <bulkhead.h>
#include <dlfcn.h>
#include <stdio.h>

BULKHEAD_DATA(local) static int local_value = 7;
BULKHEAD_ENTRY(local) int local_get(void) { return local_value; }

int main(int argc, char **argv) {
  if (argc < 2)
    return 2;
  printf("local: %d\n", local_get());
  void *h = dlopen(argv[1], RTLD_NOW);
  if (!h) {
    printf("dlopen refused: %s\n", dlerror());
    return 2;
  }
  int (*apply)(const char *, int, int) =
      (int (*)(const char *, int, int))dlsym(h, "tables_apply");
  int (*libc)(void) = (int (*)(void))dlsym(h, "tables_libc");
  if (!apply || !libc)
    return 2;
  printf("add %d, sub %d, mul %d, none %d\n", apply("add", 2, 3),
         apply("sub", 2, 3), apply("mul", 2, 3), apply("div", 2, 3));
  printf("libc: %d\n", libc());
  return 0;
}
