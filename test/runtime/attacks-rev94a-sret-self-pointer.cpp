// Attacker model A (key-0 loads and stores only; done here by the
// program's own default-domain code, which the vault calls out to).
// A compartment's call of a default-domain C++ function returning a class
// that is not trivially copyable (std::string: always returned through
// memory, sret). resultThroughSharedHeap (pass/CallGates.cpp, 466e005)
// had the callee construct it in a shared-heap block and memcpy'd the
// bytes over: a short string's data pointer still pointed into the block,
// which was then freed. The vault's own string kept its characters in
// key-0 memory: what it appended (vault_secret) was readable, and
// writable, by the default domain, and its destructor deleted an interior
// pointer of a freed block.
// Seen in the guest (LLVM 19) at a855c6c, -O2 and -O0: "DANGLING" and
// "ATTACK SUCCEEDED: default sees k1hunter2".
// Fixed: only a C module's calls take the shared-heap block; a C++
// module's keep their temporary, and the callee's write faults on the
// vault's stack as before 466e005 (a stop, no leak; the IR does not say
// which classes may be copied bytewise: docs/design.md, Stack arguments).
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 %s -o %t
// RUN: %run %t > %t.out 2>&1 || true; FileCheck %s --implicit-check-not=DANGLING --implicit-check-not='ATTACK SUCCEEDED' < %t.out
// RUN: %bulkhead_clangxx -fpkey-compartments -O0 %s -o %t0
// RUN: %run %t0 > %t0.out 2>&1 || true; FileCheck %s --implicit-check-not=DANGLING --implicit-check-not='ATTACK SUCCEEDED' < %t0.out
// CHECK: {{inside 1: k1hunter2|the address is in the stack of compartment 'vault'}}
#include "Inputs/check.h"
#include <string>

static std::string *where; // the callee's result, as the default domain sees it

__attribute__((noinline)) std::string make_name(int n) {
  std::string r = "k" + std::to_string(n);
  where = &r; // copy elision: r is the caller's result memory
  return r;
}

// Any call out gives the default domain the control it needs.
__attribute__((noinline)) void log_len(size_t n) {
  const char *bytes = (const char *)where;
  char seen[16] = {0};
  // A short string keeps its characters at offset 16 of its 32 bytes; the
  // default domain can read that only if it is key-0 memory.
  if (page_pkey(bytes) == 0 && page_pkey(bytes + 31) == 0)
    memcpy(seen, bytes + 16, 15);
  if (strstr(seen, "hunter2"))
    printf("ATTACK SUCCEEDED: default sees %s (length %zu)\n", seen, n);
}

BULKHEAD_DATA(vault) char vault_secret[16] = "hunter2";

BULKHEAD_ENTRY(vault) int vault_f(int n) {
  std::string s = make_name(n);
  const void *p = s.data();
  s += vault_secret; // still short: stored where s.data() points
  log_len(s.size());
  int inside = p >= (const void *)&s && p < (const void *)(&s + 1);
  printf("%s: %s\n", inside ? "inside 1" : "DANGLING", s.c_str());
  return inside;
}

int main(void) {
  vault_f(1);
  printf("done\n");
  return 0;
}
