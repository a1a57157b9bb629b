// Review 27, attacker model B (the default domain's program counter; any
// system call the filter allows). The filter refuses signals to the
// supervisor, ptrace and pidfd_open of it, but not prlimit64: a process
// may set the resource limits of any process with its own user and group
// ids (root's supervisor is root's), and the supervisor is one. With
// RLIMIT_NOFILE lowered to just above the descriptors it holds, its own
// opens fail, and some of its checks read a failed open as "nothing
// there": supervisor-truncate.c's mapped_by skips every process whose
// /proc/<pid>/stat it cannot open (bh_task_ident fails: "continue"), so a
// truncation of a file our process maps executable is no longer refused.
//
// Here (as root, the library root's, as in attacks-startup-lib-rewrite.c:
// root may write every file) the default domain finds the supervisor
// (the one pid whose /proc files it may not open: fork children try each;
// policy.p.supervisor, key-0 read-only data, holds it too), opens the start-up library Inputs/startup-lib.c for writing, and
// finds the limit by trying it in fork children: prlimit64(supervisor,
// RLIMIT_NOFILE, n) then ftruncate(library, size - 1), which drops no page
// (the last one is partial) and tells which n works: refused (the child
// dies, n too high), EPERM (the supervisor could not take the descriptor,
// n too low), or done (the byte is put back). With that n it truncates
// the library to 0: the kernel drops every page of every mapping of the
// file, the process's own copies too (truncate_pagecache, even_cows). It
// writes the library back with WRPKRU; RET over startup_lib_fn's first
// bytes, puts the limit back, and jumps there with eax = ecx = edx = 0:
// the page is read from the file again, every key opens and the vault's
// page reads (ATTACK SUCCEEDED). The control truncates without touching
// the limit: refused, the child dies.
//
// Other checks that read a failed open as "no": bh_each_sharer
// (supervisor.c: a process whose /proc/<pid>/task cannot be opened shares
// no memory), which guards the stack-owner requests and registration
// (review 2's adopt-shared-vm attack, not tried again under a limit).
// Other limits do other harm (not tried): RLIMIT_CPU kills the supervisor
// with SIGXCPU (it ignores SIGXFSZ but not that), RLIMIT_NPROC or
// RLIMIT_AS stop its learner and hand-over threads (opens of compartment
// paths then fail), RLIMIT_NOFILE alone fails every open the program makes.
//
// Seen in the guest (filter on, as root): ATTACK SUCCEEDED (then the
// program dies of SIGSEGV: the truncation dropped the library's relocated
// data pages too, in every process); control: the child is killed with
// the refusal's line, the vault intact.
//
// Suggested fix: the filter refuses prlimit64 (and setpriority,
// sched_setaffinity, sched_setscheduler/attr, ioprio_set, which only slow
// it) with pid = the supervisor, as it does kill; or the supervisor
// drops to other ids than the program's where it can, and sets its own
// hard limits once at start; and its checks treat a failed look as a
// refusal (mapped_by, process_maps: an open that fails for any reason but
// ENOENT/ESRCH answers "mapped").
// Fixed, both: the filter refuses prlimit64 that sets another process's
// limits, with one line (runtime/bpf.c; first the supervisor judged the
// target, which review 28 outran); and mapped_by, process_maps and
// bh_each_sharer answer "mapped"/"shares" when they cannot look for lack
// of descriptors or memory. The other calls that only slow it
// (setpriority, sched_*, ioprio_set) stay open: availability only.
// REQUIRES: pku
// RUN: rm -rf %t && mkdir %t
// RUN: %clang -O2 -fPIC -shared %S/Inputs/startup-lib.c -o %t/libsl.so
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -L%t -lsl -Wl,-rpath,%t -o %t/prog
// RUN: %run %t/prog control %t/libsl.so > %t/control.out 2>&1 || true
// RUN: FileCheck %s --check-prefix=CONTROL < %t/control.out
// RUN: %run %t/prog attack %t/libsl.so > %t/out 2>&1 || true
// RUN: FileCheck %s < %t/out
// CONTROL: supervisor found: 1
// CONTROL: library opened for writing: 1
// CONTROL-NOT: ATTACK SUCCEEDED
// CONTROL: control: stopped by signal
// CONTROL: parent's vault intact: 1
// CHECK: supervisor found: 1
// CHECK: library opened for writing: 1
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: parent's vault intact: 1
// CHECK: bulkhead: denied: prlimit64({{.*}}) from the default domain — setting another process's resource limits
#include "Inputs/target.h"
#include "Inputs/libc-wrpkru.h"
#include "Inputs/find-supervisor.h"
#include <dlfcn.h>
#include <link.h>
#include <sys/resource.h>
#include <sys/stat.h>

