// Attacker model B against a library loaded before main whose file the
// process may write: root (every library, libc included), or the user who
// owns it (any program run from a build tree: libtool's .libs, a CMake
// build directory). A private page the process has not written shows
// every later write to its file (Linux dropped MAP_DENYWRITE: only the
// main program is protected, ETXTBSY), so the default domain opens the
// library's file for writing, writes WRPKRU; ret over a function's first
// bytes, and calls it with eax = ecx = edx = 0: every key opens and the
// vault's page reads. It rewrites the library's read-only data too, where
// gadgets.c trusts a checked gate's word. Three runs:
//   - root: the library is root's; root may write every file;
//   - owner: a .preinit_array entry of this program, which runs before the
//     runtime's, gives the library to nobody (65534) and becomes nobody,
//     as if nobody had started the program from its build tree;
//   - other: nobody, the library root's (mode 0755): the process cannot
//     write it, nothing is copied, and the attack cannot open the file.
// Fixed: before the start-up scan the runtime makes every readable, not
// writable, private page of each start-up object whose file the process
// could change its own copy (runtime/supervisor-own.c,
// bh_own_startup_pages): the writes change nothing that runs, the call
// runs the old code and the read faults. Before the fix the root and
// owner runs printed "ATTACK SUCCEEDED" (the vault's secret read).
// The main program needs no copy: the kernel refuses writes to it, and its
// truncation, root's too (checked in the root run).
// REQUIRES: pku
// RUN: rm -rf %t && mkdir %t
// RUN: %clang -O2 -fPIC -shared %S/Inputs/startup-lib.c -o %t/libsl.so
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -L%t -lsl -Wl,-rpath,%t -o %t/prog
// RUN: env BULKHEAD_VERBOSE=1 %run %t/prog root %t/libsl.so > %t/root.out 2> %t/root.err
// RUN: FileCheck %s --check-prefixes=ON,ROOT < %t/root.out
// RUN: FileCheck %s --check-prefix=ROOTERR < %t/root.err
// RUN: not grep "start-up object .*/prog:" %t/root.err
// RUN: env BULKHEAD_VERBOSE=1 %run %t/prog owner %t/libsl.so > %t/owner.out 2> %t/owner.err
// RUN: FileCheck %s --check-prefix=ON < %t/owner.out
// RUN: FileCheck %s --check-prefix=OWNERERR < %t/owner.err
// RUN: env BULKHEAD_VERBOSE=1 %run %t/prog other %t/libsl.so > %t/other.out 2> %t/other.err
// RUN: FileCheck %s --check-prefix=OTHER < %t/other.out
// RUN: FileCheck %s --check-prefix=OTHERERR < %t/other.err
// ON-NOT: ATTACK SUCCEEDED
// ROOT: program open for writing: Text file busy
// ROOT-NEXT: program truncated: Text file busy
// ON: == rewrite
// ON-NEXT: library opened for writing: 1
// ON-NEXT: read-only data shows the write: 0
// ON-NEXT: code shows the write: 0
// ON-NOT: ATTACK SUCCEEDED
// ON: rewrite: stopped by signal 11
// ON: parent's vault intact: 1
// ROOTERR-DAG: start-up object {{.*}}/libsl.so: the process holds capabilities it may raise
// ROOTERR-DAG: start-up object {{.*}}/libc.so.6: the process holds capabilities it may raise
// ROOTERR: start-up objects' pages made the process's own copies: {{[1-9][0-9]+}}
// OWNERERR: start-up object {{.*}}/libsl.so: the process owns it
// OWNERERR-NOT: start-up object
// OWNERERR: start-up objects' pages made the process's own copies: {{[1-9]}}
// OTHER: == rewrite
// OTHER-NEXT: library opened for writing: 0
// OTHER: parent's vault intact: 1
// OTHERERR-NOT: start-up object {{.*}}:
// OTHERERR: start-up objects' pages made the process's own copies: 0
#include "Inputs/target.h"
#include "Inputs/libc-wrpkru.h"
#include <dlfcn.h>
#include <link.h>
#include <sys/prctl.h>

int startup_lib_fn(int x);
const char *startup_lib_word(void);

/* Before the runtime's start-up (its .preinit_array entry comes later in
 * the link): owner and other become nobody, owner gives it the library. */
static void become(int argc, char **argv, char **envp) {
  (void)envp;
  if (argc < 3 || getuid() != 0 || !strcmp(argv[1], "root"))
    return;
  if (!strcmp(argv[1], "owner") && chown(argv[2], 65534, 65534)) {
    printf("setup: chown: %s\n", strerror(errno));
    exit(1);
  }
  if (drop_to_nobody())
    exit(1);
  prctl(PR_SET_DUMPABLE, 1, 0, 0, 0); /* the supervisor reads our memory */
}
__attribute__((section(".preinit_array"), used)) static void (*const first)(
    int, char **, char **) = become;

static const char *lib_path;

struct where {
  uintptr_t addr;
  long off;
};

/* The file offset of where->addr in the library (its loadable segment). */
static int find(struct dl_phdr_info *info, size_t size, void *arg) {
  (void)size;
  struct where *w = arg;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    uintptr_t lo = info->dlpi_addr + ph->p_vaddr;
    if (ph->p_type == PT_LOAD && w->addr >= lo && w->addr < lo + ph->p_filesz &&
        strstr(info->dlpi_name, "libsl.so")) {
      w->off = (long)(w->addr - lo + ph->p_offset);
      return 1;
    }
  }
  return 0;
}

static long file_offset(const void *p) {
  struct where w = {(uintptr_t)p, -1};
  dl_iterate_phdr(find, &w);
  return w.off;
}

static void rewrite(void) {
  /* The library's own address (dlsym), not a non-PIE program's PLT. */
  const unsigned char *fn = dlsym(RTLD_DEFAULT, "startup_lib_fn");
  long code_at = file_offset(fn), word_at = file_offset(startup_lib_word());
  int w = open(lib_path, O_WRONLY);
  printf("library opened for writing: %d\n", w >= 0);
  if (w < 0 || code_at < 0 || word_at < 0) {
    report_read("a rewritten start-up library", NULL);
    return;
  }
  const char word[] = "rewritten";
  if (pwrite(w, word, sizeof word, word_at) != sizeof word)
    printf("setup: %s\n", strerror(errno));
  printf("read-only data shows the write: %d\n",
         !strcmp(startup_lib_word(), word));
  const unsigned char code[4] = {0x0f, 0x01, (unsigned char)(0xff ^ flip), 0xc3};
  if (pwrite(w, code, 4, code_at) != 4)
    printf("setup: %s\n", strerror(errno));
  printf("code shows the write: %d\n",
         fn && !memcmp(fn, code, 4));
  fflush(stdout);
  static char out[48];
  JUMP_AND_READ(fn, out);
  report_read("a rewritten start-up library", out);
}

int main(int argc, char **argv) {
  if (argc < 3)
    return 1;
  lib_path = argv[2];
  if (!strcmp(argv[1], "root")) {
    int fd = open("/proc/self/exe", O_WRONLY);
    printf("program open for writing: %s\n", fd < 0 ? strerror(errno) : "opened");
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[n > 0 ? n : 0] = 0;
    printf("program truncated: %s\n",
           truncate(exe, 0) ? strerror(errno) : "truncated");
  }
  struct attack a[] = {{"rewrite", rewrite}};
  return run_attacks(a, 1);
}
