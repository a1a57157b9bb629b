// Attack class: code mapped from a file after start-up. The runtime makes
// the PKRU writes of the objects loaded before main unusable
// (runtime/gadgets.c), but a library loaded later by dlopen is mapped
// executable by ld.so with mmap(PROT_READ|PROT_EXEC) of its file: a stray
// WRPKRU in it (here: a plain-clang library) is a gadget that opens every
// key. With -fno-pkey-syscall-filter the attack reads the vault; by default
// the supervisor scans the bytes the mmap would map and refuses, naming the
// file and the offset. Libraries without such bytes still load: a plain
// one, the same built by bulkhead-clang, the same built with
// -fpkey-compartments (its checked gate written as a trap by the driver:
// no WRPKRU left, and bulkhead-scan finds none), and zlib from the
// system. A second attack maps
// the library's first page (no WRPKRU there) executable and grows the
// mapping with mremap over its code: refused for an executable mapping.
// A third drops root (to nobody), loads a world-writable copy of a clean
// library, then writes a WRPKRU into the file: the private mapping shows
// it. By default the kernel maps a sealed copy of such a file
// (runtime/supervisor-sealed.c): the write does not reach it, the clean
// function runs and the read of the vault faults; a library nobody may
// write still loads after the drop.
// REQUIRES: pku
// RUN: %clang -shared -fPIC -O2 %S/Inputs/stray-wrpkru.c -o %t.stray.so
// RUN: %clang -shared -fPIC -O2 %S/Inputs/clean-lib.c -o %t.clean.so
// RUN: %bulkhead_clang -shared -fPIC -O2 %S/Inputs/clean-lib.c -o %t.bh.so
// RUN: %bulkhead_clang -fpkey-compartments -shared -fPIC -O2 %S/Inputs/clean-lib.c -o %t.gate.so
// RUN: %bulkhead_scan %t.gate.so 2>&1 | FileCheck %s --check-prefix=SCAN
// RUN: llvm-objdump -d %t.gate.so | FileCheck %s --check-prefix=TRAP
// RUN: not %bulkhead_scan %t.stray.so 2>&1 | FileCheck %s --check-prefix=FORGED
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-syscall-filter -O2 %s -o %t.off -ldl
// RUN: env BULKHEAD_VM_FILES=%t.stray.so:%t.clean.so:%t.bh.so:%t.gate.so:/usr/lib/x86_64-linux-gnu/libz.so.1 %run %t.off %t.stray.so %t.clean.so %t.bh.so %t.gate.so /usr/lib/x86_64-linux-gnu/libz.so.1 | FileCheck %s --check-prefix=OFF
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t.on -ldl
// RUN: env BULKHEAD_VM_FILES=%t.stray.so:%t.clean.so:%t.bh.so:%t.gate.so:/usr/lib/x86_64-linux-gnu/libz.so.1 %run %t.on %t.stray.so %t.clean.so %t.bh.so %t.gate.so /usr/lib/x86_64-linux-gnu/libz.so.1 > %t.out 2> %t.err
// RUN: FileCheck %s --check-prefix=ON < %t.out
// RUN: FileCheck %s --check-prefix=ERR < %t.err
// The start-up opt-out for dependencies' gadgets lets the library load:
// RUN: env BULKHEAD_ALLOW_DEP_GADGETS=1 BULKHEAD_VM_FILES=%t.stray.so:%t.clean.so:%t.bh.so:%t.gate.so:/usr/lib/x86_64-linux-gnu/libz.so.1 %run %t.on %t.stray.so %t.clean.so %t.bh.so %t.gate.so /usr/lib/x86_64-linux-gnu/libz.so.1 2>&1 | FileCheck %s --check-prefix=ALLOW
// ALLOW: == stray-wrpkru
// ALLOW-NEXT: ATTACK SUCCEEDED: a WRPKRU in a dlopen'd library read "vault-secret
// ALLOW: mremap-grow: stopped by signal 9
// ALLOW: writable-file: stopped by signal 11
// SCAN: 0 unvetted, 0 vetted
// FORGED: error: gate manifest entry is not a checked gate
// TRAP-NOT: wrpkru
// TRAP: 0f 0b ud2
// TRAP-NEXT: cc int3
// TRAP-NEXT: 3b 05 {{.*}} cmpl
// TRAP-NOT: wrpkru
// OFF: == stray-wrpkru
// OFF-NEXT: ATTACK SUCCEEDED: a WRPKRU in a dlopen'd library read "vault-secret
// OFF: == mremap-grow
// OFF-NEXT: ATTACK SUCCEEDED: a WRPKRU in a grown mapping read "vault-secret
// OFF: == writable-file
// OFF-NEXT: as nobody: loaded {{.*}}.clean.so
// OFF-NEXT: ATTACK SUCCEEDED: a WRPKRU written into a mapped library read "vault-secret
// OFF: loaded {{.*}}.clean.so: 42
// OFF: loaded {{.*}}.bh.so: 42
// OFF: loaded {{.*}}.gate.so: 42
// OFF: loaded {{.*}}libz.so.1: 1.
// ON-NOT: ATTACK SUCCEEDED
// ON: stray-wrpkru: stopped by signal 9
// ON: mremap-grow: stopped by signal 9
// ON: == writable-file
// ON-NEXT: as nobody: loaded {{.*}}.clean.so
// ON-NEXT: writable-file: stopped by signal 11
// ON: parent's vault intact: 1
// ON: loaded {{.*}}.clean.so: 42
// ON: loaded {{.*}}.bh.so: 42
// ON: loaded {{.*}}.gate.so: 42
// ON: loaded {{.*}}libz.so.1: 1.
// ERR: bulkhead: denied: mmap(0x{{[0-9a-f]+}}, 0x{{[0-9a-f]+}}, 0x5, 0x812, 0x{{[0-9a-f]+}}, 0x{{[0-9a-f]+}}) of "{{.*}}.stray.so" from the default domain, in process {{[0-9]+}} (thread {{[0-9]+}}) — the file holds WRPKRU bytes at offset 0x{{[0-9a-f]+}}; after start-up no executable mapping may hold a PKRU write
// ERR-NEXT: bulkhead: denied: mremap(0x{{[0-9a-f]+}}, 0x1000, 0x{{[0-9a-f]+}}, 0x1) from the default domain, in process {{[0-9]+}} (thread {{[0-9]+}}) — new executable memory
// ERR-NOT: denied
#include "Inputs/target.h"
#include <dlfcn.h>
#include <grp.h>
#include <sys/stat.h>

