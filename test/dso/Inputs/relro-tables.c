/* key-grant.test (exec-relro-*), dlopen-hardened.test: a compartment
 * whose code trusts relocated read-only words: tables of function and
 * string pointers in .data.rel.ro (RELATIVE words), and libc's data and
 * functions reached through the GOT (GLOB_DAT and JUMP_SLOT words). */
#include <bulkhead.h>
#include <stdio.h>
#include <string.h>

static int add(int a, int b) { return a + b; }
static int sub(int a, int b) { return a - b; }
static int mul(int a, int b) { return a * b; }

struct op {
  const char *name;
  int (*fn)(int, int);
};
static const struct op ops[] = {{"add", add}, {"sub", sub}, {"mul", mul}};

extern char **environ;

BULKHEAD_DATA(tables) static int calls;

/* ops[i] on a and b, through the table; -1 for no such op. */
BULKHEAD_ENTRY(tables) int tables_apply(const char *name, int a, int b) {
  calls++;
  for (unsigned i = 0; i < sizeof ops / sizeof *ops; i++)
    if (!strcmp(ops[i].name, name))
      return ops[i].fn(a, b);
  return -1;
}

/* Whether libc's data, reached through the GOT, is there. */
BULKHEAD_ENTRY(tables) int tables_libc(void) {
  return calls + (environ != NULL) + (stdout != NULL);
}