int startup_lib_fn(int x);

static pid_t supervisor;
static int lib = -1;
static off_t lib_size;
static struct rlimit old;


static int set_files(rlim_t n) {
  struct rlimit r = {n, old.rlim_max};
  return (int)syscall(SYS_prlimit64, supervisor, RLIMIT_NOFILE, &r, NULL);
}

/* In a child: the supervisor's limit at n, the library one byte shorter.
 * Exit 0 if the truncation was made (the byte put back), 1 if it failed;
 * a refusal kills the child. */
static int try_limit(rlim_t n) {
  pid_t c = fork();
  if (c == 0) {
    char last;
    if (pread(lib, &last, 1, lib_size - 1) != 1 || set_files(n))
      _exit(1);
    int r = ftruncate(lib, lib_size - 1);
    if (!r && pwrite(lib, &last, 1, lib_size - 1) != 1)
      _exit(2);
    _exit(r ? 1 : 0);
  }
  int st;
  waitpid(c, &st, 0);
  set_files(old.rlim_cur);
  return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static void control(void) {
  ftruncate(lib, lib_size - 1);
  printf("control: truncation went through\n");
}

/* The file offset of startup_lib_fn in the library. */
static long fn_offset;
static int find(struct dl_phdr_info *info, size_t size, void *arg) {
  (void)size, (void)arg;
  uintptr_t a = (uintptr_t)dlsym(RTLD_DEFAULT, "startup_lib_fn");
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    uintptr_t lo = info->dlpi_addr + ph->p_vaddr;
    if (ph->p_type == PT_LOAD && a >= lo && a < lo + ph->p_filesz &&
        strstr(info->dlpi_name, "libsl.so"))
      fn_offset = (long)(a - lo + ph->p_offset);
  }
  return 0;
}

static void attack(void) {
  rlim_t n = 0;
  for (rlim_t k = 3; k < 64 && !n; k++)
    if (try_limit(k))
      n = k;
  printf("limit that lets a truncation through found: %d\n", n != 0);
  dl_iterate_phdr(find, NULL);
  static unsigned char copy[1 << 20];
  const unsigned char *fn = dlsym(RTLD_DEFAULT, "startup_lib_fn");
  if (!n || fn_offset <= 0 || lib_size > (off_t)sizeof copy ||
      pread(lib, copy, (size_t)lib_size, 0) != lib_size) {
    report_read("a truncated start-up library", NULL);
    return;
  }
  wrpkru_ret(copy + fn_offset);
  set_files(n);
  int r = ftruncate(lib, 0);
  set_files(old.rlim_cur);
  printf("library truncated to 0: %d\n", r == 0);
  if (r || pwrite(lib, copy, (size_t)lib_size, 0) != lib_size) {
    report_read("a truncated start-up library", NULL);
    return;
  }
  static char out[48];
  JUMP_AND_READ(fn, out);
  report_read("a truncated and rewritten start-up library", out);
}

int main(int argc, char **argv) {
  if (argc < 3)
    return 1;
  printf("library says %d\n", startup_lib_fn(2));
  supervisor = find_supervisor();
  printf("supervisor found: %d\n", supervisor > 0);
  getrlimit(RLIMIT_NOFILE, &old);
  lib = open(argv[2], O_RDWR);
  struct stat st;
  printf("library opened for writing: %d\n", lib >= 0 && !fstat(lib, &st));
  if (lib < 0 || supervisor <= 0)
    return 1;
  lib_size = st.st_size;
  int is_control = !strcmp(argv[1], "control");
  struct attack a[] = {{is_control ? "control" : "truncate",
                        is_control ? control : attack}};
  return run_attacks(a, 1);
}
