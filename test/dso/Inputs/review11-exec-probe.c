/* attacks-review11-held.test: attacker model B under the system-call
 * filter, each attempt in a child of its own. argv[1] is a compartment
 * object that is not loaded (its code segment readable only in the file,
 * tools/dso-inert.h): can its code become executable before registration
 * by a way attacks-early-gate.test does not try? And can the program's
 * imports (runtime/domain.c, fill_executable_imports), which decide
 * whether its compartment's call of the object's lib_peek is gated, be
 * made writable or replaced? An attempt that returns says so and checks
 * the outcome: the mapping executable, or the keeper's secret read by
 * lib_peek. */
#define _GNU_SOURCE
#include <bulkhead.h>
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define BH_PF_EXEC_AFTER_REGISTRATION 0x00100000u /* abi.h */

long lib_peek(const long *p);
long ledger_add(void);
BULKHEAD_DATA(keeper) static long secret = 0x5ec7e7;
BULKHEAD_ENTRY(keeper) long keeper_peek(void) { return lib_peek(&secret); }

extern char __start_bulkhead_imports[], __stop_bulkhead_imports[];

static int executable_at(uintptr_t a) {
  FILE *m = fopen("/proc/self/maps", "r");
  char l[512];
  int x = 0;
  while (fgets(l, sizeof l, m)) {
    unsigned long lo, hi;
    char p[8];
    if (sscanf(l, "%lx-%lx %7s", &lo, &hi, p) == 3 && a >= lo && a < hi)
      x = p[2] == 'x';
  }
  fclose(m);
  return x;
}

/* The file range of the object's code segment, which waits for
 * registration. */
static void code_of(int fd, off_t *off, size_t *len) {
  Elf64_Ehdr eh;
  *len = 0;
  if (pread(fd, &eh, sizeof eh, 0) != sizeof eh)
    return;
  for (int i = 0; i < eh.e_phnum; i++) {
    Elf64_Phdr ph;
    if (pread(fd, &ph, sizeof ph, eh.e_phoff + i * sizeof ph) != sizeof ph)
      return;
    if (ph.p_type == PT_LOAD && ph.p_flags & BH_PF_EXEC_AFTER_REGISTRATION) {
      *off = ph.p_offset & ~4095;
      *len = ph.p_filesz + (ph.p_offset & 4095);
    }
  }
}

static void code_won(void *p) {
  if (p != MAP_FAILED && executable_at((uintptr_t)p))
    printf("ATTACK SUCCEEDED: the object's code is executable\n");
  else
    printf("returned, not executable\n");
}

static void imports_won(void) {
  printf("returned; the keeper's call read %#lx\n", keeper_peek());
}

static void attempt(int v, const char *obj) {
  int fd = open(obj, O_RDONLY);
  off_t off = 0;
  size_t len;
  code_of(fd, &off, &len);
  if (fd < 0 || !len) {
    printf("cannot read %s\n", obj);
    return;
  }
  char *im = __start_bulkhead_imports;
  size_t imlen = (size_t)(__stop_bulkhead_imports - __start_bulkhead_imports);
  void *p;
  switch (v) {
  case 0: /* execute-only, shared */
    code_won(mmap(0, len, PROT_EXEC, MAP_SHARED, fd, off));
    break;
  case 1: /* mapped readable, moved, then made executable */
    p = mmap(0, len, PROT_READ, MAP_PRIVATE, fd, off);
    p = mremap(p, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, (char *)p + (64 << 20));
    code_won(p != MAP_FAILED && !mprotect(p, len, PROT_READ | PROT_EXEC)
                 ? p
                 : MAP_FAILED);
    break;
  case 2: /* the key call, with PROT_EXEC */
    p = mmap(0, len, PROT_READ, MAP_PRIVATE, fd, off);
    code_won(!syscall(SYS_pkey_mprotect, p, len, PROT_READ | PROT_EXEC, 0)
                 ? p
                 : MAP_FAILED);
    break;
  case 3: /* READ_IMPLIES_EXEC, then a readable mapping */
    personality(READ_IMPLIES_EXEC);
    code_won(mmap(0, len, PROT_READ, MAP_PRIVATE, fd, off));
    break;
  case 4: /* a loader namespace of its own (no registration there) */
    p = dlmopen(LM_ID_NEWLM, obj, RTLD_NOW);
    printf("dlmopen %s\n", p ? "loaded" : dlerror());
    break;
  case 5:
    if (!mprotect(im, imlen, PROT_READ | PROT_WRITE)) {
      for (char *e = im; e < im + imlen; e++)
        *e = 0;
      imports_won();
    }
    break;
  case 6: /* back to the file's bytes (the byte is 0 there) */
    if (!madvise(im, imlen, MADV_DONTNEED))
      imports_won();
    break;
  case 7:
    if (!madvise(im, imlen, MADV_PAGEOUT))
      imports_won();
    break;
  case 8:
    if (mmap(im, imlen, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
             -1, 0) != MAP_FAILED)
      imports_won();
    break;
  case 9:
    p = mmap(0, imlen, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mremap(p, imlen, imlen, MREMAP_MAYMOVE | MREMAP_FIXED, im) !=
        MAP_FAILED)
      imports_won();
    break;
  case 10: { /* truncating the executable would drop even its copied pages */
    int w = open("/proc/self/exe", O_RDWR) < 0 ? errno : 0;
    int t = truncate("/proc/self/exe", 0) ? errno : 0;
    printf("open for writing: %s; truncate: %s\n",
           w == ETXTBSY ? "ETXTBSY" : w ? "failed" : "ok",
           t == ETXTBSY ? "ETXTBSY" : t ? "failed" : "ok");
    break;
  }
  }
}

int main(int argc, char **argv) {
  if (argc < 2 || ledger_add() != 1)
    return 1;
  for (int v = 0; v <= 10; v++) {
    printf("attempt %d: ", v);
    fflush(stdout);
    pid_t pid = fork();
    if (!pid) {
      attempt(v, argv[1]);
      fflush(stdout);
      _exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
    if (WIFSIGNALED(st))
      printf("killed by signal %d\n", WTERMSIG(st));
  }
  return 0;
}