static char **paths;

/* Calls the library's function and copies the vault's data in the same
 * breath: a C call through a pointer would have its caller's rights put
 * back after it (the pass's gate after an indirect call). */
static void stray(void) {
  void *h = dlopen(paths[0], RTLD_NOW);
  void *f = h ? dlsym(h, "open_all_keys") : NULL;
  if (!f) {
    printf("dlopen: %s\n", dlerror());
    report_read("a WRPKRU in a dlopen'd library", NULL);
    return;
  }
  static char out[48];
  __asm__ volatile("call *%0\n\t"
                   "movq %1, %%rsi\n\tmovq %2, %%rdi\n\tmovl $40, %%ecx\n\trep movsb"
                   :
                   : "r"(f), "r"(vault_data), "r"(out)
                   : "rax", "rcx", "rdx", "rsi", "rdi", "memory");
  report_read("a WRPKRU in a dlopen'd library", out);
}

/* The library's bytes 31 c9 31 d2 31 c0 (the xors before its WRPKRU) give
 * the function's file offset without naming the WRPKRU here (the link-time
 * scan would refuse this program). */
static long code_offset(int fd) {
  static unsigned char b[1 << 16];
  ssize_t n = pread(fd, b, sizeof b, 0);
  for (ssize_t i = 0; i + 6 <= n; i++)
    if (!memcmp(b + i, "\x31\xc9\x31\xd2\x31\xc0", 6))
      return i;
  return -1;
}

