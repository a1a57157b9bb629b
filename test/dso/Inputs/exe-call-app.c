/* exe-calls.test: the program. Its compartment 'vault' hands its secret's
 * address to the shared object's default-domain lib_peek: by a direct
 * call, and through pointers. Each call runs in a child, which reports
 * what lib_peek read or how it faulted. With -DPROGRAM_POINTER, only the
 * call through a pointer the program made. */
#include "../../runtime/Inputs/check.h"

long lib_peek(const long *p);
long (*lib_peek_pointer(void))(const long *);
long ledger_add(void);

BULKHEAD_DATA(vault) static long secret = 0x5ec7e7;
BULKHEAD_ENTRY(vault) long vault_own(void) { return secret; }
BULKHEAD_ENTRY(vault) long vault_direct(void) { return lib_peek(&secret); }
BULKHEAD_ENTRY(vault) long vault_pointer(long (*f)(const long *)) {
  return f(&secret);
}

static const char *what;
static void direct(void *arg) {
  (void)arg;
  printf("%s: read %#lx\n", what, vault_direct());
  fflush(stdout); /* the child ends with _exit */
}
static void pointer(void *arg) {
  printf("%s: read %#lx\n", what, vault_pointer((long (*)(const long *))arg));
  fflush(stdout);
}

/* The program's imports (pass/CallGates.cpp), which decide the gate. */
extern char __start_bulkhead_imports[], __stop_bulkhead_imports[];
static void write_imports(void *arg) {
  (void)arg;
  *(volatile char *)(__stop_bulkhead_imports - 1) = 1;
  *(volatile char *)__start_bulkhead_imports = 1;
}

static void report(const char *name, void (*fn)(void *), void *arg, int key) {
  what = name;
  struct outcome o = run_in_child(fn, arg);
  if (!o.signo)
    return; /* the child printed what it read */
  CHECK(o.signo == SIGSEGV && o.code == SEGV_PKUERR && o.pkey == key);
  printf("%s: SEGV_PKUERR with the vault's key\n", name);
}

int main(void) {
  int key = bulkhead_compartment_pkey("vault");
  CHECK(key > 0 && bulkhead_compartment_pkey("ledger") > 0);
  CHECK(ledger_add() == 1);
  long open = 42;
  printf("default domain: %ld\n", lib_peek(&open));
  printf("own: %#lx\n", vault_own());
#ifdef PROGRAM_POINTER
  /* Made here, where lib_peek is only declared: the wrapper of a
   * declaration (exe-calls-program-pointer.test). */
  report("pointer from the program", pointer, (void *)lib_peek, key);
  return 0;
#endif
  struct outcome o = run_in_child(write_imports, NULL);
  CHECK(__stop_bulkhead_imports > __start_bulkhead_imports);
  CHECK(o.signo == SIGSEGV && o.code == SEGV_ACCERR);
  printf("imports: read-only\n");
  report("direct", direct, NULL, key);
  report("pointer from the object", pointer, (void *)lib_peek_pointer(), key);
  return 0;
}
