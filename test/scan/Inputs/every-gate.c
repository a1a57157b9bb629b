/* every-gate.c - three compartments and every kind of gate the pass and the
 * runtime emit, for test/scan/linked-gates.test: gates around direct calls
 * into and out of compartments (in trampolines with per-compartment
 * stacks), entry thunks, function-pointer wrappers, re-entry after a
 * pointer call and after setjmp, the trampoline of a pointer call from a
 * compartment, the one for shared code (qsort) calling a pointer for a
 * compartment known only at run time, and the runtime's own gates. */
#include <bulkhead.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>

BULKHEAD_DATA(vault) static int vault_calls;
BULKHEAD_DATA(ledger) static int ledger_calls;
BULKHEAD_DATA(codec) static int codec_calls;

/* Default-domain code that compartments call, directly and by pointer. */
int log_call(int x) { return x + 1; }
static int by_value(const void *a, const void *b) {
  return *(const int *)a - *(const int *)b;
}

BULKHEAD_ENTRY(ledger) int ledger_add(int x) {
  ledger_calls += x;
  return log_call(ledger_calls);
}

/* A pointer call in compartment code. */
BULKHEAD_ENTRY(codec) int codec_apply(int (*f)(int), int x) {
  codec_calls++;
  return f(x);
}

/* qsort runs for the vault and calls a pointer the default domain made. */
BULKHEAD_ENTRY(vault) int vault_sort(int *v, int n,
                                     int (*cmp)(const void *, const void *)) {
  vault_calls++;
  qsort(v, (size_t)n, sizeof *v, cmp);
  return ledger_add(v[0]);
}

static jmp_buf jb;
BULKHEAD_ENTRY(vault) int vault_jump(void) {
  if (setjmp(jb))
    return vault_calls;
  longjmp(jb, 1);
}

int main(void) {
  int v[3] = {3, 1, 2};
  int r = vault_sort(v, 3, by_value) + codec_apply(log_call, 1) + vault_jump();
  printf("every-gate: %d %d %d %d\n", v[0], v[1], v[2], r);
  return 0;
}
