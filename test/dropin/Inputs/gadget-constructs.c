/* Ordinary C whose constants hold PKRU-writing bytes when compiled as-is
 * (test/dropin/gadget-free.test): 0xef010f is 0F 01 EF (WRPKRU) in little
 * endian, 0x2fae0f is 0F AE 2F (XRSTOR (%rdi)), 0x1fc70f is 0F C7 1F
 * (XRSTORS (%rdi)). */
#include <bulkhead.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define NOINLINE __attribute__((noinline))

NOINLINE unsigned ret_const(void) { return 0xef010f; }
NOINLINE unsigned xor_const(unsigned x) { return x ^ 0x2fae0f; }
NOINLINE int index_const(const unsigned char *p) { return p[0xef010f]; }
NOINLINE int eq_const(unsigned x) { return x == 0xef010f; }
NOINLINE int switch_const(unsigned x) {
  switch (x) {
  case 0xef010f: return 1;
  case 0x2fae0f: return 2;
  case 0x1fc70f: return 3;
  case 7: return 4;
  default: return 0;
  }
}
NOINLINE uint64_t mask64(uint64_t x) { return x & 0xef010f00000000ffull; }

/* Compartment code is rewritten the same way. */
BULKHEAD_ENTRY(vault) unsigned vault_mix(unsigned x);
NOINLINE unsigned vault_mix(unsigned x) { return (x ^ 0x1fc70f) + 1; }

int main(int argc, char **argv) {
  (void)argv;
  unsigned char *buf = calloc(0xef0110, 1);
  if (!buf)
    return 1;
  buf[0xef010f] = 42;
  volatile unsigned seven = 7, hit = 0xef010f;
  printf("ret %x\n", ret_const());
  printf("xor %x %x\n", xor_const(0), xor_const(0x2fae0f ^ (unsigned)argc));
  printf("index %d\n", index_const(buf));
  printf("eq %d %d\n", eq_const(hit), eq_const(seven));
  printf("switch %d %d %d %d %d\n", switch_const(hit), switch_const(0x2fae0f),
         switch_const(0x1fc70f), switch_const(seven), switch_const(8));
  printf("mask %llx\n", (unsigned long long)mask64(~0ull - (unsigned)argc));
  printf("vault %x\n", vault_mix(1));
  free(buf);
  return 0;
}
