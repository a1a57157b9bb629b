// Recording a sharing policy (BULKHEAD_SHARE_RECORD): a library-like
// compartment whose API makes its caller write into a struct it allocated,
// read an array it built, read a buffer the caller asked its allocator for,
// and read a local it passes to a callback. Recorded, the program runs to
// its end; bulkhead-share-policy picks the innermost compartment function
// that is not an allocator wrapper for each heap block, the frame's
// function for the local, and only a comment for the buffer; rebuilt with
// that policy the program runs without a fault while a block the caller
// never touches stays private. A fault the recorder cannot let through
// (compartment data) stops the program as usual.
// REQUIRES: pku
// RUN: rm -rf %t && mkdir -p %t
// RUN: %bulkhead_clang -fpkey-compartments -O2 -g %s -o %t/plain
// RUN: not %run %t/plain 2>&1 | FileCheck %s --check-prefix=PLAIN
// PLAIN: bulkhead: protection-key fault: {{.*}} in compartment 'lib'
// PLAIN: bulkhead:   the address is in the heap of compartment 'lib'
//
// RUN: env BULKHEAD_VM_TIMEOUT=600 BULKHEAD_SHARE_RECORD=/proc/self/fd/2 %run %t/plain > %t/rec.out 2> %t/rec.err
// RUN: FileCheck %s --check-prefix=RECORDED < %t/rec.out
// RECORDED: share-record: every access done
// RUN: %prefix/bin/bulkhead-share-policy %t/rec.err -o %t/policy
// RUN: FileCheck %s --check-prefix=POLICY < %t/policy
// POLICY-DAG: {{^}}create_struct share-record.c{{$}}
// POLICY-DAG: {{^}}set_text share-record.c{{$}}
// POLICY-DAG: {{^}}frame lib_callback share-record.c{{$}}
// POLICY-DAG: {{^}}#   accessed in main (share-record.c:{{[0-9]+}}){{$}}
// POLICY-DAG: {{^}}# lib_malloc share-record.c{{$}}
// POLICY-NOT: {{^}}[a-z].*private
// RUN: grep -c "^[a-z]" %t/policy | FileCheck %s --check-prefix=ENTRIES
// ENTRIES: {{^}}3{{$}}
//
// The user takes the suggestion for the buffer (it asked for it itself).
// RUN: sed 's/^# lib_malloc /lib_malloc /' %t/policy > %t/edited
// RUN: %bulkhead_clang -fpkey-compartments -fpkey-share=%t/edited -O2 -g %s -o %t/shared
// RUN: %run %t/shared | FileCheck %s --check-prefix=SHARED
// SHARED: share-record: every access done
// SHARED: share-record: private block faults
//
// RUN: not env BULKHEAD_SHARE_RECORD=/proc/self/fd/2 %run %t/plain data 2>&1 | FileCheck %s --check-prefix=DATA
// DATA: bulkhead: protection-key fault: {{.*}} in compartment 'lib'
// DATA-NEXT: bulkhead:   the address is in the data of compartment 'lib'
#include "Inputs/check.h"
#include <setjmp.h>

struct state {
  jmp_buf errors; /* the caller's setjmp writes it */
  int level;
};
struct text {
  char key[16];
};

BULKHEAD_ENTRY(lib) struct state *lib_create(void);
BULKHEAD_ENTRY(lib) struct text *lib_text(void);
BULKHEAD_ENTRY(lib) char *lib_malloc(size_t n);
BULKHEAD_ENTRY(lib) void lib_callback(void (*cb)(const char *));
BULKHEAD_ENTRY(lib) char *lib_private(void);
BULKHEAD_ENTRY(lib) int *lib_global(void);

/* ---------------------------------------------------- compartment lib */
BULKHEAD_DATA(lib) static int lib_count;
BULKHEAD_INTERNAL(lib) static void *alloc_base(size_t n) {
  lib_count++;
  return malloc(n);
}
BULKHEAD_INTERNAL(lib) static void *alloc_warn(size_t n) { return alloc_base(n); }
BULKHEAD_INTERNAL(lib) static void *alloc_array(size_t k, size_t n) { return alloc_base(k * n); }
BULKHEAD_INTERNAL(lib) static struct state *create_struct(void) {
  struct state *s = alloc_warn(sizeof *s);
  memset(s, 0, sizeof *s);
  return s;
}
BULKHEAD_INTERNAL(lib) static struct text *set_text(const char *key) {
  struct text *t = alloc_array(2, sizeof *t);
  strcpy(t->key, key);
  return t;
}
struct state *lib_create(void) { return create_struct(); }
struct text *lib_text(void) { return set_text("Title"); }
char *lib_malloc(size_t n) { return alloc_warn(n); }
void lib_callback(void (*cb)(const char *)) {
  char name[16];
  strcpy(name, "row");
  cb(name); /* a pointer to its own local */
}
char *lib_private(void) { return alloc_warn(32); }
int *lib_global(void) { return &lib_count; }

/* ------------------------------------------------- the default domain */
static int seen;
static void callback(const char *name) { seen += name[0] == 'r'; }
static void touch(void *p) { *(volatile char *)p += 1; }

int main(int argc, char **argv) {
  if (argc > 1) { /* compartment data: not a heap block */
    printf("%d\n", *lib_global());
    return 0;
  }
  struct state *s = lib_create();
  char *mine = lib_private(); /* never touched by this domain */
  if (setjmp(s->errors)) /* writes into the compartment's allocation */
    return 1;
  struct text *t = lib_text();
  CHECK(!strcmp(t->key, "Title"));
  char *buf = lib_malloc(8);
  buf[0] = 'x';
  lib_callback(callback);
  CHECK(seen == 1);
  printf("share-record: every access done\n");
  struct outcome o = run_in_child(touch, mine);
  CHECK(o.signo == SIGSEGV && o.code == SEGV_PKUERR);
  printf("share-record: private block faults\n");
  return 0;
}
