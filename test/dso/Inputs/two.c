/* Two shared objects with compartments that call each other: beta calls
 * alpha (through libbeta's default code), which calls back into libbeta;
 * the program calls both. Each compartment's data faults from the other
 * compartment and from the program, with the owner's key. */
#include "../../runtime/Inputs/check.h"

const int *alpha_secret_address(void);
int alpha_apply(int (*f)(int), int x);
int alpha_peek(const volatile int *p);
int beta_add(int x);
const int *beta_secret_address(void);
int beta_round_trip(int x);

static int plus_one(int x) { return x + 1; }

static const int *target;
static void alpha_reads(void *arg) {
  (void)arg;
  printf("alpha read %d\n", alpha_peek(target));
}
static void program_reads(void *arg) {
  (void)arg;
  printf("program read %d\n", *(const volatile int *)target);
}

static void expect(const char *what, struct outcome o, const char *owner) {
  CHECK(o.signo == SIGSEGV && o.code == SEGV_PKUERR);
  CHECK(o.pkey == bulkhead_compartment_pkey(owner));
  printf("%s: SEGV_PKUERR with %s's key\n", what, owner);
}

int main(void) {
  int a = bulkhead_compartment_pkey("alpha"), b = bulkhead_compartment_pkey("beta");
  CHECK(a > 0 && b > 0 && a != b);
  printf("round trip: %d\n", beta_round_trip(3));
  printf("program -> beta: %d\n", beta_add(4));
  printf("program -> alpha -> program: %d\n", alpha_apply(plus_one, 4));
  CHECK(page_pkey(alpha_secret_address()) == a);
  CHECK(page_pkey(beta_secret_address()) == b);
  target = beta_secret_address();
  expect("alpha reads beta", run_in_child(alpha_reads, NULL), "beta");
  expect("program reads beta", run_in_child(program_reads, NULL), "beta");
  target = alpha_secret_address();
  expect("program reads alpha", run_in_child(program_reads, NULL), "alpha");
  printf("alpha reads its own: %d\n", alpha_peek(alpha_secret_address()));
  return 0;
}