static void grow(void) {
  int fd = open(paths[0], O_RDONLY | O_CLOEXEC);
  long at = fd < 0 ? -1 : code_offset(fd);
  unsigned char *m = at < 4096 ? MAP_FAILED
                               : mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
  unsigned char *g = m == MAP_FAILED ? MAP_FAILED
                                     : mremap(m, 4096, (size_t)(at + 4096) & ~4095ul, MREMAP_MAYMOVE);
  if (g == MAP_FAILED) {
    report_read("a WRPKRU in a grown mapping", NULL);
    return;
  }
  static char out[48];
  __asm__ volatile("call *%0\n\t"
                   "movq %1, %%rsi\n\tmovq %2, %%rdi\n\tmovl $40, %%ecx\n\trep movsb"
                   :
                   : "r"(g + at), "r"(vault_data), "r"(out)
                   : "rax", "rcx", "rdx", "rsi", "rdi", "memory");
  report_read("a WRPKRU in a grown mapping", out);
}

/* xor ecx, edx, eax; WRPKRU; ret - built at run time: this program's own
 * code holds no WRPKRU (the link-time scan would refuse it). */
static volatile unsigned char flip = 0;

static void writable(void) {
  char copy[64];
  snprintf(copy, sizeof copy, "/tmp/bulkhead-writable-%d.so", (int)getpid());
  int in = open(paths[1], O_RDONLY | O_CLOEXEC);
  int out = open(copy, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  static char b[1 << 16];
  ssize_t n = in < 0 || out < 0 ? -1 : read(in, b, sizeof b);
  if (n <= 0 || write(out, b, (size_t)n) != n || fchmod(out, 0666) || close(out) ||
      setgroups(0, NULL) || setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534)) {
    printf("setup: %s\n", strerror(errno));
    return;
  }
  void *h = dlopen(paths[1], RTLD_NOW);
  printf("as nobody: %s %s\n", h ? "loaded" : "not loaded", paths[1]);
  fflush(stdout);
  h = dlopen(copy, RTLD_NOW);
  unsigned char *f = h ? dlsym(h, "clean_add") : NULL;
  Dl_info di;
  if (!f || !dladdr(f, &di)) {
    report_read("a WRPKRU written into a mapped library", NULL);
    return;
  }
  const unsigned char code[] = {0x31, 0xc9, 0x31, 0xd2, 0x31, 0xc0, 0x0f, 0x01, 0xef ^ 0x10, 0xc3};
  unsigned char w[sizeof code];
  for (unsigned i = 0; i < sizeof code; i++)
    w[i] = code[i] ^ (i == 8 ? 0x10 ^ flip : flip);
  int fd = open(copy, O_WRONLY | O_CLOEXEC); /* text at the same file offset */
  if (fd < 0 || pwrite(fd, w, sizeof w, f - (unsigned char *)di.dli_fbase) != sizeof w) {
    report_read("a WRPKRU written into a mapped library", NULL);
    return;
  }
  static char got[48];
  __asm__ volatile("call *%0\n\t"
                   "movq %1, %%rsi\n\tmovq %2, %%rdi\n\tmovl $40, %%ecx\n\trep movsb"
                   :
                   : "r"(f), "r"(vault_data), "r"(got)
                   : "rax", "rcx", "rdx", "rsi", "rdi", "memory");
  report_read("a WRPKRU written into a mapped library", got);
}

int main(int argc, char **argv) {
  if (argc < 6)
    return 2;
  paths = argv + 1;
  struct attack a[] = {{"stray-wrpkru", stray}, {"mremap-grow", grow}, {"writable-file", writable}};
  if (run_attacks(a, 3))
    return 1;
  for (int i = 2; i <= 4; i++) {
    void *h = dlopen(argv[i], RTLD_NOW);
    int (*f)(int) = h ? (int (*)(int))dlsym(h, "clean_call") : NULL;
    if (f)
      printf("loaded %s: %d\n", argv[i], f(41));
    else
      printf("not loaded %s: %s\n", argv[i], dlerror());
  }
  void *z = dlopen(argv[5], RTLD_NOW);
  const char *(*version)(void) = z ? (const char *(*)(void))dlsym(z, "zlibVersion") : NULL;
  if (version)
    printf("loaded %s: %s\n", argv[5], version());
  else
    printf("not loaded %s: %s\n", argv[5], dlerror());
  return 0;
}
