// A plugin the process could change (its own file, or any file for root)
// loads in a hardened program: the supervisor has the kernel map a sealed
// copy of it (runtime/supervisor-sealed.c), scanned, in place of the file.
// Nothing done to the file afterwards reaches the code that runs: the
// process rewrites the function with WRPKRU; ret, advises the page away
// (MADV_DONTNEED: a private page is read again from what is mapped),
// truncates the file, advises again, writes the gadget again, and calls
// the function: still clean_add. The last call is the attack (eax = ecx =
// edx = 0, then a read of the vault): it faults on the vault's key.
// dladdr still names the file; /proc/self/maps names the copy after it.
// Before the sealed copy, nobody's own plugin was refused (killed at the
// dlopen) and root's was mapped from the file (attacks-rev15-root-dontneed.c).
// other: a library the process cannot change (root's, 0644, loaded by
// nobody) is a sealed copy too, since review 18 (every executable file
// mapping after start-up is one, whoever asks); before, it was mapped
// from the file ("maps names the sealed copy: 0") and its pages copied.
// REQUIRES: pku
// RUN: %clang -shared -fPIC -O2 %S/Inputs/clean-lib.c -o %t.clean.so
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t.on -ldl
// RUN: env BULKHEAD_VM_FILES=%t.clean.so %run %t.on %t.clean.so | FileCheck %s
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: == root
// CHECK-NEXT: loaded: clean_call(41) = 42
// CHECK-NEXT: dladdr names the file: 1
// CHECK-NEXT: maps names the sealed copy: 1
// CHECK-NEXT: rewritten, advised away: 0, clean_add(2, 3) = 5
// CHECK-NEXT: truncated, advised away: 0, clean_add(2, 3) = 5
// CHECK-NEXT: root: stopped by signal 11
// CHECK: == owner
// CHECK-NEXT: loaded: clean_call(41) = 42
// CHECK-NEXT: dladdr names the file: 1
// CHECK-NEXT: maps names the sealed copy: 1
// CHECK-NEXT: rewritten, advised away: 0, clean_add(2, 3) = 5
// CHECK-NEXT: truncated, advised away: 0, clean_add(2, 3) = 5
// CHECK-NEXT: owner: stopped by signal 11
// CHECK: == other
// CHECK-NEXT: loaded: clean_call(41) = 42
// CHECK-NEXT: dladdr names the file: 1
// CHECK-NEXT: maps names the sealed copy: 1
// CHECK-NEXT: clean_add(2, 3) = 5
// CHECK-NEXT: other: exited 0
// CHECK: parent's vault intact: 1
#include "Inputs/target.h"
#include "Inputs/libc-wrpkru.h"

#include <dlfcn.h>
#include <sys/mman.h>

/* The plugin's bytes, read as root (nobody may not reach its file). */
static char plugin[1 << 16];
static ssize_t plugin_size;

/* xor ecx, edx, eax; WRPKRU; ret, the WRPKRU's last byte made at run
 * time (flip). */
static void write_gadget(const char *path, long at) {
  const unsigned char code[] = {0x31, 0xc9, 0x31, 0xd2, 0x31, 0xc0, 0x0f, 0x01, 0xff, 0xc3};
  unsigned char w[sizeof code];
  memcpy(w, code, sizeof code);
  w[8] ^= flip;
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0 || pwrite(fd, w, sizeof w, at) != (ssize_t)sizeof w || close(fd))
    printf("rewrite: %s\n", strerror(errno));
}

/* Whether an executable line of /proc/self/maps names the copy of path. */
static int maps_names_copy(const char *path) {
  char want[128], line[512];
  snprintf(want, sizeof want, "/memfd:%s (deleted)", path);
  FILE *f = fopen("/proc/self/maps", "re");
  int found = 0;
  while (f && fgets(line, sizeof line, f))
    found |= strstr(line, want) && strstr(line, " r-xp ");
  if (f)
    fclose(f);
  return found;
}

/* Writes the plugin to a file of its own, owned by nobody if drop (who
 * then becomes nobody: /tmp may not let it make the file), and loads it.
 * With other, root keeps the file and the process becomes nobody: it
 * loads a file it cannot change, and changes nothing. */
static void load_and_change(int drop, int other) {
  char copy[64];
  snprintf(copy, sizeof copy, "/tmp/bh-plugin-%d.so", (int)getpid());
  int out = open(copy, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out < 0 || write(out, plugin, (size_t)plugin_size) != plugin_size ||
      (drop && fchown(out, 65534, 65534)) || close(out) ||
      ((drop || other) && drop_to_nobody())) {
    printf("setup: %s\n", strerror(errno));
    return;
  }
  void *h = dlopen(copy, RTLD_NOW);
  int (*call)(int) = h ? (int (*)(int))dlsym(h, "clean_call") : NULL;
  int (*add)(int, int) = h ? (int (*)(int, int))dlsym(h, "clean_add") : NULL;
  Dl_info di;
  if (!call || !add || !dladdr((void *)add, &di)) {
    printf("not loaded: %s\n", dlerror());
    return;
  }
  printf("loaded: clean_call(41) = %d\n", call(41));
  printf("dladdr names the file: %d\n", !strcmp(di.dli_fname, copy));
  printf("maps names the sealed copy: %d\n", maps_names_copy(copy));
  fflush(stdout);
  if (other) {
    printf("clean_add(2, 3) = %d\n", add(2, 3));
    return;
  }
  long at = (unsigned char *)add - (unsigned char *)di.dli_fbase; /* text: same offset */
  void *page = (void *)page_of((void *)add);
  write_gadget(copy, at);
  int adv = madvise(page, 4096, MADV_DONTNEED);
  printf("rewritten, advised away: %d, clean_add(2, 3) = %d\n", adv, add(2, 3));
  fflush(stdout);
  if (truncate(copy, 0))
    printf("truncate: %s\n", strerror(errno));
  adv = madvise(page, 4096, MADV_DONTNEED);
  printf("truncated, advised away: %d, clean_add(2, 3) = %d\n", adv, add(2, 3));
  fflush(stdout);
  write_gadget(copy, at);
  madvise(page, 4096, MADV_DONTNEED);
  static char got[48];
  JUMP_AND_READ(add, got);
  report_read("a WRPKRU written into a plugin", got);
}

static void root(void) { load_and_change(0, 0); }
static void owner(void) { load_and_change(1, 0); }
static void other(void) { load_and_change(0, 1); }

int main(int argc, char **argv) {
  if (argc < 2)
    return 2;
  int in = open(argv[1], O_RDONLY | O_CLOEXEC);
  plugin_size = in < 0 ? -1 : read(in, plugin, sizeof plugin);
  if (plugin_size <= 0 || plugin_size == sizeof plugin)
    return 2;
  struct attack a[] = {{"root", root}, {"owner", owner}, {"other", other}};
  return run_attacks(a, 3);
}
